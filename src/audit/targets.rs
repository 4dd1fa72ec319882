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

impl<T: Scalar> crate::estimators::prior::idem_dqs::TapeActionValue<T> for AnalyticQ {
    fn q_on_tape(
        &self,
        tape: &mut crate::autodiff::Tape<T>,
        actions: crate::autodiff::Var,
    ) -> crate::autodiff::Var {
        let to_t = |a: &Array2<f64>| a.mapv(T::from_f64);
        match self {
            AnalyticQ::Quadratic { centre, hessian } => {
                let d = centre.len();
                let minus_centre = tape.constant(to_t(
                    &(-centre.clone())
                        .into_shape_with_order((1, d))
                        .expect("1×d"),
                ));
                let diff = tape.add_row(actions, minus_centre);
                let h = tape.constant(to_t(hessian));
                let h_diff = tape.matmul(diff, h);
                let quad = tape.mul(diff, h_diff);
                let total = tape.sum_cols(quad);
                tape.scale(total, T::from_f64(-0.5))
            }
            AnalyticQ::DoubleWell {
                depth,
                radius,
                tilt,
            } => {
                let d = tilt.len();
                let sq = tape.square(actions);
                let gap = tape.add_scalar(sq, T::from_f64(-radius * radius));
                let gap_sq = tape.square(gap);
                let well = tape.scale(gap_sq, T::from_f64(-depth));
                let wells = tape.sum_cols(well);
                let tilt_col = tape.constant(to_t(
                    &tilt.clone().into_shape_with_order((d, 1)).expect("d×1"),
                ));
                let linear = tape.matmul(actions, tilt_col);
                tape.add(wells, linear)
            }
        }
    }
}
