//! `relu`: `max(x, 0)`, elementwise.
//!
//! Backward: `∂x = G ⊙ [Y > 0]`; the derivative at 0 is taken as 0 (a valid subgradient, as in PyTorch and JAX).

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;

use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `max(x, 0)`, elementwise.
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn relu(&mut self, x: Var) -> Var {
        self.unary(x, Op::Relu { x }, |v| v.max(T::zero()))
    }
}

pub(crate) fn backward<T: Scalar>(
    ctx: &mut Ctx<'_, T>,
    g: ArrayView2<'_, T>,
    y: ArrayView2<'_, T>,
    x: Var,
) {
    ctx.acc2(x, g, y, |g, y| if y > T::zero() { g } else { T::zero() });
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    /// Expected numbers computed independently (Python `math`, double precision).
    #[test]
    fn relu_value_and_vjp_match_independent_reference_values() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[-1.5, 0.3, 2.0]]);
        let y = t.relu(x);
        t.backward_with(y, array![[1.0, -2.0, 0.5]].view());
        let want_y = [0.0, 0.3, 2.0];
        let want_g = [0.0, -2.0, 0.5];
        for j in 0..3 {
            assert!((t.value(y)[[0, j]] - want_y[j]).abs() <= 1e-14 * (1.0 + want_y[j].abs()));
            assert!(
                (t.grad(x).unwrap()[[0, j]] - want_g[j]).abs() <= 1e-14 * (1.0 + want_g[j].abs())
            );
        }
    }
}
