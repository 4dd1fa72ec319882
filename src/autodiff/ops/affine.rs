//! `affine`: `Y = X·W + 1·b`, `m×k · k×n + 1×n → m×n`, fused.
//!
//! Forward writes the bias into every output row, then runs one GEMM with `β = 1`: no temporary
//! for `X·W`. Backward (cotangent `G`): `∂X = G·Wᵀ`, `∂W = Xᵀ·G`, `∂b = 1ᵀ·G` (column sums of
//! `G`). Only the gradients that are wanted are computed: with constant `W`, `b` (a critic's
//! `∇ₐQ`) the backward is a single GEMM.

use ndarray::{ArrayView2, ArrayViewMut2};

use crate::Scalar;
use crate::autodiff::ctx::Ctx;
use crate::autodiff::ops::sum::sum_rows_into;
use crate::autodiff::{Op, Tape, Var};
use crate::linalg::gemm;

impl<T: Scalar> Tape<T> {
    /// Fused `x·w + b` with `x: m×k`, `w: k×n` (in×out), `b: 1×n`.
    ///
    /// # Panics
    /// If the shapes do not chain (all three are named).
    #[track_caller]
    pub fn affine(&mut self, x: Var, w: Var, b: Var) -> Var {
        let (out, rg) = self.affine_value(x, w, b, "affine");
        self.push(Op::Affine { x, w, b }, out, rg)
    }

    /// `x·w + b` into a pooled buffer, plus the requires-grad flag.
    #[track_caller]
    pub(crate) fn affine_value(
        &mut self,
        x: Var,
        w: Var,
        b: Var,
        name: &str,
    ) -> (ndarray::Array2<T>, bool) {
        let (i, j, k) = (self.check(x), self.check(w), self.check(b));
        let (sx, sw, sb) = (
            self.values[i].dim(),
            self.values[j].dim(),
            self.values[k].dim(),
        );
        assert!(
            sx.1 == sw.0 && sb == (1, sw.1),
            "{name}: shapes x {sx:?} · w {sw:?} + b {sb:?} do not chain (need m×k · k×n + 1×n)"
        );
        let mut out = self.pool.take(sx.0, sw.1);
        fill_rows(out.view_mut(), self.values[k].view());
        gemm(
            T::one(),
            self.values[i].view(),
            self.values[j].view(),
            T::one(),
            out.view_mut(),
        );
        let rg = self.requires_grad[i] || self.requires_grad[j] || self.requires_grad[k];
        (out, rg)
    }
}

/// Copies the `1×n` `row` into every row of `out`.
fn fill_rows<T: Scalar>(mut out: ArrayViewMut2<'_, T>, row: ArrayView2<'_, T>) {
    let r = row.row(0);
    for mut o in out.rows_mut() {
        o.assign(&r);
    }
}

/// Backward of `x·w + b` with cotangent `g` (shared with `affine_relu`).
pub(crate) fn backward<T: Scalar>(
    ctx: &mut Ctx<'_, T>,
    g: ArrayView2<'_, T>,
    x: Var,
    w: Var,
    b: Var,
) {
    if ctx.wants(x) {
        let wv = ctx.value(w);
        let (d, mode) = ctx.grad_mut(x);
        gemm(T::one(), g, wv.t(), mode.beta(), d);
    }
    if ctx.wants(w) {
        let xv = ctx.value(x);
        let (d, mode) = ctx.grad_mut(w);
        gemm(T::one(), xv.t(), g, mode.beta(), d);
    }
    if ctx.wants(b) {
        let (d, mode) = ctx.grad_mut(b);
        sum_rows_into(mode, d, g);
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn affine_equals_matmul_plus_row_and_has_the_same_gradients() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]]);
        let w = t.leaf(array![[1.0, -2.0, 0.5], [4.0, 0.0, 1.0]]);
        let b = t.leaf(array![[0.1, 0.2, 0.3]]);
        let y = t.affine(x, w, b);
        let p = t.matmul(x, w);
        let z = t.add_row(p, b);
        assert_eq!(t.value(y), t.value(z));
        let sq = t.square(y);
        let s = t.sum(sq);
        t.backward(s);
        let (gx, gw, gb) = (
            t.grad(x).unwrap().to_owned(),
            t.grad(w).unwrap().to_owned(),
            t.grad(b).unwrap().to_owned(),
        );
        let sq = t.square(z);
        let s = t.sum(sq);
        t.backward(s);
        assert_eq!(t.grad(x).unwrap(), gx);
        assert_eq!(t.grad(w).unwrap(), gw);
        assert_eq!(t.grad(b).unwrap(), gb);
    }

    #[test]
    fn affine_with_constant_weights_computes_no_weight_gradient() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[1.0, 2.0]]);
        let w = t.constant(array![[1.0], [1.0]]);
        let b = t.constant(array![[0.0]]);
        let y = t.affine(x, w, b);
        t.backward(y);
        assert!(t.grad(w).is_none() && t.grad(b).is_none());
        assert_eq!(t.grad(x).unwrap(), array![[1.0, 1.0]]);
    }

    #[test]
    #[should_panic(expected = "b (1, 2)")]
    fn affine_names_the_bias_shape_on_mismatch() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(ndarray::Array2::zeros((4, 3)));
        let w = t.leaf(ndarray::Array2::zeros((3, 5)));
        let b = t.leaf(ndarray::Array2::zeros((1, 2)));
        t.affine(x, w, b);
    }
}
