//! `minimum`: elementwise `min(a, b)` (equal shapes), e.g. the twin-critic `min(Q₁, Q₂)`.
//!
//! Backward: `∂a = G ⊙ [a < b]`, `∂b = G ⊙ [b < a]`. **Tie rule:** where `a = b` each
//! input receives `½ G` (the symmetric subgradient, as JAX's and PyTorch's `minimum` do), so
//! `minimum(x, x)` has gradient exactly `G` for `x`.

use ndarray::ArrayView2;

use crate::Scalar;
use crate::autodiff::ctx::Ctx;
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// Elementwise `min(a, b)`; ties split the gradient in halves.
    ///
    /// # Panics
    /// If the shapes differ (both are named), or a handle is not on this tape.
    #[track_caller]
    pub fn minimum(&mut self, a: Var, b: Var) -> Var {
        self.binary("minimum", a, b, Op::Minimum { a, b }, |x, y| x.min(y))
    }
}

/// Share of the cotangent `g` that goes to `mine` when the other input is `other`: all of it
/// when `mine` is the smaller, half at a tie, none otherwise (also when either is NaN). The
/// one tie rule of `min`: the tape's backward and the fused twin critic
/// (`critic::action_value`) both call it.
#[inline]
pub fn share<T: Scalar>(g: T, mine: T, other: T) -> T {
    if mine < other {
        g
    } else if mine == other {
        g * T::from_f64(0.5)
    } else {
        T::zero()
    }
}

pub(crate) fn backward<T: Scalar>(ctx: &mut Ctx<'_, T>, g: ArrayView2<'_, T>, a: Var, b: Var) {
    let (av, bv) = (ctx.value(a), ctx.value(b));
    ctx.acc3(a, g, av, bv, |g, a, b| share(g, a, b));
    ctx.acc3(b, g, bv, av, |g, b, a| share(g, b, a));
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn minimum_routes_the_gradient_to_the_selected_input_and_splits_ties() {
        let mut t = Tape::<f64>::new();
        let a = t.leaf(array![[1.0, 5.0, 2.0]]);
        let b = t.leaf(array![[3.0, 4.0, 2.0]]);
        let y = t.minimum(a, b);
        t.backward_with(y, array![[1.0, 10.0, 4.0]].view());
        let a_wins = [1.0 < 3.0, 5.0 < 4.0];
        let want_y: Vec<f64> = vec![
            if a_wins[0] { 1.0 } else { 3.0 },
            if a_wins[1] { 5.0 } else { 4.0 },
            2.0,
        ];
        assert_eq!(t.value(y).row(0).to_vec(), want_y);
        let ga = [
            if a_wins[0] { 1.0 } else { 0.0 },
            if a_wins[1] { 10.0 } else { 0.0 },
            2.0,
        ];
        let gb = [
            if a_wins[0] { 0.0 } else { 1.0 },
            if a_wins[1] { 0.0 } else { 10.0 },
            2.0,
        ];
        assert_eq!(t.grad(a).unwrap().row(0).to_vec(), ga.to_vec());
        assert_eq!(t.grad(b).unwrap().row(0).to_vec(), gb.to_vec());
    }

    #[test]
    fn minimum_of_a_var_with_itself_has_unit_gradient() {
        let mut t = Tape::<f64>::new();
        let x = t.leaf(array![[1.0, -2.0]]);
        let y = t.minimum(x, x);
        let s = t.sum(y);
        t.backward(s);
        assert_eq!(t.grad(x).unwrap(), array![[1.0, 1.0]]);
    }
}
