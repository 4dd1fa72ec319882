//! The cross-fitted plug-in coefficient: fitted on one half of a state's samples and applied
//! to the other half.
//!
//! The in-sample plug-in `M̂` is fitted on the same K samples whose control variate it scales,
//! so `M̂` and the score mean `s̄` are correlated; at small K this fitting noise makes the
//! plug-in member worse than η = 0 (paper-notes/presets.md). Cross-fitting splits the samples
//! of a state into halves A (the first `⌈K/2⌉`) and B, fits `M_A` on A and `M_B` on B with
//! [`plugin_coefficient`] (each half with its own normalised weights, means and centring), and
//! swaps them:
//!
//! `μ̂_0^{CF} = Σ_{k∈A} w_k (ε'_k + M_B s_0(ε'_k)) + Σ_{k∈B} w_k (ε'_k + M_A s_0(ε'_k))`
//!
//! with the full SNIS weights `w`. `M_B` is a function of B's samples only, so it is fixed
//! given B while A's samples are drawn: the numerator's control-variate terms have expectation
//! exactly 0 (importance sampling of the Stein identity `E_q[s_0] = 0`), as for a fixed
//! coefficient, and the estimator keeps the fixed-coefficient members' O(1/K) ratio bias with no
//! fitting term (proofs/eq-cross-fitted-coefficient.md). With `M_A = M_B = M` it is the member
//! with coefficient M exactly. With `K = 1` there is nothing to split: the coefficient is 0
//! (η = 0).

use ndarray::{Array1, Array2, Array4, ArrayView1, ArrayView2, ArrayViewMut2, ArrayViewMut3, s};

use super::optimal::{PluginCoefficient, PluginScratch, plugin_coefficient};
use crate::Scalar;
use crate::paths::PathCoefficients;

/// Buffers of the cross-fitted coefficient: the two halves' matrices per state and one half's
/// normalised weights and means.
#[derive(Clone, Debug)]
pub struct CrossFitScratch<T> {
    /// `[b, h]` is the matrix fitted on half `h` (0 = A, 1 = B) of state `b`.
    matrices: Array4<T>,
    half_weights: Array1<T>,
    half_mu_ne: Array1<T>,
    half_mean_score: Array1<T>,
    half_sums: Array2<T>,
}

impl<T: Scalar> Default for CrossFitScratch<T> {
    fn default() -> Self {
        Self {
            matrices: Array4::zeros((0, 2, 0, 0)),
            half_weights: Array1::zeros(0),
            half_mu_ne: Array1::zeros(0),
            half_mean_score: Array1::zeros(0),
            half_sums: Array2::zeros((0, 0)),
        }
    }
}

/// The sample rows of half `h` among a state's `k` samples: A = `0..⌈k/2⌉`, B = the rest.
pub fn half_rows(k: usize, h: usize) -> std::ops::Range<usize> {
    let split = k.div_ceil(2);
    if h == 0 { 0..split } else { split..k }
}

impl<T: Scalar> CrossFitScratch<T> {
    /// Fits `M_A` and `M_B` of every state and writes `½(M_A + M_B)` into `reported` (the
    /// diagnostics' coefficient; the estimate itself uses the swap of [`Self::apply`]).
    ///
    /// Rows are state-major with `k` samples per state, as in the estimator.
    #[allow(clippy::too_many_arguments)]
    pub fn fit(
        &mut self,
        options: &PluginCoefficient,
        coefficients: &[PathCoefficients],
        weights: ArrayView1<T>,
        noise: ArrayView2<T>,
        score: ArrayView2<T>,
        k: usize,
        plugin: &mut PluginScratch<T>,
        mut reported: ArrayViewMut3<T>,
    ) {
        let (b, d) = (coefficients.len(), noise.ncols());
        if self.matrices.dim() != (b, 2, d, d) {
            self.matrices = Array4::zeros((b, 2, d, d));
            self.half_mu_ne = Array1::zeros(d);
            self.half_mean_score = Array1::zeros(d);
            self.half_sums = Array2::zeros((2, d));
        }
        if self.half_weights.len() != k.div_ceil(2) {
            self.half_weights = Array1::zeros(k.div_ceil(2));
        }
        self.matrices.fill(T::zero());
        reported.fill(T::zero());
        if k < 2 {
            return;
        }
        for (state, c) in coefficients.iter().enumerate() {
            for h in 0..2 {
                let rows = half_rows(k, h);
                let (lo, hi) = (state * k + rows.start, state * k + rows.end);
                let w = weights.slice(s![lo..hi]);
                let mass = w.sum();
                // a half with no weight carries no information (and no term of the estimate)
                if mass <= T::zero() {
                    continue;
                }
                let mut hw = self.half_weights.slice_mut(s![..hi - lo]);
                hw.zip_mut_with(&w, |o, &v| *o = v / mass);
                let (eps, sc) = (noise.slice(s![lo..hi, ..]), score.slice(s![lo..hi, ..]));
                self.half_mu_ne.fill(T::zero());
                self.half_mean_score.fill(T::zero());
                for (r, &wr) in hw.iter().enumerate() {
                    // a zero weight is not a term (its score may be a NaN behind a −∞ target)
                    if wr != T::zero() {
                        self.half_mu_ne.scaled_add(wr, &eps.row(r));
                        self.half_mean_score.scaled_add(wr, &sc.row(r));
                    }
                }
                plugin_coefficient(
                    options,
                    c,
                    self.half_weights.slice(s![..hi - lo]),
                    eps,
                    sc,
                    self.half_mu_ne.view(),
                    self.half_mean_score.view(),
                    plugin,
                    self.matrices.slice_mut(s![state, h, .., ..]),
                );
            }
            let (ma, mb) = (
                self.matrices.slice(s![state, 0, .., ..]),
                self.matrices.slice(s![state, 1, .., ..]),
            );
            let half = T::from_f64(0.5);
            reported
                .slice_mut(s![state, .., ..])
                .assign(&((&ma + &mb) * half));
        }
    }

    /// `μ̂_0 = μ̂_0^{NE} + M_B Σ_{k∈A} w_k s_k + M_A Σ_{k∈B} w_k s_k` for every state.
    pub fn apply(
        &mut self,
        weights: ArrayView1<T>,
        score: ArrayView2<T>,
        mu_ne: ArrayView2<T>,
        k: usize,
        mut mu_0: ArrayViewMut2<T>,
    ) {
        mu_0.assign(&mu_ne);
        if k < 2 {
            return;
        }
        let d = score.ncols();
        let half_sum = &mut self.half_sums;
        for (state, mut out) in mu_0.rows_mut().into_iter().enumerate() {
            half_sum.fill(T::zero());
            for h in 0..2 {
                for r in half_rows(k, h) {
                    let row = state * k + r;
                    if weights[row] != T::zero() {
                        half_sum
                            .row_mut(h)
                            .scaled_add(weights[row], &score.row(row));
                    }
                }
            }
            for h in 0..2 {
                // [RFM:Eq.cross-fitted-coefficient] half h's score sum scaled by the other half's fit
                let m = self.matrices.slice(s![state, 1 - h, .., ..]);
                for i in 0..d {
                    let mut acc = T::zero();
                    for j in 0..d {
                        if m[[i, j]] != T::zero() {
                            acc += m[[i, j]] * half_sum[[h, j]];
                        }
                    }
                    out[i] += acc;
                }
            }
        }
    }
}
