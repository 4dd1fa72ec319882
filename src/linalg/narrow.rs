//! The one kernel family for matrix products with a narrow side, where a packed GEMM wastes its
//! time packing: `matrixmultiply` copies the whole `m×k` operand into panels even when the output
//! has one column, which made the critic's output layer (`n = 1`), the action-column input
//! gradient (`n = 6`) and the first layer's input gradient (`n = 23`) cost as much as a quarter
//! of a `256 × 256` layer. Measured at 8192 rows on one core: 3.2 ms → ~0.4 ms each.
//!
//! - [`dots`]: `out[o] = ⟨a, bt[o]⟩` for up to [`SMALL_N`] columns in one pass over `a` (each
//!   8-wide chunk of `a` feeds one fused multiply-add per column into independent accumulators).
//! - [`axpy`]: `y ← y + αx`.
//! - [`narrow_gemm`]: `C ← αA·B + βC` by dot products for `B` given as contiguous columns (up to
//!   [`NARROW_MAX_N`]); [`applies`] says when [`crate::linalg::gemm`] routes an f32 product here.
//! - [`rows_dot_rows`]: the narrow output products of the fused row-blocked networks.
//!
//! The kernels are portable Rust compiled twice: once plain, once inside a
//! `#[target_feature(enable = "avx2,fma")]` function selected at run time (the crate is built for
//! baseline x86-64; `std` caches the detection), so one source serves every CPU. Products fall
//! back to the packed GEMM when an operand is not contiguous, and run over rows in parallel
//! (rayon) for large batches.

use std::any::TypeId;

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, Zip};

use crate::Scalar;

/// Most columns one [`dots`] call handles (the action dimension of every task is ≤ 6).
pub(crate) const SMALL_N: usize = 8;
/// Largest output width [`crate::linalg::gemm`] routes to [`narrow_gemm`].
pub(crate) const NARROW_MAX_N: usize = 32;
/// Smallest `m·k` worth routing there (below, matrixmultiply's packing is cheap anyway).
const NARROW_MIN_MK: usize = 1 << 14;
/// Minimum inner dimension for that route (one AVX2 vector of f32).
const NARROW_MIN_K: usize = 8;

/// Lanes per accumulator of the dot products (one AVX register of f32).
const LANES: usize = 8;

/// `out[o] = Σ_j a[j]·bt[o][j]` for every `o < bt.len() ≤ SMALL_N`, in one pass over `a`: each
/// chunk of `a` is loaded once and multiplied into one accumulator per output (for the critic's
/// `∇ₐQ`, six at once). With `FMA` each step is one fused multiply-add.
#[inline(always)]
fn dots_impl<T: Scalar, const FMA: bool>(a: &[T], bt: &[&[T]], out: &mut [T]) {
    let n = bt.len();
    let mut acc = [[T::zero(); LANES]; SMALL_N];
    let chunks = a.len() / LANES;
    for c in 0..chunks {
        let av = &a[c * LANES..c * LANES + LANES];
        for (acc, b) in acc.iter_mut().zip(bt) {
            let bv = &b[c * LANES..c * LANES + LANES];
            for l in 0..LANES {
                acc[l] = if FMA {
                    av[l].mul_add(bv[l], acc[l])
                } else {
                    acc[l] + av[l] * bv[l]
                };
            }
        }
    }
    for o in 0..n {
        let a8 = &acc[o];
        let mut s = ((a8[0] + a8[4]) + (a8[1] + a8[5])) + ((a8[2] + a8[6]) + (a8[3] + a8[7]));
        for j in chunks * LANES..a.len() {
            s += a[j] * bt[o][j];
        }
        out[o] = s;
    }
}

