//! `add_scalar`: `x + c` for a constant scalar `c`.
//!
//! Backward: `∂x = G`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `x + c` with a constant `c`.
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn add_scalar(&mut self, x: Var, c: T) -> Var {
        self.unary(x, Op::AddScalar { x, c }, |v| v + c)
    }
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    ctx.acc1(x, g, |g| g);
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn add_scalar_shifts_the_value_and_passes_the_gradient() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[1.0, -2.0]]);
        let y = t.add_scalar(x, 0.5);
        assert_eq!(t.value(y), array![[1.5, -1.5]]);
        t.backward_with(y, array![[3.0, 4.0]].view());
        assert_eq!(t.grad(x).unwrap(), array![[3.0, 4.0]]);
    }
}
