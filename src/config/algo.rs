//! Algorithms as typed configurations of the same parts, and the named presets.
//!
//! | algo | policy | path | coefficient | source of the defaults |
//! |---|---|---|---|---|
//! | `rfm` | flow (tanh latent) | linear | optimal, per dimension | authors' `configs/rfm.yaml` |
//! | `qne` | VP diffusion, ε-prediction | VP cosine | η = 0 | MaxEntDP/SDAC family: 20 steps, 500 samples |
//! | `maxentdp` | VP diffusion, ε-prediction | VP cosine | η = 0, plus the entropy-regularised backup | authors' `maxentdp` block of `configs/default.yaml` |
//! | `dqs` | VE score | VE geometric | η = 1 | iDEM/DQS family: 20 steps, λ = 0.05, 1000 samples |
//! | `qsm` | VE score | VE geometric | η = 1 at the proposal mean (K = 1) | QSM: 20 steps, gradient scale 50 = 1/λ |
//! | `qvpo` | VP diffusion, ε-prediction | VP cosine | none: Q-weighted denoising loss | authors' `qvpo` block of `configs/default.yaml` |
//! | `sac` | tanh-Gaussian | — | — | SAC: auto α, target entropy −d, no clipping |
//!
//! `qne` and `maxentdp` share the policy, the path and the η = 0 estimator. `qne` is the bare
//! family member: it acts, bootstraps and builds its endpoints like `rfm` (particles selected by
//! softmax(Q/λ), on-policy endpoints, DDIM, t ∈ [0.01, 0.99], clipped gradients) and backs up
//! `min Q̄(s', a')` with no entropy term. `maxentdp` is MaxEntDP as the authors ran it
//! (`src/agent/maxentdp.py`, `configs/default.yaml: maxentdp`): one ancestral (DDPM) sample per
//! state when acting and for the next action, the best of 32 by Q in evaluation, endpoints from
//! the replay actions, t ∈ [0.001, 0.999], no gradient clipping, and the soft backup
//! `min Q̄(s', a') − λ log π(a'|s')` with `log π` estimated from the diffusion model
//! (`[RFM:Eq.diffusion-log-density]`, 50 noise samples × 20 steps).
//!
//! `qvpo` shares the VP policy, sampler and networks with `qne`/`maxentdp` but has no
//! posterior-mean estimator and no Boltzmann target `exp(Q/λ)`: its actor regresses the noise
//! `ε` itself on the policy's own best sample per state, weighted by that sample's advantage
//! over the samples' mean Q (`[RFM:Eq.qvpo-weighted-loss]`, `[RFM:Eq.qvpo-weight-transform]`),
//! plus uniform actions at α times that weight (`[RFM:Eq.qvpo-entropy]`); its critic backs up
//! `min Q̄(s', a')` with no entropy term and `a'` from an EMA target actor. As the authors ran
//! it (`src/agent/qvpo.py`, `configs/default.yaml: qvpo`, defaults cited in `presets.rs`):
//! best of 4 by Q when acting and for `a'` (target critics), best of 32 in evaluation, 64
//! samples per state in the update, α = 0.02 with 10 uniform actions, DDPM, 20 steps, no
//! gradient clipping. Every detail is read from their code, not from the paper (Ding et al.
//! 2024, which states the loss over behaviour samples with a family of weight transforms):
//! the one training action per state (the argmax of 64), `V(s)` as the mean Q of those 64
//! (the `qadv` transform; the `max(·, 0)` never binds), a constant α with the entropy actions
//! weighted by α·ω(s), and one mean over the Q-weighted and entropy rows together (so the
//! entropy rows also shrink the Q-weighted rows' share by 1/(1 + 10)). Three keys of the block do
//! not act in their setting and have no counterpart here: `action_lr = 0.03` and
//! `action_gradient_steps = 20` drive only the `action_augmentation = false` branch (Adam ascent
//! of Q on the replay actions, weight `max(Q, 0)`), and `ema_alpha_mean/std = 0.001` only feed a
//! logged running mean/std of Q. Like every diffusion policy here, it acts in the tanh latent
//! (theirs clips a box-valued sample), uses our residual velocity net with λ = 0.02 as a
//! constant input, continuous t ∈ [0.001, 0.999] on the cosine path (theirs: 20 discrete
//! cosine-β steps), and draws the uniform actions' latents as `artanh(a)`.

use serde::{Deserialize, Serialize};

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
    /// Q-weighted noise estimation: the bare η = 0 member (MaxEntDP / SDAC family), VP diffusion,
    /// no entropy backup (see `maxentdp` and the module docs for the differences).
    Qne,
    /// MaxEntDP as the authors ran it: VP diffusion, η = 0, and the entropy-regularised TD
    /// backup with the diffusion model's estimated log-density of the next action.
    #[serde(rename = "maxentdp")]
    #[value(name = "maxentdp")]
    MaxEntDp,
    /// Diffusion/energy Q-sampling (iDEM / DQS): VE score model, η = 1.
    Dqs,
    /// Q-score matching: VE score model regressed on ∇Q(x_t)/λ.
    Qsm,
    /// QVPO (Ding et al. 2024) as the authors ran it: VP diffusion trained by the Q-weighted
    /// denoising loss on its best sample per state, plus uniform-action entropy rows.
    Qvpo,
    /// Soft actor-critic with a tanh-Gaussian policy and automatic α.
    Sac,
}

impl Algo {
    /// Every algorithm, in the order of the table above.
    pub const ALL: [Algo; 7] = [
        Algo::Rfm,
        Algo::Qne,
        Algo::MaxEntDp,
        Algo::Dqs,
        Algo::Qsm,
        Algo::Qvpo,
        Algo::Sac,
    ];

    /// The name used on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            Algo::Rfm => "rfm",
            Algo::Qne => "qne",
            Algo::MaxEntDp => "maxentdp",
            Algo::Dqs => "dqs",
            Algo::Qsm => "qsm",
            Algo::Qvpo => "qvpo",
            Algo::Sac => "sac",
        }
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

impl std::fmt::Display for Preset {
    /// The name used on the command line and in files (the same spelling as serde's).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use clap::ValueEnum;
        let value = self.to_possible_value().expect("every preset has a name");
        f.write_str(value.get_name())
    }
}
