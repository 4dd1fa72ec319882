//! The reverse sweep and the one exhaustive `match` over [`Op`] that dispatches to each op's
//! `backward` (the formulas live beside the forwards in `ops/`).

use ndarray::{Array2, ArrayView2};

use super::ctx::Ctx;
use super::ops;
use super::{Op, Tape, Var};
use crate::Scalar;

impl<T: Scalar> Tape<T> {
    /// Reverse sweep from a `1×1` output `y` with seed 1: afterwards [`Tape::grad`] holds `∂y/∂v`.
    ///
    /// # Panics
    /// If `y` is not `1×1` (use [`Tape::backward_with`] for a VJP), or not on this tape.
    #[track_caller]
    pub fn backward(&mut self, y: Var) {
        let shape = self.shape(y);
        assert!(
            shape == (1, 1),
            "backward: output has shape {shape:?}, need (1, 1); use backward_with(y, seed) for a VJP"
        );
        let one = Array2::from_elem((1, 1), T::one());
        self.backward_with(y, one.view());
    }

    /// Vector–Jacobian product: a reverse sweep from `y` with cotangent `seed` (same shape as
    /// `y`); afterwards [`Tape::grad`]`(v)` holds `∂⟨seed, y⟩/∂v`. Gradients of an earlier sweep
    /// are discarded. Nodes that require no gradient are skipped entirely.
    ///
    /// # Panics
    /// If `seed`'s shape differs from `y`'s (both are named), or `y` is not on this tape.
    #[track_caller]
    pub fn backward_with(&mut self, y: Var, seed: ArrayView2<'_, T>) {
        let iy = self.check(y);
        let shape = self.values[iy].dim();
        assert!(
            seed.dim() == shape,
            "backward_with: seed shape {:?} differs from output shape {shape:?}",
            seed.dim()
        );
        for g in self.grads.drain(..).flatten() {
            self.pool.give(g);
        }
        self.grads.resize_with(self.ops.len(), || None);
        if !self.requires_grad[iy] {
            return;
        }
        let s = self.copy_of(seed);
        self.grads[iy] = Some(s);
        for i in (0..=iy).rev() {
            if !self.requires_grad[i] {
                continue;
            }
            let Some(g) = self.grads[i].take() else {
                continue;
            };
            let mut ctx = Ctx {
                values: &self.values,
                requires_grad: &self.requires_grad,
                parts: &self.parts,
                grads: &mut self.grads,
                pool: &mut self.pool,
            };
            dispatch(&mut ctx, self.ops[i], g.view(), self.values[i].view());
            self.grads[i] = Some(g);
        }
    }
}

/// Routes the cotangent `g` of a node with output `y` to its op's backward. No math here.
fn dispatch<T: Scalar>(
    ctx: &mut Ctx<'_, T>,
    op: Op<T>,
    g: ArrayView2<'_, T>,
    y: ArrayView2<'_, T>,
) {
    match op {
        Op::Leaf | Op::Constant => {}
        Op::MatMul { a, b } => ops::matmul::backward(ctx, g, a, b),
        Op::Affine { x, w, b } => ops::affine::backward(ctx, g, x, w, b),
        Op::AffineRelu { x, w, b } => ops::affine_relu::backward(ctx, g, y, x, w, b),
        Op::Add { a, b } => ops::add::backward(ctx, g, a, b),
        Op::Sub { a, b } => ops::sub::backward(ctx, g, a, b),
        Op::Mul { a, b } => ops::mul::backward(ctx, g, a, b),
        Op::Div { a, b } => ops::div::backward(ctx, g, y, a, b),
        Op::AddRow { a, row } => ops::add_row::backward(ctx, g, a, row),
        Op::Scale { x, c } => ops::scale::backward(ctx, g, x, c),
        Op::AddScalar { x, .. } => ops::add_scalar::backward(ctx, g, x),
        Op::Neg { x } => ops::neg::backward(ctx, g, x),
        Op::Exp { x } => ops::exp::backward(ctx, g, y, x),
        Op::Log { x } => ops::log::backward(ctx, g, x),
        Op::Sqrt { x } => ops::sqrt::backward(ctx, g, y, x),
        Op::Square { x } => ops::square::backward(ctx, g, x),
        Op::Tanh { x } => ops::tanh::backward(ctx, g, y, x),
        Op::Sigmoid { x } => ops::sigmoid::backward(ctx, g, y, x),
        Op::Relu { x } => ops::relu::backward(ctx, g, y, x),
        Op::Gelu { x } => ops::gelu::backward(ctx, g, x),
        Op::Silu { x } => ops::silu::backward(ctx, g, x),
        Op::Mish { x } => ops::mish::backward(ctx, g, x),
        Op::Softplus { x } => ops::softplus::backward(ctx, g, x),
        Op::Sum { x } => ops::sum::backward_all(ctx, g, x),
        Op::SumRows { x } => ops::sum::backward_rows(ctx, g, x),
        Op::SumCols { x } => ops::sum::backward_cols(ctx, g, x),
        Op::Mean { x } => ops::mean::backward_all(ctx, g, x),
        Op::MeanRows { x } => ops::mean::backward_rows(ctx, g, x),
        Op::MeanCols { x } => ops::mean::backward_cols(ctx, g, x),
        Op::ConcatCols { start, len } => ops::concat_cols::backward(ctx, g, start, len),
        Op::SliceCols { x, start } => ops::slice_cols::backward(ctx, g, x, start),
        Op::Reshape { x } => ops::reshape::backward(ctx, g, x),
        Op::Minimum { a, b } => ops::minimum::backward(ctx, g, a, b),
        Op::Maximum { a, b } => ops::maximum::backward(ctx, g, a, b),
        Op::LogSumExp { x } => ops::logsumexp::backward(ctx, g, y, x),
        Op::Softmax { x } => ops::softmax::backward(ctx, g, y, x),
        Op::LogSech2 { x } => ops::log_sech2::backward(ctx, g, x),
    }
}
