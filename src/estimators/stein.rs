//! Posterior scores and the Stein control-variate family.
//!
//! Noise-space posterior score (prior `N(0, I)` on `x_0` plus the target through the affine
//! map `x_1 = (x_t − β_t x_0)/α_t`):
//! `s_0(x_0) = −x_0 − (β_t/α_t) ∇ log p_1(x_1(x_0))`.
//! Data-space posterior score: `s_1(x_1) = ∇ log p_1(x_1) + (α_t/β_t) ε'` (the Gaussian
//! factor `N(x_1; x_t/α_t, (β_t/α_t)² I)` contributes `−(α_t/β_t)² (x_1 − x_t/α_t) = (α_t/β_t) ε'`).
//! Note `s_0 = −(β_t/α_t) s_1`.
//!
//! Since `E_q[s_0] = 0` (Stein), for any matrix `M` the estimator
//! `μ̂_0(M) = Σ_k w_k (ε'_k + M s_0(ε'_k)) = μ̂_0^{NE} + M s̄_0` is consistent, with
//! `s̄_0 = Σ_k w_k s_0(ε'_k)`. In data space, `μ̂_1(c) = Σ_k w_k (x'_{1,k} + c ⊙ s_1(x'_{1,k}))`.

use ndarray::{ArrayView1, ArrayView2, ArrayView3, ArrayViewMut2};

use crate::Scalar;
use crate::paths::PathCoefficients;

/// `score[r] = −ε'_r − (β_t/α_t) ∇ log p_1(x'_{1,r})` for every sample of every state.
///
/// # Panics
/// When shapes disagree.
#[track_caller]
pub fn noise_posterior_scores<T: Scalar>(
    coefficients: &[PathCoefficients],
    noise: ArrayView2<T>,
    grad_log_p: ArrayView2<T>,
    samples_per_state: usize,
    mut score: ArrayViewMut2<T>,
) {
    assert_eq!(
        noise.dim(),
        grad_log_p.dim(),
        "noise and gradient shapes differ"
    );
    assert_eq!(noise.dim(), score.dim(), "noise and score shapes differ");
    assert_eq!(
        coefficients.len() * samples_per_state,
        noise.nrows(),
        "B·K rows expected"
    );
    for (r, mut s_row) in score.rows_mut().into_iter().enumerate() {
        let c = coefficients[r / samples_per_state];
        let ratio = T::from_f64(c.beta_t / c.alpha_t);
        for ((s, &e), &g) in s_row.iter_mut().zip(noise.row(r)).zip(grad_log_p.row(r)) {
            // [RFM:Eq.stein-posterior-score]
            *s = -e - ratio * g;
        }
    }
}

/// `out[b] = Σ_k w_{b,k} f_{b,k}`: the self-normalised mean of any per-sample quantity, over
/// the samples of non-zero weight only (a NaN of a zero-weight sample does not leak).
///
/// # Panics
/// When shapes disagree.
#[track_caller]
pub fn weighted_means<T: Scalar>(
    weights: ArrayView1<T>,
    values: ArrayView2<T>,
    samples_per_state: usize,
    mut out: ArrayViewMut2<T>,
) {
    assert_eq!(values.nrows(), weights.len(), "one weight per row");
    assert_eq!(
        values.nrows(),
        out.nrows() * samples_per_state,
        "out must have B rows"
    );
    for (b, mut row) in out.rows_mut().into_iter().enumerate() {
        row.fill(T::zero());
        for r in b * samples_per_state..(b + 1) * samples_per_state {
            if weights[r] == T::zero() {
                continue;
            }
            row.scaled_add(weights[r], &values.row(r));
        }
    }
}

/// `μ̂_0[b] = μ̂_0^{NE}[b] + M_b s̄_0[b]` with `M_b = matrices[b]` (noise space). Zero entries
/// of `M_b` are not multiplied, so η = 0 never reads `s̄_0` (hence never `∇Q`).
///
/// # Panics
/// When shapes disagree.
#[track_caller]
pub fn apply_noise_control_variate<T: Scalar>(
    noise_expectation: ArrayView2<T>,
    mean_score: ArrayView2<T>,
    matrices: ArrayView3<T>,
    mut mu_0: ArrayViewMut2<T>,
) {
    let (b, d) = noise_expectation.dim();
    assert_eq!(mean_score.dim(), (b, d), "mean score shape");
    assert_eq!(mu_0.dim(), (b, d), "output shape");
    assert_eq!(
        matrices.dim(),
        (b, d, d),
        "one d×d coefficient matrix per state"
    );
    for s in 0..b {
        for i in 0..d {
            let mut acc = noise_expectation[[s, i]];
            for j in 0..d {
                let m = matrices[[s, i, j]];
                if m != T::zero() {
                    // [RFM:Eq.stein-control-variate]
                    acc += m * mean_score[[s, j]];
                }
            }
            mu_0[[s, i]] = acc;
        }
    }
}

/// Data-space family: `μ̂_1[b] = Σ_k w_{b,k} (x'_{1,b,k} + c ⊙ s_1(x'_{1,b,k}))`, with the
/// per-sample data posterior score `s_1 = ∇ log p_1 + (α_t/β_t) ε'` formed here.
///
/// # Panics
/// When shapes disagree or `c.len() != d`.
#[track_caller]
#[allow(clippy::too_many_arguments)]
pub fn data_space_estimate<T: Scalar>(
    coefficients: &[PathCoefficients],
    weights: ArrayView1<T>,
    points: ArrayView2<T>,
    noise: ArrayView2<T>,
    grad_log_p: ArrayView2<T>,
    samples_per_state: usize,
    c: &[f64],
    mut mu_1: ArrayViewMut2<T>,
) {
    let d = points.ncols();
    assert_eq!(c.len(), d, "one data-space coefficient per dimension");
    assert_eq!(points.dim(), noise.dim(), "points and noise shapes differ");
    assert_eq!(
        points.dim(),
        grad_log_p.dim(),
        "points and gradient shapes differ"
    );
    assert_eq!(
        mu_1.nrows() * samples_per_state,
        points.nrows(),
        "B·K rows expected"
    );
    assert_eq!(
        coefficients.len(),
        mu_1.nrows(),
        "one set of coefficients per state"
    );
    for (b, mut row) in mu_1.rows_mut().into_iter().enumerate() {
        let ratio = T::from_f64(coefficients[b].alpha_t / coefficients[b].beta_t);
        row.fill(T::zero());
        for r in b * samples_per_state..(b + 1) * samples_per_state {
            if weights[r] == T::zero() {
                continue;
            }
            for j in 0..d {
                let cv = if c[j] == 0.0 {
                    T::zero()
                } else {
                    T::from_f64(c[j]) * (grad_log_p[[r, j]] + ratio * noise[[r, j]])
                };
                // [RFM:Eq.data-space-control-variate]
                row[j] += weights[r] * (points[[r, j]] + cv);
            }
        }
    }
}
