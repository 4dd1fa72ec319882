//! `softmax`: `y_ij = e^{x_ij} / Σ_k e^{x_ik}` per row, computed as `e^{x_ij − c_i}/Σ_k e^{x_ik − c_i}`
//! with `c_i = max_k x_ik` (no overflow; each row sums to 1).
//!
//! Backward (VJP): `∂x_ij = y_ij (g_ij − Σ_k g_ik y_ik)`, from the stored output, `O(mn)`.
//! Proof: `proofs/autodiff-softmax-vjp.md`.

use ndarray::{ArrayView2, Zip};

use crate::Scalar;
use crate::autodiff::ctx::{Accum, Ctx};
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// Softmax of each row (self-normalised weights, e.g. `softmax(Q/λ)`).
    ///
    /// # Panics
    /// If `x` has no columns or is not on this tape.
    #[track_caller]
    pub fn softmax(&mut self, x: Var) -> Var {
        let i = self.check(x);
        let (m, n) = self.values[i].dim();
        assert!(n > 0, "softmax: input of shape {:?} has no columns", (m, n));
        let mut out = self.pool.take(m, n);
        for (mut o, r) in out.rows_mut().into_iter().zip(self.values[i].rows()) {
            let c = r.fold(T::neg_infinity(), |c, &v| c.max(v));
            Zip::from(&mut o)
                .and(&r)
                .for_each(|o, &v| *o = (v - c).exp());
            let inv = T::one() / o.sum();
            o.mapv_inplace(|v| v * inv);
        }
        let rg = self.requires_grad[i];
        self.push(Op::Softmax { x }, out, rg)
    }
}

pub(crate) fn backward<T: Scalar>(
    ctx: &mut Ctx<'_, T>,
    g: ArrayView2<'_, T>,
    y: ArrayView2<'_, T>,
    x: Var,
) {
    if ctx.wants(x) {
        let (mut d, mode) = ctx.grad_mut(x);
        for ((mut dr, gr), yr) in d.rows_mut().into_iter().zip(g.rows()).zip(y.rows()) {
            let dot = gr.dot(&yr);
            let z = Zip::from(&mut dr).and(&gr).and(&yr);
            match mode {
                Accum::Overwrite => z.for_each(|d, &g, &y| *d = y * (g - dot)),
                Accum::Add => z.for_each(|d, &g, &y| *d += y * (g - dot)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn softmax_rows_sum_to_one_survive_huge_inputs_and_have_the_hand_vjp() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[0.0, 2.0f64.ln()], [1.0e4, -1.0e4]]);
        let y = t.softmax(x);
        let v = t.value(y).to_owned();
        assert!((v[[0, 0]] - 1.0 / 3.0).abs() < 1e-15 && (v[[0, 1]] - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(v.row(1).to_vec(), vec![1.0, 0.0]);
        t.backward_with(y, array![[1.0, 0.0], [0.0, 0.0]].view());
        // ∂y_0/∂x_j = y_0 (δ_0j − y_j): (1/3·2/3, −1/3·2/3).
        let gx = t.grad(x).unwrap();
        assert!((gx[[0, 0]] - 2.0 / 9.0).abs() < 1e-15 && (gx[[0, 1]] + 2.0 / 9.0).abs() < 1e-15);
    }
}
