//! QVPO's training rows: the Q-weight of each state's best sampled action, and the entropy
//! rows of uniform actions (authors' `q_adv_weights` and the `entropy_alpha` block of
//! `actor_update` in `src/agent/qvpo.py`; proof in `proofs/eq-qvpo-weighted-loss.md`).
//!
//! Per state `s_b`, the policy draws `N` actions `a_{b,1..N}` (`train_sample`) with critic
//! values `Q_{b,n} = min(Q_1, Q_2)(s_b, a_{b,n})`. The row of the state is its best action
//! `a*_b = argmax_n Q_{b,n}` with the weight `ω_b = max(Q_{b,n*} − V_b, 0)`,
//! `V_b = (1/N) Σ_n Q_{b,n}`. The entropy term adds `E` rows (`entropy_samples`) per state
//! with actions drawn uniformly on the box `[−1, 1]^d` and the weight `α ω_b`
//! (`entropy_alpha`). The actor then minimises the ω-weighted denoising loss over all rows
//! (`[RFM:Eq.qvpo-weighted-loss]`).

use ndarray::{ArrayView1, ArrayViewMut2};
use rand::Rng;

use crate::Scalar;

/// The largest |a| an entropy row's action takes before its latent `artanh(a)` is formed
/// (the margin of the buffer proposal, so latents stay within `±artanh(1 − 1e-4)` ≈ ±4.95).
pub const ACTION_MARGIN: f64 = 1.0 - 1e-4;

/// The Q-weight of a state from its `N` sampled actions' values `q`:
/// `ω = max(max_n q_n − mean_n q_n, 0)`, the advantage of the best sample over the samples'
/// mean, clipped at 0 (which never binds: the maximum is at least the mean).
///
/// # Panics
/// If `q` is empty.
#[track_caller]
pub fn q_weight<T: Scalar>(q: ArrayView1<T>) -> f64 {
    assert!(!q.is_empty(), "no sampled actions to weight");
    let values = q.iter().map(|v| Scalar::to_f64(*v));
    let best = values.clone().fold(f64::NEG_INFINITY, f64::max);
    let mean = values.sum::<f64>() / q.len() as f64;
    // [RFM:Eq.qvpo-weight-transform] ω(s) = max(Q(s, a*) − V(s), 0), V(s) = mean_n Q(s, a_n)
    (best - mean).max(0.0)
}

/// The entropy rows of one state with weight `state_weight`: fills each row of `latents`
/// with the latent `artanh(a)` of an action `a ~ U[−1, 1]^d` (clipped to `±ACTION_MARGIN`)
/// and returns the rows' common weight `alpha · state_weight`.
///
/// # Panics
/// If `alpha` is negative or not finite.
#[track_caller]
pub fn entropy_rows<T: Scalar, R: Rng + ?Sized>(
    alpha: f64,
    state_weight: f64,
    rng: &mut R,
    mut latents: ArrayViewMut2<T>,
) -> f64 {
    assert!(
        alpha.is_finite() && alpha >= 0.0,
        "entropy coefficient {alpha} must be finite and non-negative"
    );
    for u in latents.iter_mut() {
        let a: f64 = rng.random_range(-1.0..1.0);
        *u = T::from_f64(a.clamp(-ACTION_MARGIN, ACTION_MARGIN).atanh());
    }
    // [RFM:Eq.qvpo-entropy] uniform actions a ~ U[−1, 1]^d, each with weight α ω(s)
    alpha * state_weight
}
