//! Products with very few rows of `A`, as when an agent acts on one state: `C ← αAB + βC` for
//! `m ≤` [`FEW_ROWS`] by combinations of the rows of `B`. A packed GEMM (matrixmultiply) copies
//! all of `B` into panels on every call, which for one row costs more than the product: the
//! policy's one-state forward measured 37–39 µs through it against 9–10 µs by row combinations
//! (`policy_fwd/infer/1` of `cargo bench --bench mlp`, one quiet sitting: benches/README.md).
//!
//! Each row of `C` is `α (Σ_p a_ip b_p) + β c_i`: the sum accumulated by [`axpy`] in `p` order
//! from zero, then scaled and added to `β C`, the order of matrixmultiply's kernels (so on an
//! FMA CPU the results are matrixmultiply's bit for bit for `k ≤ 256`, tested). No term
//! is skipped when `a_ip = 0`, so a NaN or ∞ in `B` propagates as it does through any GEMM.

use ndarray::{ArrayView2, ArrayViewMut2};

use super::narrow::{RowContiguous, axpy};
use crate::Scalar;

/// Most rows of `A` that [`crate::linalg::gemm`] sends to [`few_rows_gemm`].
pub(crate) const FEW_ROWS: usize = 4;

/// Output columns accumulated at once (on the stack) per row of `C`.
const CHUNK: usize = 64;

/// Whether [`few_rows_gemm`] applies: at most [`FEW_ROWS`] rows of `A`, and contiguous rows of
/// `A`, `B` and `C`: the forward of a few states (`x W` with `W` stored `k × n` in standard
/// layout). A transposed `A` (the weight gradient `Xᵀ dY` of a narrow input, where `k` is the
/// batch) stays on the packed GEMM, which measured faster there (`policy_train_b256/tape`
/// 0.96 ms against 1.00 ms through this path).
pub(crate) fn applies<T: Scalar>(
    a: &ArrayView2<'_, T>,
    b: &ArrayView2<'_, T>,
    c: &ArrayViewMut2<'_, T>,
) -> bool {
    a.nrows() <= FEW_ROWS && a.row_stride_ok() && b.row_stride_ok() && c.row_stride_ok()
}

/// `C ← αAB + βC` row by row as combinations of the rows of `B`; with `β = 0` the previous
/// content of `C` is ignored (it may hold stale or NaN values).
///
/// # Panics
/// If [`applies`] is false for the operands (the caller checks it).
pub(crate) fn few_rows_gemm<T: Scalar>(
    alpha: T,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    beta: T,
    mut c: ArrayViewMut2<'_, T>,
) {
    for (ar, mut cr) in a.rows().into_iter().zip(c.rows_mut()) {
        let cr = cr
            .as_slice_mut()
            .expect("applies() checked row-contiguous C");
        for j0 in (0..cr.len()).step_by(CHUNK) {
            let width = (cr.len() - j0).min(CHUNK);
            let mut acc = [T::zero(); CHUNK];
            let acc = &mut acc[..width];
            for (&aip, bp) in ar.iter().zip(b.rows()) {
                let bp = bp.to_slice().expect("applies() checked row-contiguous B");
                axpy(aip, &bp[j0..j0 + width], acc);
            }
            for (c, &s) in cr[j0..j0 + width].iter_mut().zip(acc.iter()) {
                *c = if beta == T::zero() {
                    alpha * s
                } else {
                    alpha * s + beta * *c
                };
            }
        }
    }
}

#[cfg(test)]
#[path = "few_rows_tests.rs"]
mod tests;
