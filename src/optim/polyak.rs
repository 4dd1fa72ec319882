//! Polyak (exponential moving) averaging of target-network parameters, as
//! `optax.incremental_update(online, target, step_size=tau)` in the authors' code
//! (`tau = 0.005` for the critics): `θ̄ ← τ·θ + (1 − τ)·θ̄`.

use crate::Scalar;
use crate::nn::Params;
use ndarray::Zip;

/// `target ← tau·online + (1 − tau)·target`, elementwise over every array.
///
/// # Panics
/// If `tau` is outside `[0, 1]` or the two stores differ in layout.
#[track_caller]
pub fn polyak_update<T: Scalar>(target: &mut Params<T>, online: &Params<T>, tau: f64) {
    assert!(
        (0.0..=1.0).contains(&tau),
        "Polyak tau must be in [0, 1], got {tau}"
    );
    target.assert_same_layout(online);
    let (tau, keep) = (T::from_f64(tau), T::from_f64(1.0 - tau));
    for (t, o) in target.values_mut().iter_mut().zip(online.values()) {
        Zip::from(t)
            .and(o)
            .for_each(|t, &o| *t = tau * o + keep * *t);
    }
}