/// `y ← y + α x`; with `FMA` each step is one fused multiply-add.
#[inline(always)]
fn axpy_impl<T: Scalar, const FMA: bool>(alpha: T, x: &[T], y: &mut [T]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = if FMA {
            alpha.mul_add(x, *y)
        } else {
            *y + alpha * x
        };
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn dots_avx2<T: Scalar>(a: &[T], bt: &[&[T]], out: &mut [T]) {
    dots_impl::<T, true>(a, bt, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn axpy_avx2<T: Scalar>(alpha: T, x: &[T], y: &mut [T]) {
    axpy_impl::<T, true>(alpha, x, y)
}

/// Whether the CPU has AVX2 and FMA (`std` caches the detection).
#[inline]
pub(crate) fn has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `out[o] = Σ_p a[p] · cols[o][p]` for up to 4 f32 columns with explicit AVX2 intrinsics:
/// each 8-wide load of `a` feeds 4 fused multiply-adds into register accumulators. (For f32 the
/// compiler's version of [`dots_impl`] keeps its 64 partial sums on the stack and measured
/// slower on the 23-column input gradient; f64 has half the lanes and stays generic.)
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dots4_f32_avx2(a: &[f32], cols: &[&[f32]], out: &mut [f32]) {
    use std::arch::x86_64::*;
    let (k, width) = (a.len(), cols.len());
    let body = k / 8 * 8;
    let mut acc = [_mm256_setzero_ps(); 4];
    let mut p = 0;
    while p < body {
        // SAFETY: p + 8 ≤ k and every column has length k.
        unsafe {
            let x = _mm256_loadu_ps(a.as_ptr().add(p));
            for j in 0..4 {
                if j < width {
                    let y = _mm256_loadu_ps(cols[j].as_ptr().add(p));
                    acc[j] = _mm256_fmadd_ps(x, y, acc[j]);
                }
            }
        }
        p += 8;
    }
    for j in 0..width {
        let v = acc[j];
        let s4 = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
        let s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
        let mut s = _mm_cvtss_f32(_mm_add_ss(s2, _mm_shuffle_ps::<1>(s2, s2)));
        for q in body..k {
            s += a[q] * cols[j][q];
        }
        out[j] = s;
    }
}

/// `out[o] = ⟨a, bt[o]⟩` for every `o < bt.len() ≤ SMALL_N` (AVX2 + FMA when available: f32 in
/// groups of 4 columns by [`dots4_f32_avx2`], f64 by [`dots_impl`]).
#[inline]
pub(crate) fn dots<T: Scalar>(a: &[T], bt: &[&[T]], out: &mut [T]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        if TypeId::of::<T>() == TypeId::of::<f32>() {
            let (a, out) = (as_f32(a), as_f32_mut(out));
            for (cols, out) in bt.chunks(4).zip(out.chunks_mut(4)) {
                let mut c4: [&[f32]; 4] = [&[]; 4];
                for (d, c) in c4.iter_mut().zip(cols) {
                    *d = as_f32(c);
                }
                // SAFETY: the CPU supports the enabled features (checked above).
                unsafe { dots4_f32_avx2(a, &c4[..cols.len()], out) };
            }
            return;
        }
        // SAFETY: the CPU supports the enabled features (checked above).
        return unsafe { dots_avx2(a, bt, out) };
    }
    dots_impl::<T, false>(a, bt, out)
}

/// Reinterprets a slice of `T` as `f32` (the caller checked `T == f32`).
#[cfg(target_arch = "x86_64")]
fn as_f32<T: 'static>(s: &[T]) -> &[f32] {
    assert_eq!(TypeId::of::<T>(), TypeId::of::<f32>());
    // SAFETY: T is f32 (checked above), so the layout is identical.
    unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<f32>(), s.len()) }
}

/// Mutable [`as_f32`].
#[cfg(target_arch = "x86_64")]
fn as_f32_mut<T: 'static>(s: &mut [T]) -> &mut [f32] {
    assert_eq!(TypeId::of::<T>(), TypeId::of::<f32>());
    // SAFETY: T is f32 (checked above), so the layout is identical; the borrow is unique.
    unsafe { std::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<f32>(), s.len()) }
}

/// `y ← y + α x` (AVX2 + FMA when available).
#[inline]
pub(crate) fn axpy<T: Scalar>(alpha: T, x: &[T], y: &mut [T]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU supports the enabled features (checked above).
        return unsafe { axpy_avx2(alpha, x, y) };
    }
    axpy_impl::<T, false>(alpha, x, y)
}

