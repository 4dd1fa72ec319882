//! `affine_relu`: `Y = relu(X·W + 1·b)`, fused (the hidden layer of the critic).
//!
//! Forward: one GEMM with `β = 0` (C is written, never read), then one pass adding the bias and
//! applying `max(·, 0)` in place, split across threads for large outputs. Backward: the ReLU
//! mask is read from the output (`Y > 0` ⇔ pre-activation `> 0`), so no pre-activation is
//! stored; `Δ = G ⊙ [Y > 0]` is written once into a pooled scratch buffer that feeds the GEMMs
//! of [`affine`](super::affine). Derivative at 0 is taken as 0.
//! Proof: `proofs/autodiff-affine-relu-mask.md`.

use ndarray::{ArrayView2, Zip};

use crate::Scalar;
use crate::autodiff::ctx::{Ctx, PARALLEL_MIN_LEN};
use crate::autodiff::{Op, Tape, Var};
use crate::linalg::gemm;

impl<T: Scalar> Tape<T> {
    /// Fused `relu(x·w + b)`; same shapes as [`Tape::affine`].
    ///
    /// # Panics
    /// If the shapes do not chain (all three are named).
    #[track_caller]
    pub fn affine_relu(&mut self, x: Var, w: Var, b: Var) -> Var {
        let (i, j, k) = (self.check(x), self.check(w), self.check(b));
        let (sx, sw, sb) = (
            self.values[i].dim(),
            self.values[j].dim(),
            self.values[k].dim(),
        );
        assert!(
            sx.1 == sw.0 && sb == (1, sw.1),
            "affine_relu: shapes x {sx:?} · w {sw:?} + b {sb:?} do not chain (need m×k · k×n + 1×n)"
        );
        let mut out = self.pool.take(sx.0, sw.1);
        gemm(
            T::one(),
            self.values[i].view(),
            self.values[j].view(),
            T::zero(),
            out.view_mut(),
        );
        let bias = self.values[k].row(0);
        let rows = Zip::from(out.rows_mut());
        let add_bias_relu = |mut r: ndarray::ArrayViewMut1<'_, T>| {
            Zip::from(&mut r)
                .and(&bias)
                .for_each(|v, &b| *v = (*v + b).max(T::zero()))
        };
        if sx.0 * sw.1 >= PARALLEL_MIN_LEN {
            rows.par_for_each(add_bias_relu);
        } else {
            rows.for_each(add_bias_relu);
        }
        let rg = self.requires_grad[i] || self.requires_grad[j] || self.requires_grad[k];
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
    let z = Zip::from(&mut delta).and(g).and(y);
    let mask = |d: &mut T, &g: &T, &y: &T| *d = if y > T::zero() { g } else { T::zero() };
    if m * n >= PARALLEL_MIN_LEN {
        z.par_for_each(mask);
    } else {
        z.for_each(mask);
    }
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

    #[test]
    fn affine_relu_parallel_path_matches_the_composed_form_on_a_large_batch() {
        let (m, k, n) = (256, 160, 150); // 38 400 outputs: above the parallel threshold
        let f = |i: usize, j: usize, p: usize| ((i * p + 3 * j) % 17) as f64 / 17.0 - 0.45;
        let mut t = Tape::<f64>::new();
        let x = t.leaf(ndarray::Array2::from_shape_fn((m, k), |(i, j)| f(i, j, 7)));
        let w = t.leaf(ndarray::Array2::from_shape_fn((k, n), |(i, j)| {
            f(i, j, 5) * 0.1
        }));
        let b = t.leaf(ndarray::Array2::from_shape_fn((1, n), |(_, j)| {
            f(j, 1, 3) * 0.1
        }));
        let fused = t.affine_relu(x, w, b);
        let p = t.matmul(x, w);
        let z = t.add_row(p, b);
        let composed = t.relu(z);
        let close = |a: ndarray::ArrayView2<f64>, c: ndarray::ArrayView2<f64>| {
            a.iter()
                .zip(c.iter())
                .all(|(u, v)| (u - v).abs() <= 1e-12 * (1.0 + v.abs()))
        };
        assert!(close(t.value(fused), t.value(composed)));
        let s = t.sum(fused);
        t.backward(s);
        let g: Vec<_> = [x, w, b]
            .iter()
            .map(|&v| t.grad(v).unwrap().to_owned())
            .collect();
        let s = t.sum(composed);
        t.backward(s);
        for (v, gv) in [x, w, b].into_iter().zip(&g) {
            assert!(close(gv.view(), t.grad(v).unwrap()));
        }
    }
}
