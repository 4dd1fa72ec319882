//! The defaults of each algorithm (the `paper` preset, from the authors' settings) and the
//! named presets layered on top of them. Sources of each value: `paper-notes/reference-setup.md`.

use super::algo::{Algo, Preset};
use super::coefficient::{Coefficient, Pooling};
use super::settings::TrainConfig;

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
                if c.algo != Algo::Sac {
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

impl TrainConfig {
    /// The defaults of `algo` at `preset` (see [`Algo::paper_defaults`], [`Preset::apply`]).
    pub fn preset(algo: Algo, preset: Preset) -> Self {
        let mut c = algo.paper_defaults();
        preset.apply(&mut c);
        c
    }
}
