//! Self-normalised importance weights over the K reverse samples of each state.
//!
//! The Gaussian factor of the posterior is the proposal and cancels, so
//! `w_k = exp(ℓ_k) / Σ_j exp(ℓ_j)` with `ℓ_k = log p_1(x'_{1,k})`. Computed as
//! `exp(ℓ_k − m) / Σ_j exp(ℓ_j − m)`, `m = max_j ℓ_j`, which never overflows (the largest
//! term is exactly 1), whatever the scale of `Q/λ`.

use ndarray::{ArrayView1, ArrayViewMut1};

use crate::Scalar;

/// Fills `weights` (state-major, K per state) and `ess[b] = 1 / Σ_k w_{b,k}²`.
///
/// # Panics
/// When lengths disagree, `samples_per_state == 0`, or a log-density is NaN / +∞.
#[track_caller]
pub fn snis_weights<T: Scalar>(
    log_p: ArrayView1<T>,
    samples_per_state: usize,
    mut weights: ArrayViewMut1<T>,
    mut ess: ArrayViewMut1<T>,
) {
    let k = samples_per_state;
    assert!(k > 0, "at least one reverse sample per state is needed");
    assert_eq!(log_p.len(), weights.len(), "one weight per log-density");
    assert_eq!(log_p.len(), ess.len() * k, "log_p must hold B·K entries");
    for (b, ess_b) in ess.iter_mut().enumerate() {
        let block = log_p.slice(ndarray::s![b * k..(b + 1) * k]);
        let mut w = weights.slice_mut(ndarray::s![b * k..(b + 1) * k]);
        let m = block.fold(T::neg_infinity(), |m, &l| {
            assert!(
                !l.is_nan() && l != T::infinity(),
                "log-density {l:?} is not finite"
            );
            m.max(l)
        });
        assert!(
            m > T::neg_infinity(),
            "all K log-densities of state {b} are −∞"
        );
        // [RFM:Eq.snis-weights]
        let mut total = T::zero();
        for (wk, &l) in w.iter_mut().zip(block) {
            *wk = (l - m).exp();
            total += *wk;
        }
        let inv_total = T::one() / total;
        let mut sum_sq = T::zero();
        for wk in w.iter_mut() {
            *wk *= inv_total;
            sum_sq += *wk * *wk;
        }
        *ess_b = T::one() / sum_sq;
    }
}
