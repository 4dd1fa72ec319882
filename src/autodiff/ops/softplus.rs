//! `softplus`: `ln(1 + eˣ)`, stable: `max(x, 0) + ln(1 + e^{−|x|})`.
//!
//! The rewrite never exponentiates a positive number, so it is finite for every finite `x` and exact to rounding (`ln_1p`). Backward: `∂x = G ⊙ σ(x)`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;
use crate::autodiff::ops::sigmoid::sigmoid_of;
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `ln(1 + eˣ)`, stable: `max(x, 0) + ln(1 + e^{−|x|})`.
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn softplus(&mut self, x: Var) -> Var {
        self.unary(x, Op::Softplus { x }, |v| softplus_of(v))
    }
}

/// Stable softplus `max(x, 0) + ln(1 + e^{−|x|})`.
#[inline]
pub(crate) fn softplus_of<T: Scalar>(x: T) -> T {
    x.max(T::zero()) + (-x.abs()).exp().ln_1p()
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    let xv = ctx.value(x);
    ctx.acc2(x, g, xv, |g, x| g * sigmoid_of(x));
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    /// Expected numbers computed independently (Python `math`, double precision).
    #[test]
    fn softplus_value_and_vjp_match_independent_reference_values() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[-1.5, 0.3, 2.0]]);
        let y = t.softplus(x);
        t.backward_with(y, array![[1.0, -2.0, 0.5]].view());
        let want_y = [0.2014132779827524, 0.8543552444685272, 2.1269280110429727];
        let want_g = [0.18242552380635632, -1.148885033623318, 0.44039853898894116];
        for j in 0..3 {
            assert!((t.value(y)[[0, j]] - want_y[j]).abs() <= 1e-14 * (1.0 + want_y[j].abs()));
            assert!(
                (t.grad(x).unwrap()[[0, j]] - want_g[j]).abs() <= 1e-14 * (1.0 + want_g[j].abs())
            );
        }
    }
}
