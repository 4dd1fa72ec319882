//! `log`: `ln x`, elementwise (natural log; `x > 0` for a finite value).
//!
//! Backward: `∂x = G ⊘ X`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;

use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// `ln x`, elementwise (natural log; `x > 0` for a finite value).
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn log(&mut self, x: Var) -> Var {
        self.unary(x, Op::Log { x }, |v| v.ln())
    }
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    let xv = ctx.value(x);
    ctx.acc2(x, g, xv, |g, x| g / x);
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    /// Expected numbers computed independently (Python `math`, double precision).
    #[test]
    #[allow(clippy::approx_constant)]
    fn log_value_and_vjp_match_independent_reference_values() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[0.5, 1.0, 4.0]]);
        let y = t.log(x);
        t.backward_with(y, array![[1.0, -2.0, 0.5]].view());
        let want_y = [-0.6931471805599453, 0.0, 1.3862943611198906];
        let want_g = [2.0, -2.0, 0.125];
        for j in 0..3 {
            assert!((t.value(y)[[0, j]] - want_y[j]).abs() <= 1e-14 * (1.0 + want_y[j].abs()));
            assert!(
                (t.grad(x).unwrap()[[0, j]] - want_g[j]).abs() <= 1e-14 * (1.0 + want_g[j].abs())
            );
        }
    }
}
