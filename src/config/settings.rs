//! Typed training configuration: one struct per part, `Default` = the authors' settings.
//!
//! Every field documents its meaning, default and source (the authors' public JAX code,
//! `configs/default.yaml` + `configs/rfm.yaml`, key by key in `paper-notes/reference-setup.md`). Files are TOML, layered on
//! top of the defaults of the chosen algorithm and preset, parsed with `deny_unknown_fields`
//! and then range-checked by [`TrainConfig::validate`], whose errors name the key, the value
//! and what is allowed.

use serde::{Deserialize, Serialize};

use super::algo::Algo;
use super::coefficient::Coefficient;
use crate::estimators::{EstimatorSetup, LogTarget};
use crate::policies::diffusion_sampler::DiffusionMethod;
use crate::policies::flow_sampler::OdeMethod;

/// The whole configuration of a training run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    /// Algorithm (rfm, qne, maxentdp, dqs, qsm, qvpo, sac). Default: rfm.
    pub algo: Algo,
    /// Run length, replay, evaluation and checkpoint cadence.
    pub schedule: ScheduleConfig,
    /// Twin critics.
    pub critic: CriticConfig,
    /// Actor network and optimiser.
    pub actor: ActorConfig,
    /// Sampler of the flow / diffusion policy (ignored by sac).
    pub sampler: SamplerConfig,
    /// The posterior-mean estimator of the actor target (ignored by sac).
    pub estimator: EstimatorConfig,
    /// SAC's entropy temperature (used by sac only).
    pub sac: SacConfig,
    /// MaxEntDP's entropy-regularised backup (used by maxentdp only). Absent in run records
    /// written before maxentdp existed: the defaults.
    #[serde(default)]
    pub maxentdp: MaxEntDpConfig,
    /// QVPO's Q-weighted denoising loss (used by qvpo only). Absent in run records written
    /// before qvpo existed: the defaults.
    #[serde(default)]
    pub qvpo: QvpoConfig,
}

/// Run length and cadence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    /// Environment steps of the run. Default 250 000 (authors' `max_steps`).
    pub total_steps: u64,
    /// First steps with uniform random actions and no updates. Default 10 000 (`start_training`).
    pub random_steps: u64,
    /// Gradient updates per environment step after the random phase. Default 1.
    pub updates_per_step: u32,
    /// Minibatch size. Default 256.
    pub batch_size: usize,
    /// Replay capacity (transitions). Default 250 000 (never evicts in a 250k run).
    pub replay_capacity: usize,
    /// Evaluate every this many env steps (and at step 0 and at the end). Default 10 000.
    pub eval_every: u64,
    /// Episodes per evaluation (task seeds 0..n, deterministic actions). Default 25.
    pub eval_episodes: usize,
    /// Write a training-metrics row every this many updates. Default 1000 (`log_interval`).
    pub log_every: u64,
    /// Checkpoint at the first episode end after every this many env steps. Default 10 000.
    pub checkpoint_every: u64,
    /// Cut episodes after this many steps (Gymnasium `TimeLimit`); 0 keeps the task's own
    /// length (1000 for every dm_control task). Default 0.
    pub max_episode_steps: usize,
}

/// Twin critics `Q_1, Q_2`: MLP 2×256 ReLU, orthogonal(√2) init. The critic takes it as is
/// ([`crate::critic::twin::TwinCritic::new`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriticConfig {
    /// Hidden width. Default 256.
    pub hidden: usize,
    /// Hidden layers. Default 2.
    pub layers: usize,
    /// Adam learning rate. Default 1e-3.
    pub lr: f64,
    /// Discount γ. Default 0.99.
    pub gamma: f64,
    /// Polyak rate τ of the target critics. Default 0.005.
    pub tau: f64,
    /// Global gradient-norm clip (per critic); 0 disables. Default 10 (`configs/rfm.yaml`).
    pub max_grad_norm: f64,
}

