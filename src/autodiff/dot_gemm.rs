//! GEMM as row·column dot products, for outputs with few columns.
//!
//! matrixmultiply packs all of `A` (an `m×k` copy) before its kernel runs. When the output has
//! few columns (`n ≤ DOT_GEMM_MAX_N`), that copy costs more than the arithmetic: the critic's
//! last layer (`8192×256 · 256×1`) and the input gradient of its first layer
//! (`8192×256 · (23×256)ᵀ`) do only `2kn` flops per packed row. Here each output entry is one
//! dot product of a contiguous row of `A` with a contiguous column of `B` (`Wᵀ` viewed by
//! strides *is* column-contiguous), rows split across rayon threads, `B` staying in L1/L2.
//! The kernel is f32 AVX2+FMA (runtime detection, as matrixmultiply does; AVX2 rather than
//! AVX-512 intrinsics keeps the crate's MSRV): four output columns per pass, so each 8-wide
//! load of `A` feeds four fused multiply-adds. A first version with portable code and 64 scalar
//! partial sums left the accumulators on the stack and ran at a quarter of matrixmultiply's
//! speed; f64 and CPUs without AVX2+FMA stay on matrixmultiply.

use std::any::TypeId;

use ndarray::{ArrayView2, ArrayViewMut2, Axis, Zip};

use crate::Scalar;

/// Largest output width routed here.
pub(crate) const DOT_GEMM_MAX_N: usize = 32;
/// Smallest `m·k` worth routing here (below, matrixmultiply's packing is cheap anyway).
const DOT_GEMM_MIN_MK: usize = 1 << 14;
/// Minimum inner dimension for this path (one AVX2 vector of f32).
const MIN_K: usize = 8;

/// Whether `C ← αAB + βC` should take the dot-product path: `f32`, an AVX2+FMA CPU, few output
/// columns, row-contiguous `A` and column-contiguous `B`.
pub(crate) fn applies<T: Scalar>(a: &ArrayView2<'_, T>, b: &ArrayView2<'_, T>) -> bool {
    let (m, k) = a.dim();
    let n = b.ncols();
    TypeId::of::<T>() == TypeId::of::<f32>()
        && has_avx2_fma()
        && n <= DOT_GEMM_MAX_N
        && m * k >= DOT_GEMM_MIN_MK
        && k >= MIN_K
        && a.strides()[1] == 1
        && b.strides()[0] == 1
}

fn has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Reinterprets a slice of `T` as `f32` (the caller checked `T == f32`).
fn as_f32<T: 'static>(s: &[T]) -> &[f32] {
    assert_eq!(TypeId::of::<T>(), TypeId::of::<f32>());
    // SAFETY: T is f32 (checked above), so the layout is identical.
    unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<f32>(), s.len()) }
}

/// `out[j] = Σ_p a[p] · cols[j][p]` for up to 4 columns at once: each 8-wide load of `a`
/// feeds 4 fused multiply-adds into independent accumulators.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dots4_avx2(a: &[f32], cols: [&[f32]; 4], width: usize, out: &mut [f32; 4]) {
    use std::arch::x86_64::*;
    let k = a.len();
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

/// `C ← αAB + βC` by dot products; the caller checked [`applies`] and the shapes.
pub(crate) fn dot_gemm<T: Scalar>(
    alpha: T,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    beta: T,
    mut c: ArrayViewMut2<'_, T>,
) {
    #[cfg(target_arch = "x86_64")]
    {
        let n = b.ncols();
        let empty: &[f32] = &[];
        let mut cols = [empty; DOT_GEMM_MAX_N];
        for (j, col) in cols.iter_mut().enumerate().take(n) {
            *col = as_f32(b.column(j).to_slice().expect("column-contiguous B"));
        }
        Zip::from(c.axis_iter_mut(Axis(0)))
            .and(a.axis_iter(Axis(0)))
            .par_for_each(|mut crow, arow| {
                let arow = as_f32(arow.to_slice().expect("row-contiguous A"));
                for j0 in (0..n).step_by(4) {
                    let width = (n - j0).min(4);
                    let block = [0, 1, 2, 3].map(|d| if d < width { cols[j0 + d] } else { empty });
                    let mut out = [0f32; 4];
                    // SAFETY: `applies` checked AVX2 and FMA at run time.
                    unsafe { dots4_avx2(arow, block, width, &mut out) };
                    for d in 0..width {
                        let v = alpha * T::from_f64(f64::from(out[d]));
                        let cj = &mut crow[j0 + d];
                        *cj = if beta == T::zero() { v } else { v + beta * *cj };
                    }
                }
            });
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (alpha, a, b, beta, &mut c);
        unreachable!("applies() is false off x86_64");
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;

    use crate::scalar::gemm;

    /// Naive triple loop in f64 (the reference).
    fn reference(a: &Array2<f64>, b: &Array2<f64>, beta: f64, c0: &Array2<f64>) -> Array2<f64> {
        let (m, k) = a.dim();
        let n = b.ncols();
        Array2::from_shape_fn((m, n), |(i, j)| {
            (0..k).map(|p| a[[i, p]] * b[[p, j]]).sum::<f64>() * 1.5 + beta * c0[[i, j]]
        })
    }

    #[test]
    fn dot_path_equals_the_naive_product_for_transposed_and_plain_b_and_both_betas() {
        let (m, k) = (300, 130); // k not a multiple of the 64 lanes: exercises the tail
        let a = Array2::from_shape_fn((m, k), |(i, p)| ((i * 31 + p * 7) % 13) as f64 / 13.0 - 0.5);
        for n in [1, 7, 32] {
            let w =
                Array2::from_shape_fn((n, k), |(j, p)| ((j * 5 + p * 3) % 11) as f64 / 11.0 - 0.4);
            let b_col = Array2::from_shape_fn((k, n), |(p, j)| w[[j, p]]);
            let c0 = Array2::from_shape_fn((m, n), |(i, j)| (i + j) as f64 / 100.0);
            for beta in [0.0, 1.0] {
                let want = reference(&a, &b_col, beta, &c0);
                // f64 goes to matrixmultiply; f32 with B = Wᵀ (a column-contiguous stride view)
                // takes the dot path on AVX2+FMA machines.
                assert!(!super::applies(&a.view(), &w.t()));
                let (a32, w32) = (a.mapv(|v| v as f32), w.mapv(|v| v as f32));
                assert_eq!(super::applies(&a32.view(), &w32.t()), super::has_avx2_fma());
                let mut c = c0.clone();
                gemm(1.5, a.view(), w.t(), beta, c.view_mut());
                let err = (&c - &want).iter().fold(0f64, |e, v| e.max(v.abs()));
                assert!(err < 1e-12, "n = {n}, beta = {beta}: {err}");
                // f32 on the same path, relative to the O(k) magnitude of the entries.
                let mut c32 = c0.mapv(|v| v as f32);
                gemm(
                    1.5f32,
                    a.mapv(|v| v as f32).view(),
                    w.mapv(|v| v as f32).t(),
                    beta as f32,
                    c32.view_mut(),
                );
                let err32 = (&c32.mapv(|v| v as f64) - &want)
                    .iter()
                    .fold(0f64, |e, v| e.max(v.abs()));
                assert!(err32 < 1e-4, "f32 n = {n}, beta = {beta}: {err32}");
            }
        }
    }
}
