//! The one architecture description of the networks, and its tape and tape-free backends.
//!
//! A [`Stack`] is `first → act → trunk → output`:
//!
//! - `first`: a [`BlockDense`] over the named inputs (state, action, latent, embeddings);
//! - `trunk`: a closed list of [`Layer`]s, each `h ← act(h·W + b)` or `h ← h + act(h·W + b)`;
//! - `output`: `h·W + b` (no activation).
//!
//! The critic, the velocity net and the Gaussian actor are three stacks (see
//! [`super::critic_net`], [`super::velocity_net`], [`super::gaussian_actor`]). Each backend
//! evaluates any stack, like candle's one dispatch over a closed op set:
//!
//! | backend | scalars | gradients |
//! |---|---|---|
//! | [`Stack::on_tape`] | f32, f64 | any leaf (parameters, inputs) |
//! | [`Stack::infer`] (tape-free) | f32, f64 | none |
//! | [`super::stack_fused::FusedStack`] | f32 (row blocks, packed weights) | `∂/∂x` of the varying block (ReLU trunks) |
//!
//! A bf16 backend is one more [`Backend`] arm and one more evaluator of the same `Stack`.
//!
//! Tape-free GELU is [`fast_gelu::gelu`] (the rational `tanh` in f32, libm in f64); the tape's
//! `gelu` uses libm: the backends agree within the bound of tests/nn_equivalence.rs.

use crate::linalg::gemm;
use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use super::block_dense::{BlockDense, InputBlock, TapeInput};
use super::fast_gelu;
use super::{Activation, ParamId, ParamVars, Params};
use crate::Scalar;
use crate::autodiff::{Tape, Var};

/// Which evaluator runs a network (the dispatch point for a future bf16 arm).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Layer by layer with ndarray/matrixmultiply, any scalar.
    Inference,
    /// f32 row blocks on packed weights ([`super::stack_fused::FusedStack`]).
    FusedF32,
}

impl Backend {
    /// The fastest backend for `T` on this CPU: fused for f32 when a packed-GEMM kernel exists.
    pub fn best<T: Scalar>() -> Self {
        let f32_ok = T::as_f32(ndarray::ArrayView2::<T>::from_shape((0, 0), &[]).unwrap());
        if f32_ok.is_some() && crate::linalg::isa::Isa::detect().is_some() {
            Backend::FusedF32
        } else {
            Backend::Inference
        }
    }
}

/// One trunk layer (width-preserving for `Residual`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// `h ← act(h·W + b)`.
    Dense {
        /// `W`, `in × out`.
        weight: ParamId,
        /// `b`, `1 × out`.
        bias: ParamId,
        /// `act`.
        activation: Activation,
    },
    /// `h ← h + act(h·W + b)`, `W` square.
    Residual {
        /// `W`, `H × H`.
        weight: ParamId,
        /// `b`, `1 × H`.
        bias: ParamId,
        /// `act`.
        activation: Activation,
    },
}

impl Layer {
    /// `(W, b, act)`.
    pub fn parts(&self) -> (ParamId, ParamId, Activation) {
        match *self {
            Layer::Dense {
                weight,
                bias,
                activation,
            }
            | Layer::Residual {
                weight,
                bias,
                activation,
            } => (weight, bias, activation),
        }
    }
}

/// A network: first layer over named inputs, trunk, output layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stack {
    /// The first layer.
    pub first: BlockDense,
    /// The activation after the first layer.
    pub activation: Activation,
    /// The hidden layers after the first.
    pub trunk: Vec<Layer>,
    /// The output layer `(W, b)`.
    pub output: (ParamId, ParamId),
}

/// Reusable buffers of [`Stack::infer`].
#[derive(Clone, Debug, Default)]
pub struct StackScratch<T> {
    h: Array2<T>,
    z: Array2<T>,
}

