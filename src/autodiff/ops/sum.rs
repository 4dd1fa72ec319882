//! `sum` (all elements, `→ 1×1`), `sum_rows` (`m×n → 1×n`, the rows added together) and
//! `sum_cols` (`m×n → m×1`, the columns added together).
//!
//! Backward: the cotangent is broadcast back, `∂x_ij = g` (all), `g_{0j}` (rows), `g_{i0}` (cols).

use ndarray::{ArrayView2, ArrayViewMut2, Zip};

use crate::Scalar;
use crate::autodiff::ctx::{Accum, Ctx};
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `Σ_ij x_ij`, a `1×1` value.
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn sum(&mut self, x: Var) -> Var {
        let i = self.check(x);
        let mut out = self.pool.take(1, 1);
        out[[0, 0]] = self.values[i].sum();
        let rg = self.requires_grad[i];
        self.push(Op::Sum { x }, out, rg)
    }

    /// Sum of the rows: `m×n → 1×n`, `y_{0j} = Σ_i x_ij` (NumPy `sum(axis=0, keepdims=True)`).
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn sum_rows(&mut self, x: Var) -> Var {
        let i = self.check(x);
        let n = self.values[i].ncols();
        let mut out = self.pool.take(1, n);
        sum_rows_into(Accum::Overwrite, out.view_mut(), self.values[i].view());
        let rg = self.requires_grad[i];
        self.push(Op::SumRows { x }, out, rg)
    }

    /// Sum of the columns: `m×n → m×1`, `y_{i0} = Σ_j x_ij` (NumPy `sum(axis=1, keepdims=True)`).
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn sum_cols(&mut self, x: Var) -> Var {
        let i = self.check(x);
        let m = self.values[i].nrows();
        let mut out = self.pool.take(m, 1);
        for (o, r) in out.iter_mut().zip(self.values[i].rows()) {
            *o = r.sum();
        }
        let rg = self.requires_grad[i];
        self.push(Op::SumCols { x }, out, rg)
    }
}

/// `dst (=|+=) 1ᵀ·a` for `dst: 1×n`, `a: m×n` (row-by-row, contiguous, no temporary).
pub(crate) fn sum_rows_into<T: Scalar>(
    mode: Accum,
    mut dst: ArrayViewMut2<'_, T>,
    a: ArrayView2<'_, T>,
) {
    let mut d = dst.row_mut(0);
    if mode == Accum::Overwrite {
        d.fill(T::zero());
    }
    for r in a.rows() {
        d += &r;
    }
}

pub(crate) fn backward_all<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    if ctx.wants(x) {
        let g0 = g[[0, 0]];
        let (mut d, mode) = ctx.grad_mut(x);
        match mode {
            Accum::Overwrite => d.fill(g0),
            Accum::Add => d.mapv_inplace(|v| v + g0),
        }
    }
}

pub(crate) fn backward_rows<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    if ctx.wants(x) {
        let (d, mode) = ctx.grad_mut(x);
        let z = Zip::from(d).and_broadcast(g);
        match mode {
            Accum::Overwrite => z.for_each(|d, &g| *d = g),
            Accum::Add => z.for_each(|d, &g| *d += g),
        }
    }
}

pub(crate) fn backward_cols<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    backward_rows(ctx, g, x)
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn sums_have_the_documented_shapes_values_and_broadcast_gradients() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let all = t.sum(x);
        let r = t.sum_rows(x);
        let c = t.sum_cols(x);
        assert_eq!(t.value(all), array![[21.0]]);
        assert_eq!(t.value(r), array![[5.0, 7.0, 9.0]]);
        assert_eq!(t.value(c), array![[6.0], [15.0]]);
        t.backward_with(r, array![[1.0, 2.0, 3.0]].view());
        assert_eq!(t.grad(x).unwrap(), array![[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]);
        t.backward_with(c, array![[1.0], [-1.0]].view());
        assert_eq!(
            t.grad(x).unwrap(),
            array![[1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]]
        );
        t.backward(all);
        assert_eq!(t.grad(x).unwrap(), ndarray::Array2::from_elem((2, 3), 1.0));
    }
}
