//! The sliced Wasserstein-2 distance between two equal-size point sets in the plane.
//!
//! `SW₂²(μ, ν) = E_θ W₂²(θ#μ, θ#ν)`, θ uniform on the unit circle. In one dimension W₂²
//! between two empirical measures of `n` points each is the mean squared difference of the
//! sorted projections. The expectation over θ is taken on `L` equally spaced directions
//! `θ_l = φ + π l/L` (directions θ and −θ give the same W₂) with one uniform random offset
//! `φ ∈ [0, π/L)`: an unbiased randomised quadrature, exact for every function of θ that is a
//! trigonometric polynomial of degree < 2L in θ, such as `(d·θ)²` (proofs/toy-sliced-w2.md).

use ndarray::ArrayView2;
use rand::Rng;

/// `SW₂²(x, y)` on `projections` equally spaced directions with a random offset from `rng`.
///
/// # Panics
/// When the sets have different sizes, are empty, are not 2-D, or `projections == 0`.
#[track_caller]
pub fn sliced_w2_squared<R: Rng + ?Sized>(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    projections: usize,
    rng: &mut R,
) -> f64 {
    assert_eq!(
        x.dim(),
        y.dim(),
        "sliced W2 needs two sets of the same size"
    );
    assert!(x.nrows() > 0, "sliced W2 needs points");
    assert_eq!(x.ncols(), 2, "sliced W2 here is for points in the plane");
    assert!(projections > 0, "sliced W2 needs at least one direction");
    let step = std::f64::consts::PI / projections as f64;
    let offset = rng.random_range(0.0..step);
    let n = x.nrows();
    let (mut px, mut py) = (vec![0.0; n], vec![0.0; n]);
    let mut total = 0.0;
    for l in 0..projections {
        let (s, c) = (offset + step * l as f64).sin_cos();
        for (p, r) in px.iter_mut().zip(x.rows()) {
            *p = c * r[0] + s * r[1];
        }
        for (p, r) in py.iter_mut().zip(y.rows()) {
            *p = c * r[0] + s * r[1];
        }
        px.sort_unstable_by(f64::total_cmp);
        py.sort_unstable_by(f64::total_cmp);
        // [TOY:Eq.sliced-w2] W₂²(θ#μ, θ#ν) = (1/n) Σ_i (x_(i)·θ − y_(i)·θ)², averaged over θ_l
        total += px
            .iter()
            .zip(&py)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            / n as f64;
    }
    total / projections as f64
}
