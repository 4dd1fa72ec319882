//! The two-moons Boltzmann target of the toy experiment: an equal-weight mixture of isotropic
//! Gaussians whose centres lie on two interleaved half-circles,
//!
//! `p(x) = (1/n) Σ_i N(x; m_i, σ² I)`, `E(x) = −log p(x)`, `∇ log p(x) = Σ_i r_i(x) (m_i − x)/σ²`
//! with responsibilities `r_i = softmax_i(−‖x − m_i‖²/(2σ²))`.
//!
//! The centres follow scikit-learn's `make_moons` without noise: `n/2` angles
//! `θ_j = π j/(n/2 − 1)`, upper moon `(cos θ, sin θ)`, lower moon `(1 − cos θ, ½ − sin θ)`,
//! then shifted by `(½, ¼)` (their mean) so the target is centred. Exact samples are a uniform
//! centre plus `σ z`; the mean is the mean of the centres (0) and the covariance is
//! `σ² I + (1/n) Σ_i m_i m_iᵀ` (proofs/toy-two-moons-target.md).
//!
//! As a Boltzmann target for the estimator it is the state-free `Q(x) = −E(x) = log p(x)` at
//! temperature λ = 1 ([`ActionValue`]).

use ndarray::{Array2, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use rand::Rng;
use rand_distr::StandardNormal;

use crate::Scalar;
use crate::estimators::ActionValue;

/// The two-moons mixture.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoMoons {
    centres: Array2<f64>,
    sigma: f64,
}

impl TwoMoons {
    /// `per_moon` centres on each half-circle, component standard deviation `sigma`.
    ///
    /// # Panics
    /// When `per_moon < 2` or `sigma` is not positive and finite.
    #[track_caller]
    pub fn new(per_moon: usize, sigma: f64) -> Self {
        assert!(
            per_moon >= 2,
            "two moons need at least 2 centres per moon, got {per_moon}"
        );
        assert!(
            sigma > 0.0 && sigma.is_finite(),
            "component σ = {sigma} must be positive and finite"
        );
        let mut centres = Array2::zeros((2 * per_moon, 2));
        for j in 0..per_moon {
            let theta = std::f64::consts::PI * j as f64 / (per_moon - 1) as f64;
            let (s, c) = theta.sin_cos();
            centres[[j, 0]] = c - 0.5;
            centres[[j, 1]] = s - 0.25;
            centres[[per_moon + j, 0]] = 1.0 - c - 0.5;
            centres[[per_moon + j, 1]] = 0.5 - s - 0.25;
        }
        TwoMoons { centres, sigma }
    }

    /// The mixture centres `m_i`, `n × 2`.
    pub fn centres(&self) -> ArrayView2<'_, f64> {
        self.centres.view()
    }

    /// The component standard deviation σ.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// `log p(x)` (normalised) and the score `∇ log p(x)` at one point.
    pub fn log_density_and_score(&self, x: [f64; 2]) -> (f64, [f64; 2]) {
        let inv_var = 1.0 / (self.sigma * self.sigma);
        let n = self.centres.nrows();
        // streaming log-sum-exp: sums are kept relative to the running maximum logit
        let (mut max, mut z, mut gx, mut gy) = (f64::NEG_INFINITY, 0.0, 0.0, 0.0);
        for m in self.centres.rows() {
            let (dx, dy) = (m[0] - x[0], m[1] - x[1]);
            let logit = -0.5 * (dx * dx + dy * dy) * inv_var;
            if logit > max {
                let rescale = (max - logit).exp();
                (z, gx, gy) = (z * rescale, gx * rescale, gy * rescale);
                max = logit;
            }
            let r = (logit - max).exp();
            z += r;
            gx += r * dx;
            gy += r * dy;
        }
        // [TOY:Eq.two-moons-target] log p = LSE_i(−‖x−m_i‖²/2σ²) − log n − log 2πσ²; ∇ log p = Σ r_i (m_i − x)/σ²
        let log_p = max + z.ln()
            - (n as f64).ln()
            - (2.0 * std::f64::consts::PI * self.sigma * self.sigma).ln();
        (log_p, [gx / z * inv_var, gy / z * inv_var])
    }

    /// The energy `E(x) = −log p(x)`.
    pub fn energy(&self, x: [f64; 2]) -> f64 {
        -self.log_density_and_score(x).0
    }

    /// `n` exact samples (`n × 2`): a uniform centre plus `σ z`.
    pub fn sample<R: Rng + ?Sized>(&self, n: usize, rng: &mut R) -> Array2<f64> {
        let mut out = Array2::zeros((n, 2));
        for mut row in out.rows_mut() {
            let i = rng.random_range(0..self.centres.nrows());
            for j in 0..2 {
                let z: f64 = rng.sample(StandardNormal);
                row[j] = self.centres[[i, j]] + self.sigma * z;
            }
        }
        out
    }

    /// The mixture mean `(1/n) Σ m_i`.
    pub fn mean(&self) -> [f64; 2] {
        let n = self.centres.nrows() as f64;
        let s = self.centres.sum_axis(ndarray::Axis(0));
        [s[0] / n, s[1] / n]
    }

    /// The mixture covariance `σ² I + (1/n) Σ (m_i − m̄)(m_i − m̄)ᵀ`.
    pub fn covariance(&self) -> [[f64; 2]; 2] {
        let n = self.centres.nrows() as f64;
        let m = self.mean();
        let mut c = [[0.0; 2]; 2];
        for row in self.centres.rows() {
            for a in 0..2 {
                for b in 0..2 {
                    c[a][b] += (row[a] - m[a]) * (row[b] - m[b]) / n;
                }
            }
        }
        c[0][0] += self.sigma * self.sigma;
        c[1][1] += self.sigma * self.sigma;
        c
    }
}

impl Default for TwoMoons {
    /// 8 centres per moon, σ = 0.1.
    fn default() -> Self {
        TwoMoons::new(8, 0.1)
    }
}

/// The state-free Boltzmann target `Q(x) = log p(x)` (λ = 1): every row is a point of the
/// plane, whatever state it nominally belongs to.
impl<T: Scalar> ActionValue<T> for TwoMoons {
    #[track_caller]
    fn evaluate(
        &mut self,
        actions: ArrayView2<T>,
        _samples_per_state: usize,
        mut q: ArrayViewMut1<T>,
        mut grad_q: ArrayViewMut2<T>,
    ) {
        assert_eq!(
            actions.ncols(),
            2,
            "the two-moons target lives in the plane"
        );
        for (r, a) in actions.rows().into_iter().enumerate() {
            let (lp, g) = self.log_density_and_score([a[0].to_f64(), a[1].to_f64()]);
            q[r] = T::from_f64(lp);
            grad_q[[r, 0]] = T::from_f64(g[0]);
            grad_q[[r, 1]] = T::from_f64(g[1]);
        }
    }
}
