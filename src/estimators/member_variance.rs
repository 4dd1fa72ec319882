//! The plug-in variances of one estimator call, per state: of η = 0, of η = 1 and of the chosen
//! member with its coefficient held fixed (`Diagnostics::variance_*`).
//!
//! With `f_k` a member's per-sample term and `μ̂` its estimate, the SNIS asymptotic variance is
//! estimated by `Σ_k w_k² ‖f_k − μ̂‖²` (`RFM:Eq.snis-delta-variance`,
//! proofs/eq-snis-delta-variance.md; paper-notes/math-outline.md §7). For the cross-fitted
//! member the coefficient held fixed is the reported `½(M_A + M_B)` ([`super::cross_fit`]).

use ndarray::{ArrayView1, ArrayView2, s};

use super::control_variate::ControlVariate;
use super::diagnostics::Diagnostics;
use super::optimal::{CoefficientStructure, PluginCoefficient};
use crate::Scalar;
use crate::paths::PathCoefficients;

/// The per-sample quantities of one call (rows state-major, `samples_per_state` per state).
pub struct Members<'a, T> {
    /// K.
    pub samples_per_state: usize,
    /// Whether the coefficient matrices are diagonal (skips the off-diagonal products).
    pub diagonal: bool,
    /// Path coefficients per state.
    pub coefficients: &'a [PathCoefficients],
    /// SNIS weights.
    pub weights: ArrayView1<'a, T>,
    /// Reverse-sample noise ε'.
    pub noise: ArrayView2<'a, T>,
    /// `∇ log p_1` at the reverse samples.
    pub grad_log_p: ArrayView2<'a, T>,
    /// Noise posterior scores `s_0`.
    pub score: ArrayView2<'a, T>,
    /// η = 0 estimate per state.
    pub mu_ne: ArrayView2<'a, T>,
    /// η = 1 estimate per state.
    pub mu_ge: ArrayView2<'a, T>,
    /// The chosen member's estimate per state.
    pub mu_0: ArrayView2<'a, T>,
}

impl ControlVariate {
    /// Whether every coefficient matrix of this member is diagonal.
    pub fn is_diagonal(&self) -> bool {
        !matches!(
            self,
            ControlVariate::Matrix(_)
                | ControlVariate::Plugin(PluginCoefficient {
                    structure: CoefficientStructure::FullMatrix,
                    ..
                })
                | ControlVariate::CrossFitted(PluginCoefficient {
                    structure: CoefficientStructure::FullMatrix,
                    ..
                })
        )
    }
}

/// Fills the three variances of `diagnostics` from `m` and `diagnostics.coefficients`;
/// `f_row` is scratch of length `3d`.
pub fn fill_variances<T: Scalar>(
    m: &Members<'_, T>,
    f_row: &mut [T],
    diagnostics: &mut Diagnostics<T>,
) {
    let (k, d) = (m.samples_per_state, m.noise.ncols());
    let (f_ne, rest) = f_row.split_at_mut(d);
    let (f_ge, f_ch) = rest.split_at_mut(d);
    for (b, c) in m.coefficients.iter().enumerate() {
        let ratio = T::from_f64(-c.beta_t / c.alpha_t);
        let mat = diagnostics.coefficients.slice(s![b, .., ..]);
        let (mut v_ne, mut v_ge, mut v_ch) = (T::zero(), T::zero(), T::zero());
        for r in b * k..(b + 1) * k {
            let w2 = m.weights[r] * m.weights[r];
            // Not a term (and its ∇Q may be a NaN behind a −∞ log target).
            if w2 == T::zero() {
                continue;
            }
            for i in 0..d {
                f_ne[i] = m.noise[[r, i]] - m.mu_ne[[b, i]];
                f_ge[i] = ratio * m.grad_log_p[[r, i]] - m.mu_ge[[b, i]];
                let mut f = m.noise[[r, i]] - m.mu_0[[b, i]];
                if m.diagonal {
                    if mat[[i, i]] != T::zero() {
                        f += mat[[i, i]] * m.score[[r, i]];
                    }
                } else {
                    for j in 0..d {
                        if mat[[i, j]] != T::zero() {
                            f += mat[[i, j]] * m.score[[r, j]];
                        }
                    }
                }
                f_ch[i] = f;
            }
            // [RFM:Eq.snis-delta-variance] V̂(μ̂) = Σ_k w_k² ‖f_k − μ̂‖², the delta-method
            // variance of a self-normalised mean, for each of the three members' terms f_k.
            for i in 0..d {
                v_ne += w2 * f_ne[i] * f_ne[i];
                v_ge += w2 * f_ge[i] * f_ge[i];
                v_ch += w2 * f_ch[i] * f_ch[i];
            }
        }
        diagnostics.variance_noise_expectation[b] = v_ne;
        diagnostics.variance_gradient_expectation[b] = v_ge;
        diagnostics.variance_chosen[b] = v_ch;
    }
}