/// Actor: the conditional net `v_θ(t, u_t, s, λ)` (flow / diffusion) or SAC's Gaussian MLP.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorConfig {
    /// Hidden width. Default 256.
    pub hidden: usize,
    /// Residual blocks `x + GELU(Dense(x))` after the first layer. Default 2.
    pub residual_blocks: usize,
    /// Width of each sinusoidal embedding (of t and of λ). Default 128.
    pub embed_dim: usize,
    /// Adam learning rate. Default 3e-4.
    pub lr: f64,
    /// Global gradient-norm clip; 0 disables. Default 10.
    pub max_grad_norm: f64,
}

/// Policy sampling: particles, steps, temperature.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplerConfig {
    /// Temperature λ of the Boltzmann target `exp(Q/λ)`. Default 0.02.
    pub temperature: f64,
    /// Integration / denoising steps. Default 10 (rfm); 20 for the diffusion baselines.
    pub steps: usize,
    /// Flow time window `[t_min, 1 − t_min]`. Default 0.01.
    pub t_min: f64,
    /// Particles per state when acting (one drawn by softmax(Q/λ); qvpo: the argmax Q).
    /// Default 32.
    pub particles_act: usize,
    /// Particles per state for the update's on-policy endpoints and next actions (qvpo: the
    /// next action's candidates, `target_sample`). Default 32.
    pub particles_train: usize,
    /// Particles per state in evaluation (argmax Q). Default 32.
    pub particles_eval: usize,
    /// ODE integrator of the flow policy. Default Euler.
    pub integrator: OdeMethod,
    /// Sampler of the VP diffusion policy (qne, maxentdp, qvpo). Default DDIM.
    pub diffusion: DiffusionMethod,
}

/// Where the actor's training points `x_t` come from (the generative agent's endpoint `u_1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Proposal {
    /// `u_1` sampled by the current policy (authors' `rfm_on_policy = true`).
    Policy,
    /// `u_1 = artanh(clip(a_replay, ±(1 − 1e-4)))`.
    Buffer,
}

/// The posterior-mean estimator of the actor's regression target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimatorConfig {
    /// Reverse samples K per training point. Default 100.
    pub samples: usize,
    /// Control-variate coefficient. Default optimal per dimension.
    pub coefficient: Coefficient,
    /// Ridge in the plug-in coefficient's denominator. Default 1e-4.
    pub ridge: f64,
    /// Clip of the data-space coefficient c to `[−clip, clip]`; 0 disables. Default 2.
    pub clip: f64,
    /// Proposal of `x_t`. Default policy.
    pub proposal: Proposal,
}

/// SAC's automatic entropy temperature α.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SacConfig {
    /// Initial α. Default 1.0.
    pub init_alpha: f64,
    /// Adam learning rate of log α. Default 3e-4.
    pub alpha_lr: f64,
    /// Target entropy per action dimension (target = value × d). Default −1.
    pub target_entropy_per_dim: f64,
}

/// MaxEntDP's estimate of `log π(a'|s')` for the soft TD backup
/// (`[RFM:Eq.diffusion-log-density]`; authors' `_calc_log_prob` in `src/agent/maxentdp.py`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaxEntDpConfig {
    /// Noise samples per next action and step. Default 50 (`maxentdp.log_prob_samples`).
    pub log_prob_samples: usize,
    /// Quadrature steps over the policy's time window. Default 20 (`maxentdp.log_prob_steps`).
    pub log_prob_steps: usize,
    /// Clip of the denoised latent `x̂ = (x_t − β ε̂)/α` to `[−clip, clip]` before `ε̂` is
    /// recomputed from it; 0 disables. Default `artanh(1 − 1e-4)` ≈ 4.952: the authors clip
    /// `x̂` to the action box (`maxentdp.clip_sampler: true`); our diffusion lives in the tanh
    /// latent, and this is the latent of the box with the buffer proposal's margin.
    pub denoiser_clip: f64,
}

impl Default for MaxEntDpConfig {
    fn default() -> Self {
        MaxEntDpConfig {
            log_prob_samples: 50,
            log_prob_steps: 20,
            denoiser_clip: action_box_latent(),
        }
    }
}

/// `artanh(1 − 1e-4)` ≈ 4.952: the latent of the action box `[−1, 1]` with the buffer
/// proposal's margin, where maxentdp and qvpo clip the denoised latent (the authors clip the
/// denoised action to the box).
pub fn action_box_latent() -> f64 {
    (1.0f64 - 1e-4).atanh()
}

