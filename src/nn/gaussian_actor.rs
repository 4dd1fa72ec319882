//! The Gaussian actor's network (authors' `ActorMLP`): `obs → H → … → 2d` with ReLU, as one
//! [`Stack`]; its output is the mean and the raw log σ that
//! [`crate::policies::tanh_gaussian`] clips and squashes.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use rand::Rng;

use super::block_dense::{BiasOrder, BlockDense, InputBlock, TapeInput};
use super::stack::{Layer, Stack, StackScratch};
use super::{Activation, Init, ParamVars, Params};
use crate::Scalar;
use crate::autodiff::{Tape, Var};

/// The actor network: sizes and architecture.
#[derive(Clone, Debug, PartialEq)]
pub struct GaussianActorNet {
    /// State dimension.
    pub obs_dim: usize,
    /// Action dimension d (the output is `2d`: mean, raw log σ).
    pub action_dim: usize,
    /// The architecture and parameter ids.
    pub stack: Stack,
}

impl GaussianActorNet {
    /// Registers a freshly initialised network (`l0.w`, `l0.b`, …; orthogonal √2, zero
    /// biases) with `hidden_layers ≥ 1` hidden layers of width `hidden` in `params`.
    ///
    /// # Panics
    /// If `hidden_layers` is 0 or a name is taken.
    #[track_caller]
    pub fn new<T: Scalar, R: Rng + ?Sized>(
        obs_dim: usize,
        action_dim: usize,
        hidden: usize,
        hidden_layers: usize,
        params: &mut Params<T>,
        rng: &mut R,
    ) -> Self {
        assert!(hidden_layers >= 1, "the actor needs a hidden layer");
        let init = Init::default();
        let first = BlockDense::new(
            params,
            &[(InputBlock::Obs, obs_dim, "l0.w")],
            "l0.b",
            hidden,
            BiasOrder::WithFirstBlock,
            rng,
        );
        let dense = |params: &mut Params<T>, i: usize, out: usize, rng: &mut R| {
            let w = params.push(format!("l{i}.w"), init.weight(hidden, out, rng));
            let b = params.push(format!("l{i}.b"), Array2::zeros((1, out)));
            (w, b)
        };
        let trunk = (1..hidden_layers)
            .map(|i| {
                let (weight, bias) = dense(params, i, hidden, rng);
                Layer::Dense {
                    weight,
                    bias,
                    activation: Activation::Relu,
                }
            })
            .collect();
        let output = dense(params, hidden_layers, 2 * action_dim, rng);
        let stack = Stack {
            first,
            activation: Activation::Relu,
            trunk,
            output,
        };
        GaussianActorNet {
            obs_dim,
            action_dim,
            stack,
        }
    }

    /// The output on the tape (`B × 2d`), the parameters bound by [`Params::bind`].
    pub fn on_tape<T: Scalar>(&self, tape: &mut Tape<T>, vars: &ParamVars, obs: Var) -> Var {
        self.stack
            .on_tape(tape, vars, &[(InputBlock::Obs, TapeInput::Rows(obs))])
    }

    /// The output without a tape into `out` (`B × 2d`).
    pub fn infer<T: Scalar>(
        &self,
        params: &Params<T>,
        obs: ArrayView2<T>,
        scratch: &mut StackScratch<T>,
        out: ArrayViewMut2<T>,
    ) {
        let mut c = Array2::zeros((0, 0));
        self.stack
            .first
            .row_constants(params, &[], &[(InputBlock::Obs, obs)], &mut c);
        self.stack.infer(params, c.view(), 1, &[], scratch, out);
    }
}
