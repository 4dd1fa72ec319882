//! The conditional network of the flow and diffusion policies (authors' `ScoreMLP`), as one
//! [`Stack`]:
//!
//! `concat(s, x_t, emb(t), emb(λ))` → Dense H → GELU → `n` × (`h ← h + GELU(Dense_H(h))`) → Dense d.
//!
//! All kernels orthogonal(√2) including the output layer, biases zero
//! (paper-notes/networks.md); `emb` is [`super::sinusoidal_embedding`] with x unscaled.
//!
//! The first kernel is four row blocks (`in.w_obs`, `in.w_x`, `in.w_t`, `in.w_lambda`), one
//! orthogonal matrix split by rows. The split is what makes sampling cheap: the state's and
//! λ's contribution `b + emb(λ)·W_λ + s·W_s` is computed once per sampling call
//! ([`VelocityNet::row_constants`]) and the time's `emb(t)·W_t` once per step
//! ([`VelocityNet::step_constants`]), so each step's first layer is only `x·W_x`.

use ndarray::{Array2, ArrayView2};
use rand::Rng;

use super::block_dense::{BiasOrder, BlockDense, InputBlock, TapeInput};
use super::stack::{Layer, Stack};
use super::{Activation, Init, ParamVars, Params, sinusoidal_embedding};
use crate::Scalar;
use crate::autodiff::{Tape, Var};

/// Sizes of the conditional network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VelocityNetShape {
    /// State dimension.
    pub obs_dim: usize,
    /// Action (latent) dimension d.
    pub action_dim: usize,
    /// Hidden width H (authors: 256).
    pub hidden: usize,
    /// Residual blocks (authors: 2).
    pub residual_blocks: usize,
    /// Width of each sinusoidal embedding (authors: 128).
    pub embed_dim: usize,
}

/// The network: shape, architecture and the fixed temperature input λ.
#[derive(Clone, Debug, PartialEq)]
pub struct VelocityNet {
    /// Sizes.
    pub shape: VelocityNetShape,
    /// The architecture and parameter ids.
    pub stack: Stack,
    /// The temperature fed to `emb(λ)`.
    pub temperature: f64,
}

impl VelocityNet {
    /// Registers freshly initialised parameters (orthogonal √2, zero bias) in `params`.
    pub fn new<T: Scalar, R: Rng + ?Sized>(
        shape: VelocityNetShape,
        temperature: f64,
        params: &mut Params<T>,
        rng: &mut R,
    ) -> Self {
        let init = Init::default();
        let (o, d, h, e) = (
            shape.obs_dim,
            shape.action_dim,
            shape.hidden,
            shape.embed_dim,
        );
        let first = BlockDense::new(
            params,
            &[
                (InputBlock::Obs, o, "in.w_obs"),
                (InputBlock::Latent, d, "in.w_x"),
                (InputBlock::TimeEmbedding, e, "in.w_t"),
                (InputBlock::TemperatureEmbedding, e, "in.w_lambda"),
            ],
            "in.b",
            h,
            BiasOrder::WithFirstBlock,
            rng,
        );
        let trunk = (0..shape.residual_blocks)
            .map(|i| Layer::Residual {
                weight: params.push(format!("res{i}.w"), init.weight(h, h, rng)),
                bias: params.push(format!("res{i}.b"), Array2::zeros((1, h))),
                activation: Activation::Gelu,
            })
            .collect();
        let output = (
            params.push("out.w", init.weight(h, d, rng)),
            params.push("out.b", Array2::zeros((1, d))),
        );
        let stack = Stack {
            first,
            activation: Activation::Gelu,
            trunk,
            output,
        };
        VelocityNet {
            shape,
            stack,
            temperature,
        }
    }

    /// `emb(x)` as a `1 × embed_dim` row.
    pub fn embed_scalar<T: Scalar>(&self, x: f64) -> Array2<T> {
        sinusoidal_embedding(
            Array2::from_elem((1, 1), T::from_f64(x)).view(),
            self.shape.embed_dim,
        )
    }

    /// `emb(t_b)` for a time per row, `B × embed_dim`.
    pub fn embed_times<T: Scalar>(&self, t: &[f64]) -> Array2<T> {
        let col = Array2::from_shape_fn((t.len(), 1), |(r, _)| T::from_f64(t[r]));
        sinusoidal_embedding(col.view(), self.shape.embed_dim)
    }

    /// The net's output on the tape (`B × d`) at states `obs`, latents `x_t` and one time per
    /// row, λ = [`VelocityNet::temperature`]; the parameters bound by [`Params::bind`].
    pub fn on_tape<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        vars: &ParamVars,
        obs: Var,
        x_t: Var,
        t: &[f64],
    ) -> Var {
        let et = tape.constant(self.embed_times(t));
        let el = tape.constant(self.embed_scalar(self.temperature));
        let inputs = [
            (InputBlock::Obs, TapeInput::Rows(obs)),
            (InputBlock::Latent, TapeInput::Rows(x_t)),
            (InputBlock::TimeEmbedding, TapeInput::Rows(et)),
            (InputBlock::TemperatureEmbedding, TapeInput::Row(el)),
        ];
        self.stack.on_tape(tape, vars, &inputs)
    }

    /// The per-sampling-call row constants `b + emb(λ)·W_λ + s_b·W_s` (`B × H`) into `out`.
    pub fn row_constants<T: Scalar>(
        &self,
        params: &Params<T>,
        obs: ArrayView2<T>,
        out: &mut Array2<T>,
    ) {
        let lam = self.embed_scalar::<T>(self.temperature);
        self.stack.first.row_constants(
            params,
            &[(InputBlock::TemperatureEmbedding, lam.view())],
            &[(InputBlock::Obs, obs)],
            out,
        );
    }

    /// The row constants of one sampling step at time `t`: `base + emb(t)·W_t`, into `out`.
    pub fn step_constants<T: Scalar>(
        &self,
        params: &Params<T>,
        base: ArrayView2<T>,
        t: f64,
        out: &mut Array2<T>,
    ) {
        let et = self.embed_scalar::<T>(t);
        self.stack
            .first
            .add_row(params, base, InputBlock::TimeEmbedding, et.view(), out);
    }
}