/// QVPO's actor update (`[RFM:Eq.qvpo-weighted-loss]`; authors' `src/agent/qvpo.py`,
/// `configs/default.yaml: qvpo`). Its other sample counts are the sampler's:
/// `particles_act` = `behavior_sample`, `particles_train` = `target_sample` (the next
/// action's candidates), `particles_eval` = `eval_sample`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QvpoConfig {
    /// Policy samples per state in the actor update; the best by Q is the state's training
    /// action, their mean Q its baseline V. At least 2. Default 64 (`qvpo.train_sample`).
    pub train_samples: usize,
    /// Entropy coefficient α: each uniform action's weight is α times its state's Q-weight;
    /// 0 adds none. Default 0.02 (`qvpo.entropy_alpha`).
    pub entropy_alpha: f64,
    /// Uniform actions per state. Default 10 (`qvpo.entropy_samples`).
    pub entropy_samples: usize,
    /// Clip of the denoised latent in the sampler (as `maxentdp.denoiser_clip`); 0 disables.
    /// Default `artanh(1 − 1e-4)` ≈ 4.952 (the authors clip `x_recon` to `[−1, 1]`).
    pub denoiser_clip: f64,
}

impl Default for QvpoConfig {
    fn default() -> Self {
        QvpoConfig {
            train_samples: 64,
            entropy_alpha: 0.02,
            entropy_samples: 10,
            denoiser_clip: action_box_latent(),
        }
    }
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            total_steps: 250_000,
            random_steps: 10_000,
            updates_per_step: 1,
            batch_size: 256,
            replay_capacity: 250_000,
            eval_every: 10_000,
            eval_episodes: 25,
            log_every: 1000,
            checkpoint_every: 10_000,
            max_episode_steps: 0,
        }
    }
}

impl Default for CriticConfig {
    fn default() -> Self {
        CriticConfig {
            hidden: 256,
            layers: 2,
            lr: 1e-3,
            gamma: 0.99,
            tau: 0.005,
            max_grad_norm: 10.0,
        }
    }
}

impl Default for ActorConfig {
    fn default() -> Self {
        ActorConfig {
            hidden: 256,
            residual_blocks: 2,
            embed_dim: 128,
            lr: 3e-4,
            max_grad_norm: 10.0,
        }
    }
}

impl Default for SamplerConfig {
    fn default() -> Self {
        SamplerConfig {
            temperature: 0.02,
            steps: 10,
            t_min: 0.01,
            particles_act: 32,
            particles_train: 32,
            particles_eval: 32,
            integrator: OdeMethod::Euler,
            diffusion: DiffusionMethod::Ddim,
        }
    }
}

impl Default for EstimatorConfig {
    fn default() -> Self {
        EstimatorConfig {
            samples: 100,
            coefficient: Coefficient::default(),
            ridge: 1e-4,
            clip: 2.0,
            proposal: Proposal::Policy,
        }
    }
}

impl EstimatorConfig {
    /// What the estimator computes for this configuration and a log-target: the one place the
    /// file's choices become the estimator's (K, and the coefficient with its ridge and clip).
    pub fn setup(&self, target: LogTarget) -> EstimatorSetup {
        EstimatorSetup {
            samples_per_state: self.samples,
            target,
            control_variate: self.coefficient.control_variate(self.ridge, self.clip),
        }
    }
}

impl Default for SacConfig {
    fn default() -> Self {
        SacConfig {
            init_alpha: 1.0,
            alpha_lr: 3e-4,
            target_entropy_per_dim: -1.0,
        }
    }
}

impl Default for TrainConfig {
    /// The authors' rfm run (`run.sh`, algo=rfm): the `paper` preset of [`Algo::Rfm`].
    fn default() -> Self {
        TrainConfig {
            algo: Algo::Rfm,
            schedule: ScheduleConfig::default(),
            critic: CriticConfig::default(),
            actor: ActorConfig::default(),
            sampler: SamplerConfig::default(),
            estimator: EstimatorConfig::default(),
            sac: SacConfig::default(),
            maxentdp: MaxEntDpConfig::default(),
            qvpo: QvpoConfig::default(),
        }
    }
}
