//! `scale`: `c·x` for a constant scalar `c` (no gradient flows into `c`).
//!
//! Backward: `∂x = c G`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `c·x` with a constant `c`.
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn scale(&mut self, x: Var, c: T) -> Var {
        self.unary(x, Op::Scale { x, c }, |v| c * v)
    }
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var, c: T) {
    ctx.acc1(x, g, |g| c * g);
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn scale_multiplies_value_and_gradient_by_the_constant() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[1.0, -2.0]]);
        let y = t.scale(x, -3.0);
        assert_eq!(t.value(y), array![[-3.0, 6.0]]);
        t.backward_with(y, array![[1.0, 2.0]].view());
        assert_eq!(t.grad(x).unwrap(), array![[-3.0, -6.0]]);
    }
}
