//! Analytic action-value functions with exact gradients, for tests and the audit.
//!
//! The same `Q` is the same function for every state (the state index is ignored).

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut1, ArrayViewMut2};

use crate::Scalar;
use crate::estimators::ActionValue;

/// An analytic `Q(a)`.
#[derive(Clone, Debug, PartialEq)]
pub enum AnalyticQ {
    /// `Q(a) = −½ (a − m)ᵀ H (a − m)`, `H` symmetric positive definite. With the Boltzmann
    /// form and temperature λ the target is `N(m, λ H⁻¹)`.
    Quadratic {
        /// The centre m.
        centre: Array1<f64>,
        /// The Hessian H (negated).
        hessian: Array2<f64>,
    },
    /// `Q(a) = Σ_j [−depth (a_j² − radius²)² + tilt_j a_j]`: two modes per dimension at
    /// `±radius`, the tilt makes them unequal. Non-Gaussian and multimodal.
    DoubleWell {
        /// Barrier depth (> 0).
        depth: f64,
        /// Mode location.
        radius: f64,
        /// Linear tilt per dimension.
        tilt: Array1<f64>,
    },
}

impl AnalyticQ {
    /// Quadratic Q with a diagonal Hessian.
    pub fn diagonal_quadratic(centre: &[f64], curvature: &[f64]) -> Self {
        AnalyticQ::Quadratic {
            centre: Array1::from(centre.to_vec()),
            hessian: Array2::from_diag(&Array1::from(curvature.to_vec())),
        }
    }

    /// Action dimension.
    pub fn dim(&self) -> usize {
        match self {
            AnalyticQ::Quadratic { centre, .. } => centre.len(),
            AnalyticQ::DoubleWell { tilt, .. } => tilt.len(),
        }
    }

    /// `Q(a)` and `∇Q(a)` in f64 for one action.
    pub fn value_and_gradient(&self, a: &[f64], grad: &mut [f64]) -> f64 {
        match self {
            AnalyticQ::Quadratic { centre, hessian } => {
                let d = centre.len();
                let mut value = 0.0;
                for i in 0..d {
                    let mut h_diff = 0.0;
                    for j in 0..d {
                        h_diff += hessian[[i, j]] * (a[j] - centre[j]);
                    }
                    grad[i] = -h_diff;
                    value -= 0.5 * (a[i] - centre[i]) * h_diff;
                }
                value
            }
            AnalyticQ::DoubleWell {
                depth,
                radius,
                tilt,
            } => {
                let mut value = 0.0;
                for j in 0..tilt.len() {
                    let gap = a[j] * a[j] - radius * radius;
                    value += -depth * gap * gap + tilt[j] * a[j];
                    grad[j] = -4.0 * depth * gap * a[j] + tilt[j];
                }
                value
            }
        }
    }
}

impl<T: Scalar> ActionValue<T> for AnalyticQ {
    fn evaluate(
        &mut self,
        actions: ArrayView2<T>,
        _samples_per_state: usize,
        mut q: ArrayViewMut1<T>,
        mut grad_q: ArrayViewMut2<T>,
    ) {
        let d = actions.ncols();
        assert_eq!(d, self.dim(), "action dimension differs from Q's");
        let mut a = vec![0.0; d];
        let mut g = vec![0.0; d];
        for (r, row) in actions.rows().into_iter().enumerate() {
            for (aj, &v) in a.iter_mut().zip(row) {
                *aj = Scalar::to_f64(v);
            }
            q[r] = T::from_f64(self.value_and_gradient(&a, &mut g));
            for (j, &gj) in g.iter().enumerate() {
                grad_q[[r, j]] = T::from_f64(gj);
            }
        }
    }
}
