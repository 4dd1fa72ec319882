//! Per-call diagnostics of the estimator: effective sample size, chosen coefficients and the
//! estimated variance of each member.
//!
//! Variances are the plug-in SNIS (delta-method) variance of the weighted mean,
//! `V̂(f) = Σ_k w_k² ‖f_k − Σ_j w_j f_j‖²` (`RFM:Eq.snis-delta-variance`, computed in
//! [`super::member_variance`]), summed over dimensions and reported in **noise
//! space** (units of `μ_0`); the data-space variance of the same estimator is
//! `(β_t/α_t)²` times it. They estimate the variance of `μ̂_0` itself (not a per-sample one).

use ndarray::{Array1, Array3};

/// Diagnostics of the last call, one entry per state.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics<T> {
    /// Effective sample size `1 / Σ_k w_k²` ∈ [1, K].
    pub ess: Array1<T>,
    /// The noise-space coefficient matrix `M_b` used for each state (`B×d×d`; diagonal for
    /// η and Λ). Data-space equivalent: `c = (β_t/α_t)² M`.
    pub coefficients: Array3<T>,
    /// Estimated variance of the noise-expectation (η = 0) estimate.
    pub variance_noise_expectation: Array1<T>,
    /// Estimated variance of the gradient-expectation (η = 1) estimate.
    pub variance_gradient_expectation: Array1<T>,
    /// Estimated variance of the estimate actually returned. For the plug-in member the fitted
    /// coefficient is held fixed: the noise of fitting it on the same samples is ignored, so the
    /// figure is optimistic by a relative term of order `p/ESS` (`p` coefficients per
    /// dimension: 1, or `d` for the full matrix); see [`super::optimal`]. Zero-weight samples
    /// are not terms.
    pub variance_chosen: Array1<T>,
}
