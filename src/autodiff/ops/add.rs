//! `add`: `a + b`, elementwise (equal shapes).
//!
//! Backward: `∂a = G`, `∂b = G`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `a + b`, elementwise (equal shapes).
    ///
    /// # Panics
    /// If the shapes differ (both are named), or a handle is not on this tape.
    #[track_caller]
    pub fn add(&mut self, a: Var, b: Var) -> Var {
        self.binary("add", a, b, Op::Add { a, b }, |x, y| x + y)
    }
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, a: Var, b: Var) {
    ctx.acc1(a, g, |g| g);
    ctx.acc1(b, g, |g| g);
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn add_value_and_both_vjps_match_hand_computation() {
        let mut t = Tape::<f64>::new();
        let a = t.leaf(array![[2.0, 3.0]]);
        let b = t.leaf(array![[3.0, 6.0]]);
        let y = t.add(a, b);
        t.backward_with(y, array![[1.0, -2.0]].view());
        let close = |u: f64, v: f64| (u - v).abs() <= 1e-15;
        let want_y = [5.0, 9.0];
        let (want_a, want_b) = ([1.0, -2.0], [1.0, -2.0]);
        for j in 0..2 {
            assert!(close(t.value(y)[[0, j]], want_y[j]));
            assert!(close(t.grad(a).unwrap()[[0, j]], want_a[j]));
            assert!(close(t.grad(b).unwrap()[[0, j]], want_b[j]));
        }
    }

    #[test]
    #[should_panic(expected = "add: shapes (1, 2) and (2, 1) differ")]
    fn add_names_both_shapes_on_mismatch() {
        let mut t = Tape::<f64>::new();
        let a = t.leaf(ndarray::Array2::zeros((1, 2)));
        let b = t.leaf(ndarray::Array2::zeros((2, 1)));
        t.add(a, b);
    }
}
