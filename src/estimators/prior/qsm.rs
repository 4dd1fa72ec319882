//! QSM: Q-score matching (Psenka et al. 2024).
//!
//! QSM matches the policy's score at a noisy action to the action gradient of the critic at
//! that same noisy action, scaled by the inverse temperature: `score(x_t) = ∇_a Q(x_t)/λ`.

use ndarray::{Array1, Array2, ArrayView1};

use crate::Scalar;
use crate::estimators::ActionValue;

/// QSM's score target at one noisy action.
pub fn qsm_score<T: Scalar, A: ActionValue<T> + ?Sized>(
    temperature: f64,
    x_t: ArrayView1<T>,
    q: &mut A,
) -> Array1<T> {
    let d = x_t.len();
    let point = x_t.to_owned().into_shape_with_order((1, d)).expect("1×d");
    let mut value = Array1::<T>::zeros(1);
    let mut grad = Array2::<T>::zeros((1, d));
    q.evaluate(point.view(), 1, value.view_mut(), grad.view_mut());
    // [RFM:Claim.qsm-one-particle] QSM's target ∇Q(x_t)/λ
    grad.row(0).mapv(|g| g / T::from_f64(temperature))
}
