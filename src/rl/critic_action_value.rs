//! The estimator's `Q` and `∇_a Q` from the twin critics: `min(Q_1, Q_2)` recorded on the
//! autodiff tape with the weights as constants and the actions as the only leaf, so one reverse
//! sweep gives `∇_a min(Q_1, Q_2)` for all `B·K` rows (at a tie the gradient follows the
//! autodiff `minimum`'s rule).

use ndarray::{ArrayView2, ArrayViewMut1, ArrayViewMut2};

use super::critic_net::CriticScratch;
use super::twin_critic::TwinCritic;
use crate::Scalar;
use crate::autodiff::Tape;
use crate::estimators::ActionValue;

/// `min(Q_1, Q_2)(s_b, ·)` of the online critics at the states `obs` (`B × obs_dim`).
pub struct CriticActionValue<'a, T: Scalar> {
    critic: &'a TwinCritic<T>,
    obs: ArrayView2<'a, T>,
    tape: &'a mut Tape<T>,
    scratch: CriticScratch<T>,
}

impl<'a, T: Scalar> CriticActionValue<'a, T> {
    /// The action-value of `critic` at the states `obs`, recording on `tape`.
    pub fn new(critic: &'a TwinCritic<T>, obs: ArrayView2<'a, T>, tape: &'a mut Tape<T>) -> Self {
        CriticActionValue {
            critic,
            obs,
            tape,
            scratch: CriticScratch::default(),
        }
    }
}

impl<T: Scalar> ActionValue<T> for CriticActionValue<'_, T> {
    #[track_caller]
    fn evaluate(
        &mut self,
        actions: ArrayView2<T>,
        samples_per_state: usize,
        mut q: ArrayViewMut1<T>,
        mut grad_q: ArrayViewMut2<T>,
    ) {
        assert_eq!(
            actions.nrows(),
            self.obs.nrows() * samples_per_state,
            "actions must have B·K rows"
        );
        let tape = &mut *self.tape;
        tape.clear();
        let a = tape.leaf_view(actions);
        let net = &self.critic.net;
        let q1 = net.forward_tape_repeated(
            tape,
            &self.critic.online[0],
            self.obs,
            samples_per_state,
            a,
            &mut self.scratch,
        );
        let q2 = net.forward_tape_repeated(
            tape,
            &self.critic.online[1],
            self.obs,
            samples_per_state,
            a,
            &mut self.scratch,
        );
        let qmin = tape.minimum(q1, q2);
        let total = tape.sum(qmin);
        q.assign(&tape.value(qmin).column(0));
        tape.backward(total);
        grad_q.assign(&tape.grad(a).expect("actions are a leaf"));
    }
}
