//! A randomised test case: everything a check needs, derived from a few numbers and a seed.
//!
//! Property tests draw the fields from proptest strategies; the audit uses fixed ones.

use ndarray::{Array1, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::targets::AnalyticQ;
use crate::paths::{LinearPath, PathKind, ProbabilityPath, VePath, VpPath};

/// Which family of analytic Q a case uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QFamily {
    /// Quadratic with a random diagonal Hessian (Gaussian target).
    DiagonalQuadratic,
    /// Quadratic with a random full SPD Hessian.
    FullQuadratic,
    /// Tilted double well (multimodal, non-Gaussian).
    DoubleWell,
}

/// The inputs of one check.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// Seed of every random draw of the case (Q parameters, `x_t`, reverse noise).
    pub seed: u64,
    /// B, number of states.
    pub states: usize,
    /// K, reverse samples per state.
    pub samples_per_state: usize,
    /// d, action dimension.
    pub dim: usize,
    /// Path time t ∈ (0, 1).
    pub t: f64,
    /// Temperature λ.
    pub temperature: f64,
    /// The Q family.
    pub family: QFamily,
}

/// The three paths every claim is checked on (VP with its cosine schedule).
pub fn reference_paths() -> [PathKind; 3] {
    [
        PathKind::Linear(LinearPath),
        PathKind::Vp(VpPath::cosine()),
        PathKind::Ve(VePath::default()),
    ]
}

impl Case {
    /// A reference case for the audit.
    pub fn reference(samples_per_state: usize, seed: u64, family: QFamily) -> Self {
        Self {
            seed,
            states: 8,
            samples_per_state,
            dim: 3,
            t: 0.37,
            temperature: 0.3,
            family,
        }
    }

    /// The case's RNG, positioned at the start.
    pub fn rng(&self) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(self.seed)
    }

    /// Draws the case's `Q`.
    pub fn analytic_q(&self, rng: &mut ChaCha8Rng) -> AnalyticQ {
        let d = self.dim;
        let centre: Vec<f64> = (0..d).map(|_| rng.random_range(-0.8..0.8)).collect();
        match self.family {
            QFamily::DiagonalQuadratic => {
                let curvature: Vec<f64> = (0..d).map(|_| rng.random_range(0.5..4.0)).collect();
                AnalyticQ::diagonal_quadratic(&centre, &curvature)
            }
            QFamily::FullQuadratic => {
                // H = A Aᵀ / d + 0.5 I: symmetric positive definite, condition number moderate.
                let a = Array2::from_shape_fn((d, d), |_| rng.random_range(-1.0..1.0));
                let hessian = a.dot(&a.t()) / d as f64 + Array2::<f64>::eye(d) * 0.5;
                AnalyticQ::Quadratic {
                    centre: Array1::from(centre),
                    hessian,
                }
            }
            QFamily::DoubleWell => AnalyticQ::DoubleWell {
                depth: rng.random_range(0.5..2.0),
                radius: rng.random_range(0.4..0.9),
                tilt: Array1::from_shape_fn(d, |_| rng.random_range(-0.5..0.5)),
            },
        }
    }

    /// Draws `B` noisy points `x_t = α_t x_1 + β_t x_0` with `x_1 ~ U[−1, 1]^d`.
    pub fn x_t<P: ProbabilityPath + ?Sized>(&self, path: &P, rng: &mut ChaCha8Rng) -> Array2<f64> {
        let c = path.coefficients(self.t);
        Array2::from_shape_fn((self.states, self.dim), |_| {
            let x_1: f64 = rng.random_range(-1.0..1.0);
            let x_0: f64 = rng.sample(StandardNormal);
            c.interpolate(x_1, x_0)
        })
    }

    /// Draws the `(B·K)×d` reverse-sample noise.
    pub fn noise(&self, rng: &mut ChaCha8Rng) -> Array2<f64> {
        Array2::from_shape_fn((self.states * self.samples_per_state, self.dim), |_| {
            rng.sample(StandardNormal)
        })
    }

    /// The time repeated once per state.
    pub fn times(&self) -> Vec<f64> {
        vec![self.t; self.states]
    }
}

/// Relative round-off tolerance of the exact (non-Monte-Carlo) equivalences: sums over up to a
/// few thousand f64 terms and the `α_t/β_t` maps lose at most ~10⁴ ulps (2.2·10⁻¹²), so
/// 10⁻¹¹ relative to the magnitude of the compared quantity leaves a margin and still catches
/// any algebraic error (which shows up at ≥ 10⁻³).
pub const ROUNDOFF_RELATIVE: f64 = 1e-11;

/// `ROUNDOFF_RELATIVE · max(1, scale)`.
pub fn roundoff_tolerance(scale: f64) -> f64 {
    ROUNDOFF_RELATIVE * scale.max(1.0)
}

/// Maximum absolute entry and maximum absolute difference of two equally shaped arrays.
pub fn max_abs_difference(a: &Array2<f64>, b: &Array2<f64>) -> (f64, f64) {
    assert_eq!(a.dim(), b.dim(), "compared arrays differ in shape");
    let scale = a.iter().chain(b.iter()).fold(0.0f64, |m, v| m.max(v.abs()));
    let diff = a
        .iter()
        .zip(b.iter())
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
    (diff, scale)
}
