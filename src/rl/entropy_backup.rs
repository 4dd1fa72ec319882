//! MaxEntDP's entropy-regularised TD backup: the bonus `b = −λ log π(a'|s')` added to
//! `min Q̄(s', a')` in the TD target (`[RFM:Eq.td-target]`), with `log π` of the action
//! `a' = tanh(u')` from the diffusion model's estimated latent log-density
//! (`[RFM:Eq.diffusion-log-density]`) and the tanh change of variables (authors' `update_q_sac`
//! with `next_log_probs` from `_calc_log_prob`, `src/agent/maxentdp.py`).

use ndarray::{ArrayView1, ArrayView2};
use rand::Rng;

use crate::Scalar;
use crate::autodiff::ops::log_sech2::log_sech2_of as log_sech2;
use crate::nn::Params;
use crate::policies::diffusion_log_density::{DiffusionLogDensity, LogDensityScratch};
use crate::policies::generative::GenerativePolicy;

/// The soft-backup bonus `−λ (log p_u(u) − Σ_j log sech² u_j)` of one next action `tanh(u)`
/// whose latent has log-density `log_p_latent`.
pub fn soft_backup_bonus<T: Scalar>(temperature: f64, log_p_latent: f64, u: ArrayView1<T>) -> f64 {
    let log_jacobian: f64 = u.iter().map(|&v| Scalar::to_f64(log_sech2(v))).sum();
    // [RFM:Eq.maxentdp-soft-backup] b = −λ log π(a'|s'), log π(a) = log p_u(u) − Σ log sech² u
    -temperature * (log_p_latent - log_jacobian)
}

/// The estimate's settings and buffers.
#[derive(Clone, Debug)]
pub struct EntropyBackup<T> {
    /// How `log p_u` is estimated.
    pub estimate: DiffusionLogDensity,
    /// λ, the weight of the entropy (the policy's temperature).
    pub temperature: f64,
    scratch: LogDensityScratch<T>,
    log_p: Vec<f64>,
    bonus: Vec<f64>,
    /// Mean of the last batch's estimated `log π(a'|s')`.
    pub last_log_prob_mean: f64,
}

impl<T: Scalar> EntropyBackup<T> {
    /// A backup with weight `temperature` and the estimate `estimate`.
    pub fn new(estimate: DiffusionLogDensity, temperature: f64) -> Self {
        EntropyBackup {
            estimate,
            temperature,
            scratch: LogDensityScratch::default(),
            log_p: Vec::new(),
            bonus: Vec::new(),
            last_log_prob_mean: f64::NAN,
        }
    }

    /// The bonus of each next action `tanh(u'_b)` at `next_obs_b` under `policy`.
    pub fn bonus<R: Rng + ?Sized>(
        &mut self,
        policy: &GenerativePolicy,
        params: &Params<T>,
        next_obs: ArrayView2<T>,
        next_latents: ArrayView2<T>,
        rng: &mut R,
    ) -> &[f64] {
        let b = next_latents.nrows();
        self.log_p.resize(b, 0.0);
        policy.log_density_latent(
            params,
            next_obs,
            next_latents,
            &self.estimate,
            rng,
            &mut self.log_p,
            &mut self.scratch,
        );
        self.bonus.clear();
        self.bonus.extend(
            self.log_p
                .iter()
                .zip(next_latents.rows())
                .map(|(&lp, u)| soft_backup_bonus(self.temperature, lp, u)),
        );
        self.last_log_prob_mean =
            -self.bonus.iter().sum::<f64>() / (self.temperature * b.max(1) as f64);
        &self.bonus
    }
}
