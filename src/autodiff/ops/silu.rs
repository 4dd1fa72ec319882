//! `silu`: SiLU (swish): `x σ(x)`.
//!
//! Backward: with `s = σ(x)`, `∂x = G ⊙ s(1 + x(1 − s))`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;
use crate::autodiff::ops::sigmoid::sigmoid_of;
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// SiLU (swish): `x σ(x)`.
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn silu(&mut self, x: Var) -> Var {
        self.unary(x, Op::Silu { x }, |v| v * sigmoid_of(v))
    }
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    let xv = ctx.value(x);
    ctx.acc2(x, g, xv, |g, x| {
        let s = sigmoid_of(x);
        g * s * (T::one() + x * (T::one() - s))
    });
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    /// Expected numbers computed independently (Python `math`, double precision).
    #[test]
    fn silu_value_and_vjp_match_independent_reference_values() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[-1.5, 0.3, 2.0]]);
        let y = t.silu(x);
        t.backward_with(y, array![[1.0, -2.0, 0.5]].view());
        let want_y = [-0.27363828570953447, 0.1723327550434977, 1.7615941559557646];
        let want_g = [
            -0.04129415429914294,
            -1.2955600206377658,
            0.5453921243924478,
        ];
        for j in 0..3 {
            assert!((t.value(y)[[0, j]] - want_y[j]).abs() <= 1e-14 * (1.0 + want_y[j].abs()));
            assert!(
                (t.grad(x).unwrap()[[0, j]] - want_g[j]).abs() <= 1e-14 * (1.0 + want_g[j].abs())
            );
        }
    }
}
