//! Closed forms for a Gaussian target `p_1 = N(μ, Σ)` (quadratic Q, Boltzmann form).
//!
//! With `S_t = α_t² Σ + β_t² I`:
//! `μ_1 = μ + α_t Σ S_t⁻¹ (x − α_t μ)`, `μ_0 = β_t S_t⁻¹ (x − α_t μ)`,
//! `∇ log p_t(x) = −S_t⁻¹ (x − α_t μ)`; and the zero-variance control variate
//! `M = P⁻¹`, `P = I + (β_t²/α_t²) Σ⁻¹`.

use ndarray::{Array1, Array2, ArrayView1};

use crate::estimators::spd_solve::spd_solve_in_place;
use crate::paths::PathCoefficients;

/// Solves `A X = B` for SPD `A` (f64, allocating; panics if `A` is not positive definite).
#[track_caller]
pub fn spd_solve(a: &Array2<f64>, b: &Array2<f64>) -> Array2<f64> {
    let n = a.nrows();
    let mut factor: Vec<f64> = a.iter().cloned().collect();
    let mut x: Vec<f64> = b.iter().cloned().collect();
    assert!(
        spd_solve_in_place(&mut factor, n, &mut x),
        "matrix is not positive definite"
    );
    Array2::from_shape_vec(b.dim(), x).expect("shape")
}

/// A Gaussian target `N(mean, covariance)`.
#[derive(Clone, Debug)]
pub struct GaussianTarget {
    /// μ.
    pub mean: Array1<f64>,
    /// Σ.
    pub covariance: Array2<f64>,
}

impl GaussianTarget {
    /// The Boltzmann target of `Q = −½ (a − m)ᵀ H (a − m)` at temperature λ: `N(m, λ H⁻¹)`.
    pub fn from_quadratic(centre: &Array1<f64>, hessian: &Array2<f64>, temperature: f64) -> Self {
        let n = centre.len();
        let covariance = spd_solve(hessian, &Array2::eye(n)) * temperature;
        Self {
            mean: centre.clone(),
            covariance,
        }
    }

    fn s_t(&self, c: &PathCoefficients) -> Array2<f64> {
        let n = self.mean.len();
        &self.covariance * (c.alpha_t * c.alpha_t) + Array2::<f64>::eye(n) * (c.beta_t * c.beta_t)
    }

    /// `S_t⁻¹ (x − α_t μ)`.
    fn whitened(&self, c: &PathCoefficients, x: ArrayView1<f64>) -> Array1<f64> {
        let n = self.mean.len();
        let r = (&x - &(&self.mean * c.alpha_t))
            .into_shape_with_order((n, 1))
            .expect("column");
        spd_solve(&self.s_t(c), &r)
            .into_shape_with_order(n)
            .expect("vector")
    }

    /// `E[x_1 | x_t = x]`.
    pub fn posterior_mean_data(&self, c: &PathCoefficients, x: ArrayView1<f64>) -> Array1<f64> {
        // [RFM:Claim.gaussian-closed-form]
        &self.mean + &(self.covariance.dot(&self.whitened(c, x)) * c.alpha_t)
    }

    /// `E[x_0 | x_t = x]`.
    pub fn posterior_mean_noise(&self, c: &PathCoefficients, x: ArrayView1<f64>) -> Array1<f64> {
        self.whitened(c, x) * c.beta_t
    }

    /// `∇ log p_t(x)`.
    pub fn score(&self, c: &PathCoefficients, x: ArrayView1<f64>) -> Array1<f64> {
        -self.whitened(c, x)
    }

    /// The zero-variance control variate `M = (I + (β_t²/α_t²) Σ⁻¹)⁻¹` (noise space).
    pub fn zero_variance_coefficient(&self, c: &PathCoefficients) -> Array2<f64> {
        // [RFM:Claim.zero-variance-cv]  M = P⁻¹ = α² Σ (α² Σ + β² I)⁻¹ = α² Σ S_t⁻¹
        let n = self.mean.len();
        let s_inv = spd_solve(&self.s_t(c), &Array2::eye(n));
        self.covariance.dot(&s_inv) * (c.alpha_t * c.alpha_t)
    }
}
