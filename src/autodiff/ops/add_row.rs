//! `add_row`: `Y = A + 1·r`, a `1×n` row added to every row of an `m×n` matrix (the only
//! broadcast, made explicit). Backward: `∂A = G`, `∂r = 1ᵀ·G` (the summing backward).

use ndarray::{ArrayView2, Zip};

use crate::Scalar;
use crate::autodiff::ctx::Ctx;
use crate::autodiff::ops::sum::sum_rows_into;
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `a + row` with `a: m×n` and `row: 1×n` broadcast over the rows.
    ///
    /// # Panics
    /// If `row` is not `1×n` for `a`'s `n` (both shapes are named).
    #[track_caller]
    pub fn add_row(&mut self, a: Var, row: Var) -> Var {
        let (i, j) = (self.check(a), self.check(row));
        let (sa, sr) = (self.values[i].dim(), self.values[j].dim());
        assert!(
            sr == (1, sa.1),
            "add_row: row shape {sr:?} does not broadcast over {sa:?} (need 1×{})",
            sa.1
        );
        let mut out = self.pool.take(sa.0, sa.1);
        Zip::from(&mut out)
            .and(&self.values[i])
            .and_broadcast(&self.values[j])
            .for_each(|o, &a, &r| *o = a + r);
        let rg = self.requires_grad[i] || self.requires_grad[j];
        self.push(Op::AddRow { a, row }, out, rg)
    }
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, a: Var, row: Var) {
    ctx.acc1(a, g, |g| g);
    if ctx.wants(row) {
        let (d, mode) = ctx.grad_mut(row);
        sum_rows_into(mode, d, g);
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn add_row_broadcasts_forward_and_sums_backward() {
        let mut t = Tape::<f64>::new();
        let a = t.leaf(array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        let r = t.leaf(array![[10.0, 20.0]]);
        let y = t.add_row(a, r);
        assert_eq!(t.value(y), array![[11.0, 22.0], [13.0, 24.0], [15.0, 26.0]]);
        t.backward_with(y, array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]].view());
        assert_eq!(
            t.grad(a).unwrap(),
            array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
        );
        assert_eq!(t.grad(r).unwrap(), array![[9.0, 12.0]]);
    }

    #[test]
    #[should_panic(expected = "row shape (1, 3) does not broadcast over (2, 2)")]
    fn add_row_names_both_shapes_on_mismatch() {
        let mut t = Tape::<f64>::new();
        let a = t.leaf(ndarray::Array2::zeros((2, 2)));
        let r = t.leaf(ndarray::Array2::zeros((1, 3)));
        t.add_row(a, r);
    }
}
