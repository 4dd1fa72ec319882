//! Standard normal draws into preallocated arrays, from the run's explicit RNG.

use ndarray::ArrayViewMut2;
use rand::Rng;
use rand_distr::StandardNormal;

use crate::Scalar;

/// Fills `out` with independent `N(0, 1)` draws (row-major order, so runs are reproducible).
pub fn fill_standard_normal<T: Scalar, R: Rng + ?Sized>(rng: &mut R, mut out: ArrayViewMut2<T>) {
    for x in out.iter_mut() {
        let z: f64 = rng.sample(StandardNormal);
        *x = T::from_f64(z);
    }
}