impl Stack {
    /// The output on the tape (`B × out`), the parameters bound by [`Params::bind`].
    ///
    /// # Panics
    /// If the inputs do not follow the first layer's blocks or the shapes do not fit.
    #[track_caller]
    pub fn on_tape<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        vars: &ParamVars,
        inputs: &[(InputBlock, TapeInput)],
    ) -> Var {
        let h = self.first.on_tape(tape, vars, inputs, self.activation);
        self.trunk_on_tape(tape, vars, h)
    }

    /// The output on the tape when the first layer's constant part `base` (`B·n × H`, bias
    /// included) is data and only `varying` inputs are tape variables.
    ///
    /// # Panics
    /// As [`BlockDense::on_tape_from_constants`].
    #[track_caller]
    pub fn on_tape_from_constants<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        vars: &ParamVars,
        base: Var,
        varying: &[(InputBlock, Var)],
    ) -> Var {
        let h = self
            .first
            .on_tape_from_constants(tape, vars, base, varying, self.activation);
        self.trunk_on_tape(tape, vars, h)
    }

    fn trunk_on_tape<T: Scalar>(&self, tape: &mut Tape<T>, vars: &ParamVars, mut h: Var) -> Var {
        for layer in &self.trunk {
            let (w, b, act) = layer.parts();
            let (w, b) = (vars.get(w), vars.get(b));
            h = match (layer, act) {
                (Layer::Dense { .. }, Activation::Relu) => tape.affine_relu(h, w, b),
                (Layer::Dense { .. }, act) => {
                    let z = tape.affine(h, w, b);
                    act.on_tape(tape, z)
                }
                (Layer::Residual { .. }, act) => {
                    let z = tape.affine(h, w, b);
                    let g = act.on_tape(tape, z);
                    tape.add(h, g)
                }
            };
        }
        tape.affine(h, vars.get(self.output.0), vars.get(self.output.1))
    }

    /// The output without a tape into `out` (`B·n × out`): row `r` is the state `r / n` of the
    /// row constants `c` ([`BlockDense::row_constants`]) with its `varying` inputs.
    ///
    /// # Panics
    /// If the shapes do not fit.
    #[track_caller]
    pub fn infer<T: Scalar>(
        &self,
        params: &Params<T>,
        c: ArrayView2<T>,
        n: usize,
        varying: &[(InputBlock, ArrayView2<T>)],
        scratch: &mut StackScratch<T>,
        mut out: ArrayViewMut2<T>,
    ) {
        let rows = c.nrows() * n;
        assert_eq!(out.nrows(), rows, "out must have B·n = {rows} rows");
        self.first
            .rows_from_constants(params, c, n, varying, &mut scratch.h);
        apply(self.activation, &mut scratch.h);
        for layer in &self.trunk {
            let (w, b, act) = layer.parts();
            let width = params.get(w).ncols();
            if scratch.z.dim() != (rows, width) {
                scratch.z = Array2::zeros((rows, width));
            }
            scratch
                .z
                .assign(&params.get(b).broadcast((rows, width)).expect("bias"));
            gemm(
                T::one(),
                scratch.h.view(),
                params.get(w).view(),
                T::one(),
                scratch.z.view_mut(),
            );
            match layer {
                Layer::Dense { .. } => {
                    apply(act, &mut scratch.z);
                    std::mem::swap(&mut scratch.h, &mut scratch.z);
                }
                Layer::Residual { .. } => add_activated(act, &mut scratch.h, &scratch.z),
            }
        }
        let (w, b) = self.output;
        let od = out.raw_dim();
        out.assign(&params.get(b).broadcast(od).expect("bias"));
        gemm(
            T::one(),
            scratch.h.view(),
            params.get(w).view(),
            T::one(),
            out.view_mut(),
        );
    }

    /// Width of the first layer's output (the hidden width of the first trunk layer).
    pub fn hidden(&self) -> usize {
        self.first.out
    }
}

/// `h ← act(h)` without a tape (one `match` per call, so each loop is specialised).
fn apply<T: Scalar>(act: Activation, h: &mut Array2<T>) {
    match act {
        // `max` maps a NaN to 0, as the tape's relu does.
        Activation::Relu => h.mapv_inplace(|v| v.max(T::zero())),
        Activation::Gelu => h.mapv_inplace(fast_gelu::gelu),
        act => h.mapv_inplace(|v| act.apply(v)),
    }
}

/// `h ← h + act(z)` without a tape.
fn add_activated<T: Scalar>(act: Activation, h: &mut Array2<T>, z: &Array2<T>) {
    match act {
        Activation::Gelu => h.zip_mut_with(z, |h, &z| *h += fast_gelu::gelu(z)),
        act => h.zip_mut_with(z, |h, &z| *h += act.apply(z)),
    }
}
