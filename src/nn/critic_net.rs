//! The critic `Q(s, a)`: Dense H → ReLU → … → Dense 1 on `concat(s, a)` (authors' `MLP`,
//! orthogonal √2 kernels, zero biases), as one [`Stack`].
//!
//! The first kernel is two row blocks (`l0.w_obs`, `l0.w_action`), one orthogonal matrix split
//! by rows, so that when many actions are scored per state (particles, reverse samples) the
//! state's part `c_b = b + s_b·W_s` is computed once per state.

use ndarray::{Array2, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use rand::Rng;

use super::block_dense::{BiasOrder, BlockDense, InputBlock, TapeInput};
use super::stack::{Layer, Stack, StackScratch};
use super::stack_fused::{FusedOutputs, FusedStack};
use super::{Activation, Init, ParamMode, Params};
use crate::Scalar;
use crate::autodiff::{Tape, Var};

/// Sizes and architecture of one critic (identical for every critic built with the same shape).
#[derive(Clone, Debug, PartialEq)]
pub struct CriticNet {
    /// State dimension.
    pub obs_dim: usize,
    /// Action dimension.
    pub action_dim: usize,
    /// Hidden width.
    pub hidden: usize,
    /// The architecture and parameter ids.
    pub stack: Stack,
}

/// Reusable buffers of the tape-free forward.
#[derive(Clone, Debug, Default)]
pub struct CriticScratch<T> {
    c: Array2<T>,
    base: Array2<T>,
    stack: StackScratch<T>,
}

/// A critic packed for the fused f32 backend at a set of states.
pub struct FusedCritic {
    fused: FusedStack,
    /// `c_b = b + s_b·W_s`, `B × H`.
    c: Array2<f32>,
}

impl CriticNet {
    /// Registers a freshly initialised critic with `layers` hidden layers in a new store
    /// (`l0.w_obs`, `l0.w_action`, `l0.b`, `l1.w`, `l1.b`, …) and returns both.
    pub fn new<T: Scalar, R: Rng + ?Sized>(
        obs_dim: usize,
        action_dim: usize,
        hidden: usize,
        layers: usize,
        rng: &mut R,
    ) -> (Self, Params<T>) {
        let init = Init::default();
        let mut p = Params::new();
        let first = BlockDense::new(
            &mut p,
            &[
                (InputBlock::Obs, obs_dim, "l0.w_obs"),
                (InputBlock::Action, action_dim, "l0.w_action"),
            ],
            "l0.b",
            hidden,
            BiasOrder::AfterBlocks,
            rng,
        );
        let dense = |p: &mut Params<T>, i: usize, out: usize, rng: &mut R| {
            let w = p.push(format!("l{i}.w"), init.weight(hidden, out, rng));
            let b = p.push(format!("l{i}.b"), Array2::zeros((1, out)));
            (w, b)
        };
        let trunk = (1..layers)
            .map(|i| {
                let (weight, bias) = dense(&mut p, i, hidden, rng);
                Layer::Dense {
                    weight,
                    bias,
                    activation: Activation::Relu,
                }
            })
            .collect();
        let output = dense(&mut p, layers, 1, rng);
        let stack = Stack {
            first,
            activation: Activation::Relu,
            trunk,
            output,
        };
        let net = CriticNet {
            obs_dim,
            action_dim,
            hidden,
            stack,
        };
        (net, p)
    }

    /// `Q(s_b, a_r)` for `actions` (`B·n × d`, row `r` paired with state `b = r / n`) into `q`,
    /// on the tape-free backend.
    ///
    /// # Panics
    /// If `actions.nrows() != obs.nrows() · n` or `q` has the wrong length.
    #[track_caller]
    pub fn q_values<T: Scalar>(
        &self,
        params: &Params<T>,
        obs: ArrayView2<T>,
        actions: ArrayView2<T>,
        n: usize,
        scratch: &mut CriticScratch<T>,
        q: ArrayViewMut1<T>,
    ) {
        let rows = actions.nrows();
        assert_eq!(rows, obs.nrows() * n, "actions must have B·n rows");
        assert_eq!(q.len(), rows, "one Q per action row");
        let first = &self.stack.first;
        first.row_constants(params, &[], &[(InputBlock::Obs, obs)], &mut scratch.c);
        let q = q
            .into_shape_with_order((rows, 1))
            .expect("a contiguous Q column");
        self.stack.infer(
            params,
            scratch.c.view(),
            n,
            &[(InputBlock::Action, actions)],
            &mut scratch.stack,
            q,
        );
    }

    /// The fused f32 backend of this critic at the states `obs` (`None` for f64, or on a CPU
    /// without the packed-GEMM kernels: callers keep [`CriticNet::q_values`] or the tape).
    pub fn fused<T: Scalar>(
        &self,
        params: &Params<T>,
        obs: ArrayView2<T>,
        outputs: FusedOutputs,
    ) -> Option<FusedCritic> {
        let fused = FusedStack::new(&self.stack, params, InputBlock::Action, outputs)?;
        let mut c = Array2::zeros((0, 0));
        self.stack
            .first
            .row_constants(params, &[], &[(InputBlock::Obs, obs)], &mut c);
        let c = T::as_f32(c.view())?.to_owned();
        Some(FusedCritic { fused, c })
    }

    /// Records `Q(s, a)` on `tape` (`B × 1`), with the parameters as leaves (`as_leaves`, to
    /// train them) or constants, `obs` a `B × obs_dim` input and `action` a `B × d` input.
    /// Returns the output and the parameter handles in store order.
    pub fn forward_tape<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        params: &Params<T>,
        as_leaves: bool,
        obs: Var,
        action: Var,
    ) -> (Var, Vec<Var>) {
        let mode = if as_leaves {
            ParamMode::Trainable
        } else {
            ParamMode::Frozen
        };
        let vars = params.bind(tape, mode);
        let inputs = [
            (InputBlock::Obs, TapeInput::Rows(obs)),
            (InputBlock::Action, TapeInput::Rows(action)),
        ];
        let q = self.stack.on_tape(tape, &vars, &inputs);
        (q, vars.vars().to_vec())
    }

    /// Records `Q(s_b, a_r)` for `B·n` action rows with the parameters as constants, the state
    /// part computed once per state and repeated (`obs` is `B × obs_dim` data, `action` a
    /// `B·n × d` tape input). Used for `∇_a Q`.
    pub fn forward_tape_repeated<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        params: &Params<T>,
        obs: ArrayView2<T>,
        n: usize,
        action: Var,
        scratch: &mut CriticScratch<T>,
    ) -> Var {
        let first = &self.stack.first;
        first.row_constants(params, &[], &[(InputBlock::Obs, obs)], &mut scratch.c);
        first.rows_from_constants(params, scratch.c.view(), n, &[], &mut scratch.base);
        let base = tape.constant_view(scratch.base.view());
        let vars = params.bind(tape, ParamMode::Frozen);
        self.stack
            .on_tape_from_constants(tape, &vars, base, &[(InputBlock::Action, action)])
    }
}

impl FusedCritic {
    /// `q[r] = Q(s_{r/n}, a_r)` and, when `grad` is given, `grad[r] = ∇_a Q(s_{r/n}, a_r)`.
    ///
    /// # Panics
    /// If `actions` does not have `B·n` rows of `d`, or `q` / `grad` do not match it, or a
    /// gradient is asked of a critic built for [`FusedOutputs::Values`].
    #[track_caller]
    pub fn evaluate(
        &self,
        n: usize,
        actions: ArrayView2<'_, f32>,
        q: ArrayViewMut1<'_, f32>,
        grad: Option<ArrayViewMut2<'_, f32>>,
    ) {
        let rows = q.len();
        let q = q
            .into_shape_with_order((rows, 1))
            .expect("a contiguous Q column");
        self.fused.eval(self.c.view(), n, actions, q, grad);
    }
}
