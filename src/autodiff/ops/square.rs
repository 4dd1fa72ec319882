//! `square`: `x²`, elementwise.
//!
//! Backward: `∂x = 2 G ⊙ X`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;

use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `x²`, elementwise.
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn square(&mut self, x: Var) -> Var {
        self.unary(x, Op::Square { x }, |v| v * v)
    }
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    let two = T::from_f64(2.0);
    let xv = ctx.value(x);
    ctx.acc2(x, g, xv, |g, x| g * two * x);
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    /// Expected numbers computed independently (Python `math`, double precision).
    #[test]
    fn square_value_and_vjp_match_independent_reference_values() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[-1.5, 0.3, 2.0]]);
        let y = t.square(x);
        t.backward_with(y, array![[1.0, -2.0, 0.5]].view());
        let want_y = [2.25, 0.09, 4.0];
        let want_g = [-3.0, -1.2, 2.0];
        for j in 0..3 {
            assert!((t.value(y)[[0, j]] - want_y[j]).abs() <= 1e-14 * (1.0 + want_y[j].abs()));
            assert!(
                (t.grad(x).unwrap()[[0, j]] - want_g[j]).abs() <= 1e-14 * (1.0 + want_g[j].abs())
            );
        }
    }
}
