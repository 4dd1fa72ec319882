//! `reshape`: the same elements in row-major (C) order under a new shape `(rows, cols)`.
//! Backward: `G` read in row-major order under the input's shape.

use ndarray::{ArrayView2, Zip};

use crate::Scalar;
use crate::autodiff::ctx::{Accum, Ctx};
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// Row-major reshape of `x` to `shape`.
    ///
    /// # Panics
    /// If the element counts differ (both shapes are named).
    #[track_caller]
    pub fn reshape(&mut self, x: Var, shape: (usize, usize)) -> Var {
        let i = self.check(x);
        let from = self.values[i].dim();
        assert!(
            from.0 * from.1 == shape.0 * shape.1,
            "reshape: cannot reshape {from:?} into {shape:?} (element counts differ)"
        );
        let mut out = self.pool.take(shape.0, shape.1);
        Zip::from(
            out.as_slice_mut()
                .expect("pool buffers are standard layout"),
        )
        .and(
            self.values[i]
                .as_slice()
                .expect("tape values are standard layout"),
        )
        .for_each(|o, &v| *o = v);
        let rg = self.requires_grad[i];
        self.push(Op::Reshape { x }, out, rg)
    }
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    if ctx.wants(x) {
        let gs = g.as_slice().expect("gradients are standard layout");
        let (mut d, mode) = ctx.grad_mut(x);
        let z = Zip::from(d.as_slice_mut().expect("pool buffers are standard layout")).and(gs);
        match mode {
            Accum::Overwrite => z.for_each(|d, &g| *d = g),
            Accum::Add => z.for_each(|d, &g| *d += g),
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn reshape_is_row_major_both_ways() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let y = t.reshape(x, (3, 2));
        assert_eq!(t.value(y), array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        t.backward_with(y, array![[10.0, 20.0], [30.0, 40.0], [50.0, 60.0]].view());
        assert_eq!(
            t.grad(x).unwrap(),
            array![[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]]
        );
    }

    #[test]
    #[should_panic(expected = "cannot reshape (2, 3) into (4, 2)")]
    fn reshape_names_both_shapes_when_counts_differ() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(ndarray::Array2::zeros((2, 3)));
        t.reshape(x, (4, 2));
    }
}
