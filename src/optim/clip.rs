//! Clipping by the global gradient norm, as `optax.clip_by_global_norm(max_norm)` (the authors
//! clip both critic and actor at 10): with `‖g‖ = √(Σ_i Σ_j g_ij²)` over every array,
//! `g ← g` if `‖g‖ < max_norm`, else `g ← g · max_norm/‖g‖`, so the clipped norm is exactly
//! `max_norm` up to rounding. (PyTorch's `clip_grad_norm_` divides by `‖g‖ + 1e-6` instead; the
//! difference is below f32 resolution at the norms that matter.)

use crate::Scalar;
use crate::nn::Params;

/// `√(Σ g²)` over all arrays of `grads`, accumulated in f64.
pub fn global_grad_norm<T: Scalar>(grads: &Params<T>) -> f64 {
    grads
        .values()
        .iter()
        .flat_map(|g| g.iter())
        .map(|&x| {
            let x = Scalar::to_f64(x);
            x * x
        })
        .sum::<f64>()
        .sqrt()
}

/// Scales `grads` so that their global norm is at most `max_norm`; returns the norm before
/// clipping (log it: a norm far above the cap signals a diverging critic). A non-finite norm is
/// returned as is and the gradients are then scaled to NaN, as optax does; check the return
/// value if that matters.
///
/// # Panics
/// If `max_norm` is not positive and finite.
#[track_caller]
pub fn clip_grad_norm<T: Scalar>(grads: &mut Params<T>, max_norm: f64) -> f64 {
    assert!(
        max_norm > 0.0 && max_norm.is_finite(),
        "max_norm must be positive and finite, got {max_norm}"
    );
    let norm = global_grad_norm(grads);
    if norm >= max_norm || norm.is_nan() {
        let scale = T::from_f64(max_norm / norm);
        for g in grads.values_mut() {
            g.mapv_inplace(|x| x * scale);
        }
    }
    norm
}
