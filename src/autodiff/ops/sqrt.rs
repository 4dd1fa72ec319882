//! `sqrt`: `√x`, elementwise (`x ≥ 0`; the derivative is infinite at 0).
//!
//! Backward reuses the output: `∂x = G ⊘ (2Y)`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;

use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `√x`, elementwise (`x ≥ 0`; the derivative is infinite at 0).
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn sqrt(&mut self, x: Var) -> Var {
        self.unary(x, Op::Sqrt { x }, |v| v.sqrt())
    }
}

pub(crate) fn backward<T: Scalar>(
    ctx: &mut Ctx<'_, T>,
    g: ArrayView2<'_, T>,
    y: ArrayView2<'_, T>,
    x: Var,
) {
    let half = T::from_f64(0.5);
    ctx.acc2(x, g, y, |g, y| g * half / y);
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    /// Expected numbers computed independently (Python `math`, double precision).
    #[test]
    #[allow(clippy::approx_constant)]
    fn sqrt_value_and_vjp_match_independent_reference_values() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[0.5, 1.0, 4.0]]);
        let y = t.sqrt(x);
        t.backward_with(y, array![[1.0, -2.0, 0.5]].view());
        let want_y = [0.7071067811865476, 1.0, 2.0];
        let want_g = [0.7071067811865475, -1.0, 0.125];
        for j in 0..3 {
            assert!((t.value(y)[[0, j]] - want_y[j]).abs() <= 1e-14 * (1.0 + want_y[j].abs()));
            assert!(
                (t.grad(x).unwrap()[[0, j]] - want_g[j]).abs() <= 1e-14 * (1.0 + want_g[j].abs())
            );
        }
    }
}
