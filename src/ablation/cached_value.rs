//! An [`ActionValue`] that remembers its last block, so that several members of the family
//! estimated on the same reverse samples (`estimate_with_noise`) evaluate the critic once.

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut1, ArrayViewMut2};

use crate::Scalar;
use crate::estimators::ActionValue;

/// Wraps an action value; a call with exactly the actions of the previous call
/// (compared entry by entry) returns the stored `Q` and `∇Q`, any other call evaluates the inner one.
pub struct CachedActionValue<'a, T: Scalar> {
    inner: &'a mut dyn ActionValue<T>,
    actions: Array2<T>,
    samples_per_state: usize,
    q: Array1<T>,
    grad_q: Array2<T>,
    /// Calls answered by the inner action value.
    pub evaluations: usize,
}

impl<'a, T: Scalar> CachedActionValue<'a, T> {
    /// An empty cache over `inner`.
    pub fn new(inner: &'a mut dyn ActionValue<T>) -> Self {
        Self {
            inner,
            actions: Array2::zeros((0, 0)),
            samples_per_state: 0,
            q: Array1::zeros(0),
            grad_q: Array2::zeros((0, 0)),
            evaluations: 0,
        }
    }
}

impl<T: Scalar> ActionValue<T> for CachedActionValue<'_, T> {
    fn evaluate(
        &mut self,
        actions: ArrayView2<T>,
        samples_per_state: usize,
        mut q: ArrayViewMut1<T>,
        mut grad_q: ArrayViewMut2<T>,
    ) {
        // the same actions: `==` matches −0.0 with 0.0 (the same point) and never a NaN, which
        // is then evaluated again
        let hit = samples_per_state == self.samples_per_state
            && self.actions.dim() == actions.dim()
            && self.actions.iter().zip(actions.iter()).all(|(a, b)| a == b);
        if !hit {
            self.actions = actions.to_owned();
            self.samples_per_state = samples_per_state;
            self.q = Array1::zeros(actions.nrows());
            self.grad_q = Array2::zeros(actions.dim());
            self.inner.evaluate(
                actions,
                samples_per_state,
                self.q.view_mut(),
                self.grad_q.view_mut(),
            );
            self.evaluations += 1;
        }
        q.assign(&self.q);
        grad_q.assign(&self.grad_q);
    }
}
