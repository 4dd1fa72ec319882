//! `matmul`: `C = A·B`, `m×k · k×n → m×n`.
//!
//! Backward (with cotangent `G = ∂L/∂C`): `∂L/∂A = G·Bᵀ` and `∂L/∂B = Aᵀ·G`. Both go through
//! [`gemm`] with the transpose expressed as a stride swap (`.t()`), never a copy, and with
//! `β = 1` when a gradient is accumulated (no temporary).

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;
use crate::autodiff::{Op, Tape, Var};
use crate::linalg::gemm;

impl<T: Scalar> Tape<T> {
    /// Matrix product `a·b` (`m×k · k×n → m×n`) through `matrixmultiply` (both cores).
    ///
    /// # Panics
    /// If the inner dimensions differ (both shapes are named).
    #[track_caller]
    pub fn matmul(&mut self, a: Var, b: Var) -> Var {
        let (i, j) = (self.check(a), self.check(b));
        let (sa, sb) = (self.values[i].dim(), self.values[j].dim());
        assert!(
            sa.1 == sb.0,
            "matmul: shapes {sa:?} · {sb:?} do not chain (need m×k · k×n)"
        );
        let mut out = self.pool.take(sa.0, sb.1);
        gemm(
            T::one(),
            self.values[i].view(),
            self.values[j].view(),
            T::zero(),
            out.view_mut(),
        );
        let rg = self.requires_grad[i] || self.requires_grad[j];
        self.push(Op::MatMul { a, b }, out, rg)
    }
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, a: Var, b: Var) {
    if ctx.wants(a) {
        let bv = ctx.value(b);
        let (d, mode) = ctx.grad_mut(a);
        gemm(T::one(), g, bv.t(), mode.beta(), d);
    }
    if ctx.wants(b) {
        let av = ctx.value(a);
        let (d, mode) = ctx.grad_mut(b);
        gemm(T::one(), av.t(), g, mode.beta(), d);
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn matmul_forward_and_both_gradients_match_hand_computation() {
        let mut t = Tape::<f64>::new();
        let a = t.leaf(array![[1.0, 2.0], [3.0, 4.0]]);
        let b = t.leaf(array![[5.0], [6.0]]);
        let c = t.matmul(a, b);
        assert_eq!(t.value(c), array![[17.0], [39.0]]);
        let s = t.sum(c);
        t.backward(s);
        // ∂/∂A = 1·Bᵀ per row, ∂/∂B = Aᵀ·1 = column sums of A.
        assert_eq!(t.grad(a).unwrap(), array![[5.0, 6.0], [5.0, 6.0]]);
        assert_eq!(t.grad(b).unwrap(), array![[4.0], [6.0]]);
    }

    #[test]
    #[should_panic(expected = "(2, 3) · (2, 1)")]
    fn matmul_names_both_shapes_on_mismatch() {
        let mut t = Tape::<f64>::new();
        let a = t.leaf(ndarray::Array2::zeros((2, 3)));
        let b = t.leaf(ndarray::Array2::zeros((2, 1)));
        t.matmul(a, b);
    }
}
