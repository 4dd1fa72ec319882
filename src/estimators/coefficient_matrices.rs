//! The coefficient matrix `M_b` each state's estimate uses, for every member of the family:
//! fixed (η, Λ, a full M, a data-space c mapped by `[RFM:Eq.c-eta-mapping]`), the plug-in
//! minimum-variance coefficient fitted on the state's samples, or the cross-fitted one.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut3, s};

use super::control_variate::{ControlVariate, data_to_noise_coefficient};
use super::cross_fit::CrossFitScratch;
use super::optimal::{PluginScratch, plugin_coefficient};
use crate::Scalar;
use crate::paths::PathCoefficients;

/// What a coefficient is fitted on: one state's rows `b·K .. (b+1)·K` of each array.
pub struct MemberInputs<'a, T> {
    /// K.
    pub samples_per_state: usize,
    /// Path coefficients per state.
    pub coefficients: &'a [PathCoefficients],
    /// SNIS weights (`B·K`).
    pub weights: ArrayView1<'a, T>,
    /// Reverse-sampling noise (`B·K × d`).
    pub noise: ArrayView2<'a, T>,
    /// Noise-posterior scores `s_0` (`B·K × d`).
    pub score: ArrayView2<'a, T>,
    /// Noise expectation per state (`B × d`).
    pub mu_ne: ArrayView2<'a, T>,
    /// Weighted mean score per state (`B × d`).
    pub mean_score: ArrayView2<'a, T>,
}

/// Writes `M_b` for every state into `matrices` (`B × d × d`).
///
/// # Panics
/// If a fixed member's size does not match `d`.
#[track_caller]
pub fn fill_coefficient_matrices<T: Scalar>(
    member: &ControlVariate,
    inputs: &MemberInputs<'_, T>,
    plugin: &mut PluginScratch<T>,
    cross_fit: &mut CrossFitScratch<T>,
    mut matrices: ArrayViewMut3<T>,
) {
    let k = inputs.samples_per_state;
    let d = matrices.dim().1;
    if let ControlVariate::CrossFitted(options) = member {
        cross_fit.fit(
            options,
            inputs.coefficients,
            inputs.weights,
            inputs.noise,
            inputs.score,
            k,
            plugin,
            matrices,
        );
        return;
    }
    matrices.fill(T::zero());
    for (b, c) in inputs.coefficients.iter().enumerate() {
        let mut m = matrices.slice_mut(s![b, .., ..]);
        match member {
            ControlVariate::Eta(eta) => m.diag_mut().fill(T::from_f64(*eta)),
            ControlVariate::PerDimension(lambda) => {
                assert_eq!(lambda.len(), d, "Λ needs one entry per dimension");
                for (mj, &l) in m.diag_mut().iter_mut().zip(lambda) {
                    *mj = T::from_f64(l);
                }
            }
            ControlVariate::Matrix(full) => {
                assert_eq!(full.dim(), (d, d), "M must be d×d");
                m.zip_mut_with(full, |mj, &v| *mj = T::from_f64(v));
            }
            ControlVariate::DataSpace(cs) => {
                assert_eq!(cs.len(), d, "c needs one entry per dimension");
                for (mj, &cj) in m.diag_mut().iter_mut().zip(cs) {
                    *mj = T::from_f64(data_to_noise_coefficient(cj, c.alpha_t, c.beta_t));
                }
            }
            ControlVariate::Plugin(options) => plugin_coefficient(
                options,
                c,
                inputs.weights.slice(s![b * k..(b + 1) * k]),
                inputs.noise.slice(s![b * k..(b + 1) * k, ..]),
                inputs.score.slice(s![b * k..(b + 1) * k, ..]),
                inputs.mu_ne.row(b),
                inputs.mean_score.row(b),
                plugin,
                m,
            ),
            ControlVariate::CrossFitted(_) => unreachable!("fitted above"),
        }
    }
}
