//! `log_sech2`: `ln sech²(x)` in the stable form `2(ln 2 − |x| − ln(1 + e^{−2|x|}))`.
//!
//! This is the log-Jacobian of `a = tanh(u)` per coordinate (`da/du = sech² u`), used by the
//! tanh latent (paper-notes/math-outline.md §2). The naive `ln(1 − tanh² x)` underflows to `ln 0 = −∞` once
//! `|x| ≳ 19` (f64) or `≳ 9` (f32); the rewrite only exponentiates `−2|x| ≤ 0` and stays exact to
//! rounding for every finite `x`. Derivative: `d/dx ln sech² x = −2 tanh x` (finite, bounded).
//! Proof: `proofs/autodiff-log-sech2.md`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// Stable `ln sech²(x)` elementwise (the per-coordinate log-Jacobian of `a = tanh u`).
    ///
    /// # Panics
    /// If `x` is not on this tape.
    #[track_caller]
    pub fn log_sech2(&mut self, x: Var) -> Var {
        self.unary(x, Op::LogSech2 { x }, log_sech2_of)
    }
}

/// `2(ln 2 − |x| − ln(1 + e^{−2|x|}))` = `ln sech² x`, for every finite `x`.
#[inline]
pub fn log_sech2_of<T: Scalar>(x: T) -> T {
    let a = x.abs();
    let two = T::from_f64(2.0);
    two * (T::LN_2() - a - (-two * a).exp().ln_1p()) // [RFM:Eq.tanh-log-jacobian]
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, x: Var) {
    let xv = ctx.value(x);
    let m2 = T::from_f64(-2.0);
    ctx.acc2(x, g, xv, |g, x| g * m2 * x.tanh());
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn rfm_eq_tanh_log_jacobian_stable_form_matches_naive_form_and_is_finite_far_out() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[-1.5, 0.0, 0.3, 2.0, 1.0e4, -1.0e4]]);
        let y = t.log_sech2(x);
        t.backward_with(y, array![[1.0; 6]].view());
        for j in 0..4 {
            let xj: f64 = t.value(x)[[0, j]];
            let naive = (1.0 - xj.tanh().powi(2)).ln();
            assert!((t.value(y)[[0, j]] - naive).abs() < 1e-14);
            assert!((t.grad(x).unwrap()[[0, j]] + 2.0 * xj.tanh()).abs() < 1e-15);
        }
        // ln sech² x → 2 ln 2 − 2|x| as |x| → ∞ (e^{−2·10⁴} is 0 in f64).
        let far = 2.0 * std::f64::consts::LN_2 - 2.0e4;
        assert_eq!(t.value(y)[[0, 4]], far);
        assert_eq!(t.value(y)[[0, 5]], far);
        assert_eq!(t.grad(x).unwrap()[[0, 4]], -2.0);
        assert_eq!(t.grad(x).unwrap()[[0, 5]], 2.0);
    }
}
