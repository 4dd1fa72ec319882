//! `exp`: `eˣ`, elementwise.
//!
//! Backward reuses the output: `∂x = G ⊙ Y`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;

use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `eˣ`, elementwise.
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn exp(&mut self, x: Var) -> Var {
        self.unary(x, Op::Exp { x }, |v| v.exp())
    }
}

pub(crate) fn backward<T: Scalar>(
    ctx: &mut Ctx<'_, T>,
    g: ArrayView2<'_, T>,
    y: ArrayView2<'_, T>,
    x: Var,
) {
    ctx.acc2(x, g, y, |g, y| g * y);
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    /// Expected numbers computed independently (Python `math`, double precision).
    #[test]
    fn exp_value_and_vjp_match_independent_reference_values() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[-1.5, 0.3, 2.0]]);
        let y = t.exp(x);
        t.backward_with(y, array![[1.0, -2.0, 0.5]].view());
        let want_y = [0.22313016014842982, 1.3498588075760032, 7.38905609893065];
        let want_g = [0.22313016014842982, -2.6997176151520064, 3.694528049465325];
        for j in 0..3 {
            assert!((t.value(y)[[0, j]] - want_y[j]).abs() <= 1e-14 * (1.0 + want_y[j].abs()));
            assert!(
                (t.grad(x).unwrap()[[0, j]] - want_g[j]).abs() <= 1e-14 * (1.0 + want_g[j].abs())
            );
        }
    }
}
