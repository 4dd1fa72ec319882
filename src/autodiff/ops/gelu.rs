//! `gelu`: GELU, tanh approximation: `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
//!
//! This is the approximation used by default in flax (`nn.gelu(approximate=True)`), which the reference RFM code uses; it differs from the exact `x Φ(x)` by less than ~1e-3. With `u = √(2/π)(x + 0.044715x³)`, `t = tanh u`: `∂x = G ⊙ (½(1+t) + ½x(1−t²)√(2/π)(1 + 3·0.044715x²))`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;

use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// GELU, tanh approximation: `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn gelu(&mut self, x: Var) -> Var {
        self.unary(x, Op::Gelu { x }, |v| gelu_of(v))
    }
}

/// `√(2/π)`.
const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;
/// Cubic coefficient of the tanh approximation.
const GELU_CUBIC: f64 = 0.044_715;

/// `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
#[inline]
pub(crate) fn gelu_of<T: Scalar>(x: T) -> T {
    let (c, a, half) = (
        T::from_f64(SQRT_2_OVER_PI),
        T::from_f64(GELU_CUBIC),
        T::from_f64(0.5),
    );
    half * x * (T::one() + (c * (x + a * x * x * x)).tanh())
}

/// Derivative of [`gelu_of`].
#[inline]
pub(crate) fn gelu_derivative<T: Scalar>(x: T) -> T {
    let (c, a, half) = (
        T::from_f64(SQRT_2_OVER_PI),
        T::from_f64(GELU_CUBIC),
        T::from_f64(0.5),
    );
    let t = (c * (x + a * x * x * x)).tanh();
    half * (T::one() + t)
        + half * x * (T::one() - t * t) * c * (T::one() + T::from_f64(3.0) * a * x * x)
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    let xv = ctx.value(x);
    ctx.acc2(x, g, xv, |g, x| g * gelu_derivative(x));
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    /// Expected numbers computed independently (Python `math`, double precision).
    #[test]
    fn gelu_value_and_vjp_match_independent_reference_values() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[-1.5, 0.3, 2.0]]);
        let y = t.gelu(x);
        t.backward_with(y, array![[1.0, -2.0, 0.5]].view());
        let want_y = [-0.10042842301976707, 0.18537092354275922, 1.954597694087775];
        let want_g = [-0.1277107931514331, -1.4645909032776037, 0.5430496283118091];
        for j in 0..3 {
            assert!((t.value(y)[[0, j]] - want_y[j]).abs() <= 1e-14 * (1.0 + want_y[j].abs()));
            assert!(
                (t.grad(x).unwrap()[[0, j]] - want_g[j]).abs() <= 1e-14 * (1.0 + want_g[j].abs())
            );
        }
    }
}
