//! `sigmoid`: `σ(x) = 1/(1+e^{−x})`, elementwise, evaluated without overflow.
//!
//! For `x < 0` it uses `eˣ/(1+eˣ)` so `e^{−x}` never overflows. Backward reuses the output: `∂x = G ⊙ Y ⊙ (1 − Y)`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;

use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `σ(x) = 1/(1+e^{−x})`, elementwise, evaluated without overflow.
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn sigmoid(&mut self, x: Var) -> Var {
        self.unary(x, Op::Sigmoid { x }, |v| sigmoid_of(v))
    }
}

/// Stable logistic function: `1/(1+e^{−x})` for `x ≥ 0`, `eˣ/(1+eˣ)` otherwise.
#[inline]
pub(crate) fn sigmoid_of<T: Scalar>(x: T) -> T {
    if x >= T::zero() {
        T::one() / (T::one() + (-x).exp())
    } else {
        let e = x.exp();
        e / (T::one() + e)
    }
}

pub(crate) fn backward<T: Scalar>(
    ctx: &mut Ctx<'_, T>,
    g: ArrayView2<'_, T>,
    y: ArrayView2<'_, T>,
    x: Var,
) {
    ctx.acc2(x, g, y, |g, y| g * y * (T::one() - y));
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    /// Expected numbers computed independently (Python `math`, double precision).
    #[test]
    fn sigmoid_value_and_vjp_match_independent_reference_values() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[-1.5, 0.3, 2.0]]);
        let y = t.sigmoid(x);
        t.backward_with(y, array![[1.0, -2.0, 0.5]].view());
        let want_y = [0.18242552380635632, 0.574442516811659, 0.8807970779778823];
        let want_g = [
            0.14914645207033284,
            -0.4889166233814917,
            0.05249679270175331,
        ];
        for j in 0..3 {
            assert!((t.value(y)[[0, j]] - want_y[j]).abs() <= 1e-14 * (1.0 + want_y[j].abs()));
            assert!(
                (t.grad(x).unwrap()[[0, j]] - want_g[j]).abs() <= 1e-14 * (1.0 + want_g[j].abs())
            );
        }
    }
}
