//! The defaults of each algorithm (the `paper` preset, from the authors' settings) and the
//! named presets layered on top of them. Sources of each value: `paper-notes/reference-setup.md`.

use super::algo::{Algo, Preset};
use super::coefficient::{Coefficient, Pooling};
use super::settings::{MaxEntDpConfig, Proposal, QvpoConfig, TrainConfig};
use crate::policies::diffusion_sampler::DiffusionMethod;

impl Algo {
    /// The authors' settings for this algorithm (the `paper` preset).
    pub fn paper_defaults(self) -> TrainConfig {
        let mut c = TrainConfig {
            algo: self,
            ..TrainConfig::default()
        };
        match self {
            Algo::Rfm => {}
            Algo::Qne => {
                c.sampler.steps = 20;
                c.estimator.samples = 500;
                c.estimator.coefficient = Coefficient::EtaZero;
            }
            // `configs/default.yaml: maxentdp` (run.sh passes no other file for it) and
            // `src/agent/maxentdp.py`.
            Algo::MaxEntDp => {
                c.sampler.steps = 20; // num_diffusion_steps
                c.sampler.temperature = 0.02; // init_temperature = final_temperature
                c.sampler.t_min = 0.001; // t_min (t ∈ [0.001, 0.999]; theirs ends at 0.998)
                c.sampler.diffusion = DiffusionMethod::Ddpm; // x = mean + sqrt(β) z
                // sample_actions: one sample per state; the next action likewise; evaluation
                // takes the best of eval_candidate_num = 32 by Q (eval_action_selection).
                c.sampler.particles_act = 1;
                c.sampler.particles_train = 1;
                c.sampler.particles_eval = 32;
                c.estimator.samples = 500; // score_samples_num
                c.estimator.coefficient = Coefficient::EtaZero; // eps_target = −Σ w ε
                c.estimator.proposal = Proposal::Buffer; // noisy_actions from replay actions
                // actor.max_grad_norm = critic.max_grad_norm = null
                c.critic.max_grad_norm = 0.0;
                c.actor.max_grad_norm = 0.0;
                // backup_entropy = true, log_prob_samples = 50, log_prob_steps = 20
                c.maxentdp = MaxEntDpConfig::default();
            }
            Algo::Dqs => {
                c.sampler.steps = 20;
                c.sampler.temperature = 0.05;
                c.estimator.samples = 1000;
                c.estimator.coefficient = Coefficient::EtaOne;
            }
            Algo::Qsm => {
                c.sampler.steps = 20;
                c.sampler.temperature = 1.0 / 50.0;
                c.estimator.samples = 1;
                c.estimator.coefficient = Coefficient::EtaOne;
            }
            // `configs/default.yaml: qvpo` (run.sh passes no other file for it) and
            // `src/agent/qvpo.py`.
            Algo::Qvpo => {
                c.sampler.steps = 20; // num_diffusion_steps (beta_schedule: cosine)
                c.sampler.t_min = 0.001; // as maxentdp: the cosine path's full window
                c.sampler.diffusion = DiffusionMethod::Ddpm; // noise_ratio = 1.0
                c.sampler.particles_act = 4; // behavior_sample
                c.sampler.particles_train = 4; // target_sample
                c.sampler.particles_eval = 32; // eval_sample
                // train_sample = 64, entropy_alpha = 0.02, entropy_samples = 10
                c.qvpo = QvpoConfig::default();
                // no estimator: K = 1 keeps its (unused) buffers small
                c.estimator.samples = 1;
                // actor.max_grad_norm = critic.max_grad_norm = null
                c.critic.max_grad_norm = 0.0;
                c.actor.max_grad_norm = 0.0;
            }
            Algo::Sac => {
                // run.sh passes no config file for sac: no gradient clipping.
                c.critic.max_grad_norm = 0.0;
                c.actor.max_grad_norm = 0.0;
                c.estimator.coefficient = Coefficient::Optimal(Pooling::PerDimension);
            }
        }
        c
    }
}

impl Preset {
    /// Applies the preset's overrides to `c` (the paper preset changes nothing).
    pub fn apply(self, c: &mut TrainConfig) {
        match self {
            Preset::Paper => {}
            Preset::Demo => {
                Preset::Cpu.apply(c);
                c.schedule.total_steps = 20_000;
                c.schedule.random_steps = 2_000;
                c.schedule.eval_every = 2_000;
                c.schedule.eval_episodes = 4;
                c.schedule.checkpoint_every = 5_000;
                c.schedule.log_every = 250;
                c.schedule.batch_size = 128;
                c.critic.hidden = 64;
                c.actor.hidden = 64;
                c.actor.embed_dim = 32;
            }
            Preset::Cpu => {
                c.schedule.total_steps = 100_000;
                c.schedule.random_steps = 5_000;
                c.schedule.replay_capacity = 100_000;
                c.schedule.eval_every = 5_000;
                c.schedule.eval_episodes = 5;
                c.schedule.checkpoint_every = 5_000;
                match c.algo {
                    Algo::Sac => {}
                    Algo::Qvpo => {
                        // Best of 4 when acting and bootstrapping, as the paper preset.
                        c.sampler.steps = c.sampler.steps.div_ceil(2);
                        c.sampler.particles_eval = 8;
                        c.qvpo.train_samples = c.qvpo.train_samples.min(16);
                    }
                    Algo::MaxEntDp => {
                        // One sample when acting and bootstrapping, as the paper preset.
                        c.sampler.steps = c.sampler.steps.div_ceil(2);
                        c.sampler.particles_eval = 8;
                        c.estimator.samples = c.estimator.samples.min(16);
                        c.maxentdp.log_prob_samples = c.maxentdp.log_prob_samples.min(8);
                        c.maxentdp.log_prob_steps = c.maxentdp.log_prob_steps.div_ceil(2);
                    }
                    _ => {
                        c.sampler.steps = c.sampler.steps.div_ceil(2);
                        c.sampler.particles_act = 8;
                        c.sampler.particles_train = 4;
                        c.sampler.particles_eval = 8;
                        c.estimator.samples = c.estimator.samples.min(16);
                    }
                }
            }
        }
    }
}

impl TrainConfig {
    /// The defaults of `algo` at `preset` (see [`Algo::paper_defaults`], [`Preset::apply`]).
    pub fn preset(algo: Algo, preset: Preset) -> Self {
        let mut c = algo.paper_defaults();
        preset.apply(&mut c);
        c
    }
}
