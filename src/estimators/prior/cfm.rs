//! Conditional flow matching (Lipman et al. 2023) with samples of the target.
//!
//! Given pairs `(x_1, x_0)`, `x_1 ~ p_1`, `x_0 ~ N(0, I)`, the regression input is
//! `x_t = α_t x_1 + β_t x_0` and the conditional velocity target is `α̇_t x_1 + β̇_t x_0`
//! (on the linear path, `x_1 − x_0`).

use ndarray::{Array2, ArrayView2, Zip};

use crate::Scalar;
use crate::paths::PathCoefficients;

/// Returns `(x_t, target)` for CFM at one time.
///
/// # Panics
/// When the shapes of `x_1` and `x_0` differ.
#[track_caller]
pub fn cfm_pairs<T: Scalar>(
    coefficients: &PathCoefficients,
    x_1: ArrayView2<T>,
    x_0: ArrayView2<T>,
) -> (Array2<T>, Array2<T>) {
    assert_eq!(x_1.dim(), x_0.dim(), "x_1 and x_0 differ in shape");
    let c = coefficients;
    let (ad, bd) = (T::from_f64(c.alpha_dot_t), T::from_f64(c.beta_dot_t));
    let x_t = Zip::from(&x_1)
        .and(&x_0)
        .map_collect(|&v, &w| c.interpolate(v, w));
    // [RFM:Claim.rfm-cfm-same-optimum] CFM's conditional target
    let target = x_1.mapv(|v| v * ad) + &x_0.mapv(|v| v * bd);
    (x_t, target)
}
