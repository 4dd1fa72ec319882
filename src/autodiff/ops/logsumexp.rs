//! `logsumexp`: stable `y_i = ln Σ_j e^{x_ij}` per row, `m×n → m×1`.
//!
//! Forward subtracts the row maximum `c_i = max_j x_ij`: `y_i = c_i + ln Σ_j e^{x_ij − c_i}`;
//! every exponent is `≤ 0` and one equals 0, so the sum lies in `[1, n]` and nothing overflows
//! (inputs of ±1e4, e.g. `Q/λ`, are fine). A row that is all `−∞` gives `−∞`.
//! Backward (VJP): `∂x_ij = g_i · e^{x_ij − y_i}` = `g_i · softmax(x_i)_j`, computed from the
//! stored output without overflow. Proof: `proofs/autodiff-logsumexp-vjp.md`.

use ndarray::{ArrayView2, Zip};

use crate::Scalar;
use crate::autodiff::ctx::{Accum, Ctx};
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// Stable log-sum-exp of each row, `m×n → m×1`.
    ///
    /// # Panics
    /// If `x` has no columns or is not on this tape.
    #[track_caller]
    pub fn logsumexp(&mut self, x: Var) -> Var {
        let i = self.check(x);
        let (m, n) = self.values[i].dim();
        assert!(
            n > 0,
            "logsumexp: input of shape {:?} has no columns",
            (m, n)
        );
        let mut out = self.pool.take(m, 1);
        for (o, r) in out.iter_mut().zip(self.values[i].rows()) {
            let c = r.fold(T::neg_infinity(), |c, &v| c.max(v));
            *o = if c.is_finite() {
                c + r.fold(T::zero(), |s, &v| s + (v - c).exp()).ln()
            } else {
                c
            };
        }
        let rg = self.requires_grad[i];
        self.push(Op::LogSumExp { x }, out, rg)
    }
}

pub(crate) fn backward<T: Scalar>(
    ctx: &mut Ctx<'_, T>,
    g: ArrayView2<'_, T>,
    y: ArrayView2<'_, T>,
    x: Var,
) {
    if ctx.wants(x) {
        let xv = ctx.value(x);
        let (d, mode) = ctx.grad_mut(x);
        let z = Zip::from(d).and(xv).and_broadcast(g).and_broadcast(y);
        match mode {
            Accum::Overwrite => z.for_each(|d, &x, &g, &y| *d = g * (x - y).exp()),
            Accum::Add => z.for_each(|d, &x, &g, &y| *d += g * (x - y).exp()),
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn logsumexp_is_exact_on_small_rows_and_finite_on_huge_ones() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[0.0, 0.0], [1.0e4, 1.0e4 + 2.0f64.ln()]]);
        let y = t.logsumexp(x);
        assert!((t.value(y)[[0, 0]] - 2.0f64.ln()).abs() < 1e-15);
        assert!((t.value(y)[[1, 0]] - (1.0e4 + 3.0f64.ln())).abs() < 1e-11);
        t.backward_with(y, array![[1.0], [3.0]].view());
        let gx = t.grad(x).unwrap();
        assert!((gx[[0, 0]] - 0.5).abs() < 1e-15 && (gx[[0, 1]] - 0.5).abs() < 1e-15);
        // softmax of (0, ln 2) is (1/3, 2/3), times g = 3.
        assert!((gx[[1, 0]] - 1.0).abs() < 1e-11 && (gx[[1, 1]] - 2.0).abs() < 1e-11);
    }
}
