//! The two classic posterior-mean estimators of the noise, `μ_0 = E[x_0 | x_t]`.
//!
//! - Noise-expectation (η = 0): `μ̂_0 = Σ_k w_k ε'_k`.
//! - Gradient-expectation (η = 1): `μ̂_0 = −(β_t/α_t) Σ_k w_k ∇ log p_1(x'_{1,k})`.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2};

use crate::Scalar;
use crate::paths::PathCoefficients;

/// `out[b] = Σ_k w_{b,k} ε'_{b,k}`.
///
/// # Panics
/// When shapes disagree.
#[track_caller]
pub fn noise_expectation<T: Scalar>(
    weights: ArrayView1<T>,
    noise: ArrayView2<T>,
    samples_per_state: usize,
    mut out: ArrayViewMut2<T>,
) {
    let k = samples_per_state;
    assert_eq!(noise.nrows(), weights.len(), "one weight per noise row");
    assert_eq!(noise.nrows(), out.nrows() * k, "out must have B rows");
    assert_eq!(noise.ncols(), out.ncols(), "dimension mismatch");
    for (b, mut row) in out.rows_mut().into_iter().enumerate() {
        row.fill(T::zero());
        for r in b * k..(b + 1) * k {
            // [RFM:Eq.noise-expectation]
            row.scaled_add(weights[r], &noise.row(r));
        }
    }
}

/// `out[b] = −(β_t/α_t) Σ_k w_{b,k} ∇ log p_1(x'_{1,b,k})`.
///
/// # Panics
/// When shapes disagree or `coefficients.len()` is not the number of states.
#[track_caller]
pub fn gradient_expectation<T: Scalar>(
    coefficients: &[PathCoefficients],
    weights: ArrayView1<T>,
    grad_log_p: ArrayView2<T>,
    samples_per_state: usize,
    mut out: ArrayViewMut2<T>,
) {
    let k = samples_per_state;
    assert_eq!(
        grad_log_p.nrows(),
        weights.len(),
        "one weight per gradient row"
    );
    assert_eq!(grad_log_p.nrows(), out.nrows() * k, "out must have B rows");
    assert_eq!(
        coefficients.len(),
        out.nrows(),
        "one set of coefficients per state"
    );
    for (b, mut row) in out.rows_mut().into_iter().enumerate() {
        row.fill(T::zero());
        let scale = T::from_f64(-coefficients[b].beta_t / coefficients[b].alpha_t);
        for r in b * k..(b + 1) * k {
            // A zero-weight sample (a −∞ log target) is not a term of the sum: skipping it
            // keeps a NaN in its gradient out of the estimate (0 · NaN = NaN).
            if weights[r] == T::zero() {
                continue;
            }
            // [RFM:Eq.gradient-expectation]
            row.scaled_add(scale * weights[r], &grad_log_p.row(r));
        }
    }
}
