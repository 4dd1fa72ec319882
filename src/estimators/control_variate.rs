//! The choice of Stein control variate: which member of the estimator family to use.

use ndarray::Array2;

use super::optimal::PluginCoefficient;

/// A member of the estimator family `μ̂_0(M) = Σ_k w_k (ε'_k + M s_0(ε'_k))`.
#[derive(Clone, Debug, PartialEq)]
pub enum ControlVariate {
    /// Scalar `M = η I` in noise space: η = 0 is noise-expectation, η = 1 gradient-expectation.
    Eta(f64),
    /// Diagonal `M = diag(Λ)` in noise space (one entry per dimension).
    PerDimension(Vec<f64>),
    /// Full `d×d` matrix M in noise space.
    Matrix(Array2<f64>),
    /// Data-space coefficient `c` (one per dimension), applied as
    /// `μ̂_1 = Σ_k w_k (x'_{1,k} + c ⊙ s_1)`; equivalent to `η = c α_t²/β_t²`.
    DataSpace(Vec<f64>),
    /// The plug-in minimum-variance coefficient, fitted per state on the same samples.
    Plugin(PluginCoefficient),
    /// The plug-in coefficient cross-fitted: fitted on each half of a state's samples and
    /// applied to the other half ([`super::cross_fit`]).
    CrossFitted(PluginCoefficient),
}

impl ControlVariate {
    /// The noise-expectation member (η = 0).
    pub const NOISE_EXPECTATION: ControlVariate = ControlVariate::Eta(0.0);
    /// The gradient-expectation member (η = 1).
    pub const GRADIENT_EXPECTATION: ControlVariate = ControlVariate::Eta(1.0);
}

/// Maps a data-space coefficient to the noise-space one at a time with coefficients α_t, β_t:
/// `η = c α_t² / β_t²`.
pub fn data_to_noise_coefficient(c: f64, alpha_t: f64, beta_t: f64) -> f64 {
    // [RFM:Eq.c-eta-mapping]
    c * alpha_t * alpha_t / (beta_t * beta_t)
}

/// Inverse of [`data_to_noise_coefficient`]: `c = η β_t² / α_t²`.
pub fn noise_to_data_coefficient(eta: f64, alpha_t: f64, beta_t: f64) -> f64 {
    eta * beta_t * beta_t / (alpha_t * alpha_t)
}
