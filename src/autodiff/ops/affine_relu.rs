//! `affine_relu`: `Y = relu(X·W + 1·b)`, fused (the hidden layer of the critic).
//!
//! Forward: bias fill, one GEMM, one in-place `max(·, 0)` pass. Backward: the ReLU mask is read
//! from the output (`Y > 0` ⇔ pre-activation `> 0`), so no pre-activation is stored;
//! `Δ = G ⊙ [Y > 0]` is written once into a pooled scratch buffer that feeds the GEMMs of
//! [`affine`](super::affine). Derivative at 0 is taken as 0.

use ndarray::{ArrayView2, Zip};

use crate::Scalar;
use crate::autodiff::ctx::Ctx;
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// Fused `relu(x·w + b)`; same shapes as [`Tape::affine`].
    ///
    /// # Panics
    /// If the shapes do not chain (all three are named).
    #[track_caller]
    pub fn affine_relu(&mut self, x: Var, w: Var, b: Var) -> Var {
        let (mut out, rg) = self.affine_value(x, w, b, "affine_relu");
        out.mapv_inplace(|v| v.max(T::zero()));
        self.push(Op::AffineRelu { x, w, b }, out, rg)
    }
}

pub(crate) fn backward<T: Scalar>(
    ctx: &mut Ctx<'_, T>,
    g: ArrayView2<'_, T>,
    y: ArrayView2<'_, T>,
    x: Var,
    w: Var,
    b: Var,
) {
    let (m, n) = g.dim();
    let mut delta = ctx.scratch(m, n);
    Zip::from(&mut delta)
        .and(g)
        .and(y)
        .for_each(|d, &g, &y| *d = if y > T::zero() { g } else { T::zero() });
    super::affine::backward(ctx, delta.view(), x, w, b);
    ctx.recycle(delta);
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn affine_relu_equals_relu_of_affine_with_equal_gradients() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[1.0, 2.0], [3.0, -1.0]]);
        let w = t.leaf(array![[1.0, -2.0], [4.0, 0.5]]);
        let b = t.leaf(array![[0.1, -0.2]]);
        let y = t.affine_relu(x, w, b);
        let a = t.affine(x, w, b);
        let z = t.relu(a);
        assert_eq!(t.value(y), t.value(z));
        let s = t.sum(y);
        t.backward(s);
        let g = [x, w, b].map(|v| t.grad(v).unwrap().to_owned());
        let s = t.sum(z);
        t.backward(s);
        for (v, gv) in [x, w, b].into_iter().zip(g) {
            assert_eq!(t.grad(v).unwrap(), gv);
        }
    }
}
