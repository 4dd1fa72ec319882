//! QNE / MaxEntDP: Q-weighted noise estimation on a VP path (Dong et al. 2025).
//!
//! In DDPM notation with `ᾱ` the cumulative signal level: draw `ε_k ~ N(0, I)`, form the
//! candidate clean actions `a_k = (x_t − sqrt(1 − ᾱ) ε_k)/sqrt(ᾱ)`, weight them by
//! `softmax_k(Q(a_k)/λ)` and average the noise: `ε̂(x_t) = Σ_k softmax_k ε_k`.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use crate::Scalar;
use crate::estimators::ActionValue;

/// QNE's ε-target for one noisy action `x_t` with the K noise draws `eps` (`K×d`).
///
/// # Panics
/// When `alpha_bar ∉ (0, 1)` or shapes disagree.
#[track_caller]
pub fn qne_noise_target<T: Scalar, A: ActionValue<T> + ?Sized>(
    alpha_bar: f64,
    temperature: f64,
    x_t: ArrayView1<T>,
    eps: ArrayView2<T>,
    q: &mut A,
) -> Array1<T> {
    assert!(
        alpha_bar > 0.0 && alpha_bar < 1.0,
        "ᾱ = {alpha_bar} must lie in (0, 1)"
    );
    assert_eq!(
        eps.ncols(),
        x_t.len(),
        "noise dimension differs from the action's"
    );
    let (k, d) = eps.dim();
    let sqrt_ab = alpha_bar.sqrt();
    let sqrt_1m = (1.0 - alpha_bar).sqrt();
    let mut actions = Array2::<T>::zeros((k, d));
    for i in 0..k {
        for j in 0..d {
            let a = (Scalar::to_f64(x_t[j]) - sqrt_1m * Scalar::to_f64(eps[[i, j]])) / sqrt_ab;
            actions[[i, j]] = T::from_f64(a);
        }
    }
    let mut q_values = Array1::<T>::zeros(k);
    let mut grad = Array2::<T>::zeros((k, d));
    q.evaluate(actions.view(), k, q_values.view_mut(), grad.view_mut());
    // [RFM:Claim.eta-zero-is-qne] softmax of Q/λ over the K candidates
    let logits: Vec<f64> = q_values
        .iter()
        .map(|v| Scalar::to_f64(*v) / temperature)
        .collect();
    let top = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let unnormalised: Vec<f64> = logits.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = unnormalised.iter().sum();
    let mut target = Array1::<T>::zeros(d);
    for (i, u) in unnormalised.iter().enumerate() {
        for j in 0..d {
            target[j] += T::from_f64(u / total * Scalar::to_f64(eps[[i, j]]));
        }
    }
    target
}
