//! `mish`: Mish: `x tanh(softplus x)`.
//!
//! Backward: with `t = tanh(softplus x)`, `∂x = G ⊙ (t + x(1 − t²)σ(x))` since `softplus′ = σ`. Softplus is the stable form of [`softplus`](super::softplus).

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;
use crate::autodiff::ops::sigmoid::sigmoid_of;
use crate::autodiff::ops::softplus::softplus_of;
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// Mish: `x tanh(softplus x)`.
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn mish(&mut self, x: Var) -> Var {
        self.unary(x, Op::Mish { x }, |v| v * softplus_of(v).tanh())
    }
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    let xv = ctx.value(x);
    ctx.acc2(x, g, xv, |g, x| {
        let t = softplus_of(x).tanh();
        g * (t + x * (T::one() - t * t) * sigmoid_of(x))
    });
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    /// Expected numbers computed independently (Python `math`, double precision).
    #[test]
    fn mish_value_and_vjp_match_independent_reference_values() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[-1.5, 0.3, 2.0]]);
        let y = t.mish(x);
        t.backward_with(y, array![[1.0, -2.0, 0.5]].view());
        let want_y = [
            -0.29809974216680674,
            0.20800137234811503,
            1.9439589595339946,
        ];
        let want_g = [
            -0.06409781589225863,
            -1.5656545991022608,
            0.5346589671397448,
        ];
        for j in 0..3 {
            assert!((t.value(y)[[0, j]] - want_y[j]).abs() <= 1e-14 * (1.0 + want_y[j].abs()));
            assert!(
                (t.grad(x).unwrap()[[0, j]] - want_g[j]).abs() <= 1e-14 * (1.0 + want_g[j].abs())
            );
        }
    }
}
