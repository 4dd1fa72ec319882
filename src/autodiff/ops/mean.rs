//! `mean` (all elements, `→ 1×1`), `mean_rows` (`m×n → 1×n`) and `mean_cols` (`m×n → m×1`):
//! the matching sums divided by the number of terms. Backward: the broadcast cotangent divided
//! by that number.

use ndarray::{ArrayView2, Zip};

use crate::Scalar;
use crate::autodiff::ctx::{Accum, Ctx};
use crate::autodiff::ops::sum::sum_rows_into;
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `(1/mn) Σ_ij x_ij`, a `1×1` value.
    ///
    /// # Panics
    /// If `x` is empty or not on this tape.
    #[track_caller]
    pub fn mean(&mut self, x: Var) -> Var {
        let i = self.check(x);
        let len = self.values[i].len();
        assert!(
            len > 0,
            "mean: input of shape {:?} is empty",
            self.values[i].dim()
        );
        let mut out = self.pool.take(1, 1);
        out[[0, 0]] = self.values[i].sum() / T::from_f64(len as f64);
        let rg = self.requires_grad[i];
        self.push(Op::Mean { x }, out, rg)
    }

    /// Mean of the rows: `m×n → 1×n`, `y_{0j} = (1/m) Σ_i x_ij`.
    ///
    /// # Panics
    /// If `x` has no rows or is not on this tape.
    #[track_caller]
    pub fn mean_rows(&mut self, x: Var) -> Var {
        let i = self.check(x);
        let (m, n) = self.values[i].dim();
        assert!(m > 0, "mean_rows: input of shape {:?} has no rows", (m, n));
        let mut out = self.pool.take(1, n);
        sum_rows_into(Accum::Overwrite, out.view_mut(), self.values[i].view());
        let inv = T::one() / T::from_f64(m as f64);
        out.mapv_inplace(|v| v * inv);
        let rg = self.requires_grad[i];
        self.push(Op::MeanRows { x }, out, rg)
    }

    /// Mean of the columns: `m×n → m×1`, `y_{i0} = (1/n) Σ_j x_ij`.
    ///
    /// # Panics
    /// If `x` has no columns or is not on this tape.
    #[track_caller]
    pub fn mean_cols(&mut self, x: Var) -> Var {
        let i = self.check(x);
        let (m, n) = self.values[i].dim();
        assert!(
            n > 0,
            "mean_cols: input of shape {:?} has no columns",
            (m, n)
        );
        let mut out = self.pool.take(m, 1);
        let inv = T::one() / T::from_f64(n as f64);
        for (o, r) in out.iter_mut().zip(self.values[i].rows()) {
            *o = r.sum() * inv;
        }
        let rg = self.requires_grad[i];
        self.push(Op::MeanCols { x }, out, rg)
    }
}

fn broadcast_scaled<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var, count: usize) {
    if ctx.wants(x) {
        let inv = T::one() / T::from_f64(count as f64);
        let (d, mode) = ctx.grad_mut(x);
        let z = Zip::from(d).and_broadcast(g);
        match mode {
            Accum::Overwrite => z.for_each(|d, &g| *d = g * inv),
            Accum::Add => z.for_each(|d, &g| *d += g * inv),
        }
    }
}

pub(crate) fn backward_all<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    let n = ctx.value(x).len();
    broadcast_scaled(ctx, g, x, n);
}

pub(crate) fn backward_rows<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    let m = ctx.value(x).nrows();
    broadcast_scaled(ctx, g, x, m);
}

pub(crate) fn backward_cols<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    let n = ctx.value(x).ncols();
    broadcast_scaled(ctx, g, x, n);
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn means_divide_sums_by_the_count_forward_and_backward() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[1.0, 2.0, 3.0], [5.0, 6.0, 7.0]]);
        let all = t.mean(x);
        let r = t.mean_rows(x);
        let c = t.mean_cols(x);
        assert_eq!(t.value(all), array![[4.0]]);
        assert_eq!(t.value(r), array![[3.0, 4.0, 5.0]]);
        assert_eq!(t.value(c), array![[2.0], [6.0]]);
        t.backward(all);
        assert_eq!(
            t.grad(x).unwrap(),
            ndarray::Array2::from_elem((2, 3), 1.0 / 6.0)
        );
        t.backward_with(r, array![[2.0, 4.0, 6.0]].view());
        assert_eq!(t.grad(x).unwrap(), array![[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]);
        t.backward_with(c, array![[3.0], [6.0]].view());
        assert_eq!(t.grad(x).unwrap(), array![[1.0; 3], [2.0; 3]]);
    }
}
