//! Reverse samples from the Gaussian factor of the posterior `p(x_1 | x_t)`.
//!
//! As a function of `x_1`, `N(x_t; α_t x_1, β_t² I) ∝ N(x_1; x_t/α_t, (β_t/α_t)² I)`, so with
//! `ε'_k ~ N(0, I)` the points `x'_{1,k} = (x_t − β_t ε'_k)/α_t` are draws from that factor,
//! and `ε'_k` is exactly the noise that maps `x'_{1,k}` back to `x_t`.

use ndarray::{ArrayView2, ArrayViewMut2};
use rand::Rng;
use rand_distr::StandardNormal;

use crate::Scalar;
use crate::paths::PathCoefficients;

/// Fills `noise` with independent standard normal draws.
pub fn draw_noise<T: Scalar, R: Rng + ?Sized>(rng: &mut R, mut noise: ArrayViewMut2<T>) {
    for e in noise.iter_mut() {
        let z: f64 = rng.sample(StandardNormal);
        *e = T::from_f64(z);
    }
}

/// `points[b·K + k] = (x_t[b] − β_t ε'_{b·K+k}) / α_t` for every state `b` and sample `k`.
///
/// # Panics
/// When `noise`/`points` do not have `x_t.nrows() · samples_per_state` rows of `x_t.ncols()`
/// columns, or `coefficients.len() != x_t.nrows()`.
#[track_caller]
pub fn reverse_samples<T: Scalar>(
    coefficients: &[PathCoefficients],
    x_t: ArrayView2<T>,
    noise: ArrayView2<T>,
    samples_per_state: usize,
    mut points: ArrayViewMut2<T>,
) {
    let (b, d) = x_t.dim();
    assert_eq!(
        coefficients.len(),
        b,
        "one set of path coefficients per state"
    );
    assert_eq!(
        noise.dim(),
        (b * samples_per_state, d),
        "noise must be (B·K)×d"
    );
    assert_eq!(points.dim(), noise.dim(), "points must be (B·K)×d");
    for (s, c) in coefficients.iter().enumerate() {
        let inv_alpha = T::from_f64(1.0 / c.alpha_t);
        let beta = T::from_f64(c.beta_t);
        let x = x_t.row(s);
        for k in 0..samples_per_state {
            let r = s * samples_per_state + k;
            for j in 0..d {
                // [RFM:Eq.reverse-sampling]
                points[[r, j]] = (x[j] - beta * noise[[r, j]]) * inv_alpha;
            }
        }
    }
}
