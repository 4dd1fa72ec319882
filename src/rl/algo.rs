//! Algorithms as typed configurations of the same parts, and the two presets.
//!
//! | algo | policy | path | coefficient | source of the defaults |
//! |---|---|---|---|---|
//! | `rfm` | flow (tanh latent) | linear | optimal, per dimension | authors' `configs/rfm.yaml` |
//! | `qne` | VP diffusion, ε-prediction | VP cosine | η = 0 | MaxEntDP/SDAC family: 20 steps, 500 samples |
//! | `dqs` | VE score | VE geometric | η = 1 | iDEM/DQS family: 20 steps, λ = 0.05, 1000 samples |
//! | `qsm` | VE score | VE geometric | η = 1 at the proposal mean (K = 1) | QSM: 20 steps, gradient scale 50 = 1/λ |
//! | `sac` | tanh-Gaussian | — | — | SAC: auto α, target entropy −d, no clipping |

use serde::{Deserialize, Serialize};

use super::coefficient::{Coefficient, Pooling};
use super::config::TrainConfig;

/// An algorithm: a typed configuration of policy, path, estimator coefficient and loss.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Algo {
    /// Reverse Flow Matching: flow policy, optimal per-dimension control variate.
    Rfm,
    /// Q-weighted noise estimation (MaxEntDP / SDAC): VP diffusion, η = 0.
    Qne,
    /// Diffusion/energy Q-sampling (iDEM / DQS): VE score model, η = 1.
    Dqs,
    /// Q-score matching: VE score model regressed on ∇Q(x_t)/λ.
    Qsm,
    /// Soft actor-critic with a tanh-Gaussian policy and automatic α.
    Sac,
}

impl Algo {
    /// Every algorithm, in the order of the table above.
    pub const ALL: [Algo; 5] = [Algo::Rfm, Algo::Qne, Algo::Dqs, Algo::Qsm, Algo::Sac];

    /// The name used on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            Algo::Rfm => "rfm",
            Algo::Qne => "qne",
            Algo::Dqs => "dqs",
            Algo::Qsm => "qsm",
            Algo::Sac => "sac",
        }
    }

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

impl std::fmt::Display for Algo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A named set of overrides on top of an algorithm's paper defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// The authors' settings, unchanged (B = 256, K = 100, 32 particles, 10 Euler steps).
    Paper,
    /// Fewer reverse samples, particles and steps, sized for about an hour on 2 cores
    /// (measurements in `paper-notes/presets.md`).
    Cpu,
    /// A few minutes on 2 cores (`cargo run --release`): the `cpu` preset with 64-wide
    /// networks, batch 128 and a 20k-step budget. Not the authors' networks: a demonstration.
    Demo,
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
