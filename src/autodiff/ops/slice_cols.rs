//! `slice_cols`: columns `start..end` of `X` (`m×n → m×(end−start)`). Backward: `G` is written
//! into that column block of `∂X`; the other columns receive 0.

use std::ops::Range;

use ndarray::{ArrayView2, s};

use crate::Scalar;
use crate::autodiff::ctx::{Accum, Ctx};
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// Columns `cols.start..cols.end` of `x`.
    ///
    /// # Panics
    /// If the range is empty-inverted or exceeds `x`'s columns (range and shape are named).
    #[track_caller]
    pub fn slice_cols(&mut self, x: Var, cols: Range<usize>) -> Var {
        let i = self.check(x);
        let (m, n) = self.values[i].dim();
        assert!(
            cols.start <= cols.end && cols.end <= n,
            "slice_cols: column range {cols:?} does not fit shape {:?}",
            (m, n)
        );
        let mut out = self.pool.take(m, cols.end - cols.start);
        out.assign(&self.values[i].slice(s![.., cols.clone()]));
        let start = u32::try_from(cols.start).expect("fewer than 2^32 columns");
        let rg = self.requires_grad[i];
        self.push(Op::SliceCols { x, start }, out, rg)
    }
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var, start: u32) {
    if ctx.wants(x) {
        let (c0, k) = (start as usize, g.ncols());
        let (mut d, mode) = ctx.grad_mut(x);
        if mode == Accum::Overwrite {
            d.fill(T::zero());
        }
        let mut block = d.slice_mut(s![.., c0..c0 + k]);
        block += &g;
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn slice_cols_takes_the_block_and_scatters_the_cotangent_back() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let y = t.slice_cols(x, 1..3);
        assert_eq!(t.value(y), array![[2.0, 3.0], [5.0, 6.0]]);
        t.backward_with(y, array![[1.0, 2.0], [3.0, 4.0]].view());
        assert_eq!(t.grad(x).unwrap(), array![[0.0, 1.0, 2.0], [0.0, 3.0, 4.0]]);
    }

    #[test]
    #[should_panic(expected = "column range 2..4 does not fit shape (2, 3)")]
    fn slice_cols_names_range_and_shape_when_out_of_bounds() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(ndarray::Array2::zeros((2, 3)));
        t.slice_cols(x, 2..4);
    }
}