/// Whether [`crate::linalg::gemm`] should compute `C ← αAB + βC` by [`narrow_gemm`]: `f32` (f64
/// stays on matrixmultiply), an AVX2+FMA CPU, few output columns, enough rows to pay, a
/// row-contiguous `A` and a column-contiguous `B` (`Wᵀ` viewed by strides is).
pub(crate) fn applies<T: Scalar>(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>) -> bool {
    let (m, k) = a.dim();
    let n = b.ncols();
    TypeId::of::<T>() == TypeId::of::<f32>()
        && has_avx2_fma()
        && n <= NARROW_MAX_N
        && m * k >= NARROW_MIN_MK
        && k >= NARROW_MIN_K
        && a.row_stride_ok()
        && b.strides()[0] == 1
}

/// `C ← αA·B + βC` by dot products, `B` given by its columns `b_cols` (each of length `k`, at
/// most [`NARROW_MAX_N`]); `A` must have contiguous rows. Rows run in parallel when `parallel`.
/// With `β = 0` the previous content of `C` is ignored.
pub(crate) fn narrow_gemm<T: Scalar>(
    alpha: T,
    a: ArrayView2<'_, T>,
    b_cols: &[&[T]],
    beta: T,
    mut c: ArrayViewMut2<'_, T>,
    parallel: bool,
) {
    let n = b_cols.len();
    let row_fn = |mut cr: ArrayViewMut1<'_, T>, ar: ArrayView1<'_, T>| {
        let ar = ar.to_slice().expect("contiguous row");
        for j0 in (0..n).step_by(SMALL_N) {
            let width = (n - j0).min(SMALL_N);
            let mut out = [T::zero(); SMALL_N];
            dots(ar, &b_cols[j0..j0 + width], &mut out[..width]);
            for (cj, &v) in cr.iter_mut().skip(j0).zip(&out[..width]) {
                let v = alpha * v;
                *cj = if beta == T::zero() { v } else { v + beta * *cj };
            }
        }
    };
    if parallel {
        Zip::from(c.rows_mut()).and(a.rows()).par_for_each(row_fn);
    } else {
        Zip::from(c.rows_mut()).and(a.rows()).for_each(row_fn);
    }
}

/// Whether every row is a contiguous slice.
pub(crate) trait RowContiguous {
    fn row_stride_ok(&self) -> bool;
}

impl<S: ndarray::RawData> RowContiguous for ndarray::ArrayBase<S, ndarray::Ix2> {
    fn row_stride_ok(&self) -> bool {
        self.ncols() <= 1 || self.strides()[1] == 1
    }
}

#[cfg(test)]
#[path = "narrow_tests.rs"]
mod tests;

/// `out[r, j] = ⟨a_r, w_j⟩ (+ bias_j)` for each `k`-long row `a_r` of `a` and each row `w_j` of
/// `w` (`n × k`, rows contiguous), by [`dots`] in groups of [`SMALL_N`] rows of `w`: the narrow
/// output products (action gradient, velocity output) of the fused row-blocked networks.
///
/// # Panics
/// If `w` does not have contiguous rows of length `k`.
pub(crate) fn rows_dot_rows(
    a: &[f32],
    k: usize,
    w: ArrayView2<'_, f32>,
    bias: Option<&[f32]>,
    mut out: ArrayViewMut2<'_, f32>,
) {
    let w_rows: Vec<&[f32]> = w
        .rows()
        .into_iter()
        .map(|r| r.to_slice().expect("contiguous rows of w"))
        .collect();
    let mut y = [0f32; SMALL_N];
    for (ar, mut or) in a.chunks_exact(k).zip(out.rows_mut()) {
        for (j0, cols) in (0..w_rows.len())
            .step_by(SMALL_N)
            .zip(w_rows.chunks(SMALL_N))
        {
            dots(ar, cols, &mut y[..cols.len()]);
            for (q, &v) in y[..cols.len()].iter().enumerate() {
                or[j0 + q] = v + bias.map_or(0.0, |b| b[j0 + q]);
            }
        }
    }
}
