//! The target density `p_1` of the flow, seen through an action-value function.
//!
//! The agent's critic (and every analytic test function) implements the one small trait
//! [`ActionValue`]: given a block of `B·K` actions, ordered state-major (row `b·K + k` belongs
//! to state `b`), fill `Q(s_b, a)` and `∇_a Q(s_b, a)`. [`LogTarget`] turns that into the
//! log-density the estimator needs, in one of two forms ([`TargetForm`]):
//!
//! - **Boltzmann**: `log p_1(a) = Q(a)/λ + const`, `∇ log p_1 = ∇Q/λ`.
//! - **Tanh latent**: the flow runs in `u` with `a = tanh(u)` and the change of variables is
//!   kept, `log p_1(u) = Q(tanh u)/λ + Σ_j log sech²(u_j) + const`,
//!   `∇_u log p_1 = (1 − tanh² u) ⊙ ∇_a Q(tanh u)/λ − 2 tanh u`.

use ndarray::{Array2, ArrayView2, ArrayViewMut1, ArrayViewMut2, Zip};

use crate::Scalar;
use crate::autodiff::ops::log_sech2::log_sech2_of;

/// An action-value function `Q(s, a)` and its action gradient, evaluated on a block of actions.
///
/// This is the only interface between the estimator and a critic.
pub trait ActionValue<T: Scalar> {
    /// Fills `q[r] = Q(s_b, actions[r])` and `grad_q[r] = ∇_a Q(s_b, actions[r])` with
    /// `b = r / samples_per_state` (rows are state-major).
    ///
    /// `actions` has `B·samples_per_state` rows and `d` columns; `q` has `B·samples_per_state`
    /// entries; `grad_q` has the shape of `actions`. Every entry must be written.
    fn evaluate(
        &mut self,
        actions: ArrayView2<T>,
        samples_per_state: usize,
        q: ArrayViewMut1<T>,
        grad_q: ArrayViewMut2<T>,
    );
}

/// How `Q` defines the target density of the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetForm {
    /// `p_1(a) ∝ exp(Q(a)/λ)` directly on the flow variable.
    Boltzmann,
    /// The flow variable is a latent `u`, `a = tanh(u)`, with the exact Jacobian term.
    TanhLatent,
}

/// The log-target `log p_1` (up to a constant) and its gradient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogTarget {
    /// Boltzmann or tanh latent.
    pub form: TargetForm,
    /// The temperature λ > 0 (the paper's name; SAC's α is a different quantity).
    pub temperature: f64,
}

impl LogTarget {
    /// Evaluates `log p_1` and `∇ log p_1` at `points` (flow-space rows, state-major).
    ///
    /// `scratch` is resized to the shape of `points` if needed (it holds `tanh(u)`).
    ///
    /// # Panics
    /// When shapes disagree or the temperature is not positive.
    #[track_caller]
    pub fn evaluate<T: Scalar, A: ActionValue<T> + ?Sized>(
        &self,
        action_value: &mut A,
        points: ArrayView2<T>,
        samples_per_state: usize,
        scratch: &mut Array2<T>,
        mut log_p: ArrayViewMut1<T>,
        mut grad_log_p: ArrayViewMut2<T>,
    ) {
        assert!(
            self.temperature > 0.0,
            "temperature λ = {} must be positive",
            self.temperature
        );
        assert_eq!(points.nrows(), log_p.len(), "one log-density per point");
        assert_eq!(
            points.dim(),
            grad_log_p.dim(),
            "gradient shape must match points"
        );
        let inv_temperature = T::from_f64(1.0 / self.temperature);
        match self.form {
            TargetForm::Boltzmann => {
                action_value.evaluate(
                    points,
                    samples_per_state,
                    log_p.view_mut(),
                    grad_log_p.view_mut(),
                );
                log_p.mapv_inplace(|q| q * inv_temperature);
                grad_log_p.mapv_inplace(|g| g * inv_temperature);
            }
            TargetForm::TanhLatent => {
                if scratch.dim() != points.dim() {
                    *scratch = Array2::zeros(points.dim());
                }
                Zip::from(&mut *scratch)
                    .and(points)
                    .for_each(|a, &u| *a = u.tanh());
                action_value.evaluate(
                    scratch.view(),
                    samples_per_state,
                    log_p.view_mut(),
                    grad_log_p.view_mut(),
                );
                let two = T::from_f64(2.0);
                for ((mut g_row, lp), (a_row, u_row)) in grad_log_p
                    .rows_mut()
                    .into_iter()
                    .zip(log_p.iter_mut())
                    .zip(scratch.rows().into_iter().zip(points.rows()))
                {
                    // [RFM:Eq.tanh-latent]
                    let mut jacobian = T::zero();
                    for ((g, &a), &u) in g_row.iter_mut().zip(a_row).zip(u_row) {
                        *g = (T::one() - a * a) * *g * inv_temperature - two * a;
                        jacobian += log_sech2_of(u);
                    }
                    *lp = *lp * inv_temperature + jacobian;
                }
            }
        }
    }
}
