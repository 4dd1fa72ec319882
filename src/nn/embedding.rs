//! Sinusoidal embedding of a scalar input (flow time `t`, temperature `λ`).
//!
//! Not a paper equation: the convention of the authors' code for the velocity net's inputs
//! `sinusoidal(t, 128)` and `sinusoidal(λ, 128)`. For an even width `dim = 2·half`,
//!
//! `emb(x) = [sin(x·f_0), …, sin(x·f_{half−1}), cos(x·f_0), …, cos(x·f_{half−1})]`,
//! `f_k = exp(−k·ln(1000)/(half − 1))`,
//!
//! so the frequencies run geometrically from 1 down to 1/1000. The embedding is computed outside
//! the tape: the networks never need a derivative with respect to `t` or `λ`.

use crate::Scalar;

/// The embedding in one line (for checkpoint descriptions); the implementation is
/// [`sinusoidal_frequencies`] and [`sinusoidal_embedding_into`].
pub const SINUSOIDAL_FORMULA: &str = "emb(x) = [sin(x*f_0..f_{half-1}), cos(x*f_0..f_{half-1})], \
     half = width/2, f_k = exp(-k*ln(1000)/(half-1)), x unscaled, evaluated in f64";
use ndarray::{Array2, ArrayView2, ArrayViewMut2};

/// The `half` frequencies `f_k = exp(−k·ln(1000)/(half − 1))`, `k = 0..half` (in f64).
///
/// # Panics
/// If `dim` is odd or smaller than 4 (`half − 1` must be positive).
#[track_caller]
pub fn sinusoidal_frequencies(dim: usize) -> Vec<f64> {
    assert!(
        dim >= 4 && dim % 2 == 0,
        "sinusoidal embedding width must be even and at least 4, got {dim}"
    );
    let half = dim / 2;
    let step = 1000f64.ln() / (half - 1) as f64;
    (0..half).map(|k| (-(k as f64) * step).exp()).collect()
}

/// `x` is `B × 1`; returns the `B × dim` embedding (see the module docs).
///
/// # Panics
/// If `x` does not have exactly one column, or `dim` is odd or below 4.
#[track_caller]
pub fn sinusoidal_embedding<T: Scalar>(x: ArrayView2<T>, dim: usize) -> Array2<T> {
    let mut out = Array2::zeros((x.nrows(), dim));
    sinusoidal_embedding_into(x, out.view_mut());
    out
}

/// Writes the embedding of `x` (`B × 1`) into `out` (`B × dim`), without allocating the output.
/// The products `x·f_k` and the sines and cosines are evaluated in f64 and rounded once to `T`.
///
/// # Panics
/// If `x` does not have exactly one column, `out` has a different number of rows, or
/// `out.ncols()` is odd or below 4.
#[track_caller]
pub fn sinusoidal_embedding_into<T: Scalar>(x: ArrayView2<T>, mut out: ArrayViewMut2<T>) {
    assert_eq!(
        x.ncols(),
        1,
        "sinusoidal embedding takes a B × 1 column, got {:?}",
        x.dim()
    );
    assert_eq!(
        x.nrows(),
        out.nrows(),
        "embedding output has {} rows for {} inputs",
        out.nrows(),
        x.nrows()
    );
    let freqs = sinusoidal_frequencies(out.ncols());
    let half = freqs.len();
    for (xi, mut row) in x.column(0).iter().zip(out.rows_mut()) {
        let xi = Scalar::to_f64(*xi);
        for (k, f) in freqs.iter().enumerate() {
            let (s, c) = (xi * f).sin_cos();
            row[k] = T::from_f64(s);
            row[half + k] = T::from_f64(c);
        }
    }
}
