//! The estimator's `Q` and `∇_a Q` from the twin critics, `min(Q_1, Q_2)` for all `B·K` rows.
//!
//! In f32 on a CPU with the packed-GEMM kernels, each critic runs fused by row blocks
//! ([`crate::nn::stack_fused`]) and the two are combined by the tape's `minimum` rule. Otherwise
//! (f64 audits, other CPUs) `min(Q_1, Q_2)` is recorded on the autodiff tape with the weights as
//! constants and the actions as the only leaf, so one reverse sweep gives the gradient (at a tie
//! it follows the autodiff `minimum`'s rule: half to each).

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut1, ArrayViewMut2};

use super::twin::TwinCritic;
use crate::Scalar;
use crate::autodiff::Tape;
use crate::autodiff::ops::minimum::share;
use crate::estimators::ActionValue;
use crate::nn::critic_net::CriticScratch;
use crate::nn::stack_fused::FusedOutputs;

/// `min(Q_1, Q_2)(s_b, ·)` of the online critics at the states `obs` (`B × obs_dim`).
pub struct CriticActionValue<'a, T: Scalar> {
    critic: &'a TwinCritic<T>,
    obs: ArrayView2<'a, T>,
    tape: &'a mut Tape<T>,
    scratch: CriticScratch<T>,
    /// The second critic's values and gradients on the fused path.
    q2: Array1<T>,
    grad2: Array2<T>,
}

impl<'a, T: Scalar> CriticActionValue<'a, T> {
    /// The action-value of `critic` at the states `obs`, recording on `tape`.
    pub fn new(critic: &'a TwinCritic<T>, obs: ArrayView2<'a, T>, tape: &'a mut Tape<T>) -> Self {
        CriticActionValue {
            critic,
            obs,
            tape,
            scratch: CriticScratch::default(),
            q2: Array1::zeros(0),
            grad2: Array2::zeros((0, 0)),
        }
    }

    /// The fused f32 path ([`crate::nn::stack_fused`]): each critic's `Q` and `∇_a Q`, then
    /// `min` with the tape's tie rule ([`share`]: `∂ min(q_1, q_2)/∂q_i` is 1 for the smaller,
    /// ½ each at a tie, none for a NaN). Returns `false` (nothing written) for f64 or without the SIMD kernels.
    fn evaluate_fused(
        &mut self,
        actions: ArrayView2<T>,
        n: usize,
        q: ArrayViewMut1<T>,
        grad_q: ArrayViewMut2<T>,
    ) -> bool {
        let [online_1, online_2] = &self.critic.online;
        let net = &self.critic.net;
        let outputs = FusedOutputs::ValuesAndGradients;
        let (Some(c1), Some(c2)) = (
            net.fused(online_1, self.obs, outputs),
            net.fused(online_2, self.obs, outputs),
        ) else {
            return false;
        };
        if self.grad2.dim() != actions.dim() {
            self.q2 = Array1::zeros(actions.nrows());
            self.grad2 = Array2::zeros(actions.dim());
        }
        let (Some(a), Some(mut q1), Some(mut g1), Some(mut q2), Some(mut g2)) = (
            T::as_f32(actions),
            T::as_f32_mut(q),
            T::as_f32_mut(grad_q),
            T::as_f32_mut(self.q2.view_mut()),
            T::as_f32_mut(self.grad2.view_mut()),
        ) else {
            unreachable!("the fused critic exists for f32 only")
        };
        c1.evaluate(n, a, q1.view_mut(), Some(g1.view_mut()));
        c2.evaluate(n, a, q2.view_mut(), Some(g2.view_mut()));
        for ((q1, q2), (mut g1, g2)) in q1
            .iter_mut()
            .zip(q2.iter())
            .zip(g1.rows_mut().into_iter().zip(g2.rows()))
        {
            // The tape's `minimum` exactly: the value is `f32::min` (a NaN operand yields the
            // other), the gradient `share(g_1; q_1, q_2) + share(g_2; q_2, q_1)`.
            let (a, b) = (*q1, *q2);
            g1.zip_mut_with(&g2, |g1, &g2| *g1 = share(*g1, a, b) + share(g2, b, a));
            *q1 = q1.min(*q2);
        }
        true
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
        if self.evaluate_fused(actions, samples_per_state, q.view_mut(), grad_q.view_mut()) {
            return;
        }
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
