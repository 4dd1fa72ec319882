//! Matrix products with one small dimension, where a packed GEMM wastes its time packing:
//! `matrixmultiply` copies the whole `8192 × 256` operand into panels even when the other
//! operand has one column, which made the critic's output layer (`n = 1`) and the action-column
//! input gradient (`n = 6`) cost as much as a quarter of a `256 × 256` layer. Measured with
//! `examples`-style probes: 3.2 ms → ~0.4 ms each at 8192 rows on one core.
//!
//! - [`matmul_nt_small_n`]: `C = A·Bᵀ` for few rows of `B` (`n ≤` [`SMALL_N`]): per row of `A`,
//!   `n` dot products over contiguous memory.
//! - [`matmul_rowcomb`]: `C = X·M` as row combinations `C[r,:] = Σᵢ X[r,i]·M[i,:]`, for few rows
//!   of `X` (acting, `m ≤` [`SMALL_M`]) or few rows of `M` (the backward through a narrow output
//!   layer), optionally chained with an activation derivative in the same pass.
//!
//! Both fall back to the packed GEMM when an operand is not contiguous, and run over rows in
//! parallel (rayon) for large batches.

use super::linear::PAR_MIN_ELEMS;
use super::scratch::Scratch;
use crate::Scalar;
use crate::scalar::gemm;
use ndarray::{ArrayView2, ArrayViewMut2, Axis, Zip};

/// Largest `n` for [`matmul_nt_small_n`] (the action dimension of every task is ≤ 6).
pub(crate) const SMALL_N: usize = 8;
/// Largest `m` for [`matmul_rowcomb`] as a replacement of a GEMM with few rows (acting).
pub(crate) const SMALL_M: usize = 4;

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

/// Whether the CPU has AVX2 and FMA (the crate is built for baseline x86-64, so the kernels
/// select the wider instructions at run time; `std` caches the detection).
#[inline]
fn has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `out[o] = ⟨a, bt[o]⟩` for every `o` (AVX2 + FMA when available).
#[inline]
fn dots<T: Scalar>(a: &[T], bt: &[&[T]], out: &mut [T]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU supports the enabled features (checked above).
        return unsafe { dots_avx2(a, bt, out) };
    }
    dots_impl::<T, false>(a, bt, out)
}

/// `y ← y + α x` (AVX2 + FMA when available).
#[inline]
fn axpy<T: Scalar>(alpha: T, x: &[T], y: &mut [T]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU supports the enabled features (checked above).
        return unsafe { axpy_avx2(alpha, x, y) };
    }
    axpy_impl::<T, false>(alpha, x, y)
}

/// `c ← a·btᵀ` (`a: m×k`, `bt: n×k`, `c: m×n`), `n ≤ SMALL_N` by dot products.
pub(crate) fn matmul_nt_small_n<T: Scalar>(
    a: ArrayView2<'_, T>,
    bt: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
) {
    let contiguous = a.row_stride_ok() && bt.row_stride_ok() && bt.nrows() <= SMALL_N;
    if !contiguous {
        gemm(T::one(), a, bt.t(), T::zero(), c);
        return;
    }
    let n = bt.nrows();
    let mut b_rows: [&[T]; SMALL_N] = [&[]; SMALL_N];
    for (dst, row) in b_rows.iter_mut().zip(bt.rows()) {
        *dst = row.to_slice().expect("contiguous row");
    }
    let b_rows = &b_rows[..n];
    let rows_fn = |mut cr: ndarray::ArrayViewMut1<'_, T>, ar: ndarray::ArrayView1<'_, T>| {
        let ar = ar.to_slice().expect("contiguous row");
        match cr.as_slice_mut() {
            Some(out) => dots(ar, b_rows, out),
            None => {
                let mut tmp = [T::zero(); SMALL_N];
                dots(ar, b_rows, &mut tmp[..n]);
                cr.iter_mut().zip(tmp).for_each(|(c, t)| *c = t);
            }
        }
    };
    if a.len() >= 4 * PAR_MIN_ELEMS {
        Zip::from(c.rows_mut()).and(a.rows()).par_for_each(rows_fn);
    } else {
        Zip::from(c.rows_mut()).and(a.rows()).for_each(rows_fn);
    }
}

/// `c ← (x·m) ⊙ d(stored)` row by row (`x: r×s`, `m: s×k`, `c` and `stored`: `r×k`); without
/// `stored`, just `c ← x·m`. For small `r` or small `s`. Rows of `m` whose coefficient in `x` is
/// exactly zero are skipped (half of a ReLU layer's outputs), so `0·∞` counts as 0 here where a
/// GEMM would give NaN.
pub(crate) fn matmul_rowcomb<T: Scalar, D: Fn(T) -> T + Sync + Copy>(
    x: ArrayView2<'_, T>,
    m: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
    stored: Option<ArrayView2<'_, T>>,
    d: D,
) {
    let contiguous = m.row_stride_ok() && c.row_stride_ok();
    if !contiguous {
        gemm(T::one(), x, m, T::zero(), c.view_mut());
        if let Some(st) = stored {
            Zip::from(&mut c).and(st).for_each(|c, &s| *c *= d(s));
        }
        return;
    }
    let row_fn = |r: usize, mut cr: ndarray::ArrayViewMut1<'_, T>| {
        let cs = cr.as_slice_mut().expect("contiguous row");
        cs.iter_mut().for_each(|v| *v = T::zero());
        for (&alpha, mrow) in x.row(r).iter().zip(m.rows()) {
            if alpha != T::zero() {
                axpy(alpha, mrow.to_slice().expect("contiguous row"), cs);
            }
        }
        if let Some(st) = stored {
            for (c, &s) in cs.iter_mut().zip(st.row(r).iter()) {
                *c *= d(s);
            }
        }
    };
    if c.len() >= PAR_MIN_ELEMS {
        Zip::indexed(c.axis_iter_mut(Axis(0))).par_for_each(row_fn);
    } else {
        c.axis_iter_mut(Axis(0))
            .enumerate()
            .for_each(|(r, cr)| row_fn(r, cr));
    }
}

/// Whether every row is a contiguous slice.
trait RowContiguous {
    fn row_stride_ok(&self) -> bool;
}

impl<S: ndarray::Data> RowContiguous for ndarray::ArrayBase<S, ndarray::Ix2> {
    fn row_stride_ok(&self) -> bool {
        self.ncols() <= 1 || self.strides()[1] == 1
    }
}

/// `out ← x·w` choosing the kernel by shape: row combinations for few rows of `x`, dot products
/// against `wᵀ` (copied into `wt`) for few columns of `w`, the packed GEMM otherwise.
pub(crate) fn dense_matmul<T: Scalar>(
    x: ArrayView2<'_, T>,
    w: ArrayView2<'_, T>,
    mut out: ArrayViewMut2<'_, T>,
    wt: &mut Scratch<T>,
) {
    if x.nrows() <= SMALL_M {
        matmul_rowcomb(x, w, out, None, |v: T| v);
    } else if w.ncols() <= SMALL_N {
        let mut wtv = wt.view_mut(w.ncols(), w.nrows());
        wtv.assign(&w.t());
        matmul_nt_small_n(x, wtv.view(), out);
    } else {
        gemm(T::one(), x, w, T::zero(), out.view_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn filled(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
        // A deterministic, irregular fill (no RNG needed for a kernel-equivalence check).
        Array2::from_shape_fn((rows, cols), |(i, j)| {
            (((i * 131 + j * 71 + seed as usize * 17) % 97) as f64 - 48.0) / 13.0
        })
    }

    #[test]
    fn dots_with_and_without_fma_equal_naive_dot_products() {
        for k in [1, 7, 8, 9, 23, 256, 259] {
            let a = filled(1, k, 1);
            let bt = filled(SMALL_N, k, 2);
            let rows: Vec<&[f64]> = bt
                .rows()
                .into_iter()
                .map(|r| r.to_slice().unwrap())
                .collect();
            let (mut plain, mut fused) = ([0.0; SMALL_N], [0.0; SMALL_N]);
            dots_impl::<f64, false>(a.as_slice().unwrap(), &rows, &mut plain);
            dots_impl::<f64, true>(a.as_slice().unwrap(), &rows, &mut fused);
            for o in 0..SMALL_N {
                let naive: f64 = a.row(0).iter().zip(bt.row(o)).map(|(x, y)| x * y).sum();
                let scale = a
                    .row(0)
                    .iter()
                    .zip(bt.row(o))
                    .map(|(x, y)| (x * y).abs())
                    .sum::<f64>();
                assert!(
                    (plain[o] - naive).abs() <= 1e-14 * scale.max(1.0),
                    "k {k} o {o}"
                );
                assert!(
                    (fused[o] - naive).abs() <= 1e-14 * scale.max(1.0),
                    "k {k} o {o}"
                );
            }
        }
    }

    #[test]
    fn axpy_with_and_without_fma_agree() {
        let x = filled(1, 37, 5);
        let y0 = filled(1, 37, 6);
        let (mut plain, mut fused) = (y0.clone(), y0.clone());
        axpy_impl::<f64, false>(0.75, x.as_slice().unwrap(), plain.as_slice_mut().unwrap());
        axpy_impl::<f64, true>(0.75, x.as_slice().unwrap(), fused.as_slice_mut().unwrap());
        let want = &y0 + &(0.75 * &x);
        for ((p, f), w) in plain.iter().zip(fused.iter()).zip(want.iter()) {
            assert!(
                (p - w).abs() <= 1e-14 * w.abs().max(1.0)
                    && (f - w).abs() <= 1e-14 * w.abs().max(1.0)
            );
        }
    }

    #[test]
    fn small_kernels_equal_the_packed_gemm() {
        for (m, k, n) in [(1, 256, 256), (3, 24, 9), (300, 256, 6), (50, 5, 1)] {
            let x = filled(m, k, 3);
            let w = filled(k, n, 4);
            let mut want = Array2::zeros((m, n));
            gemm(1.0, x.view(), w.view(), 0.0, want.view_mut());
            let scale = want.iter().fold(1.0f64, |s, v| s.max(v.abs()));
            let mut got = Array2::zeros((m, n));
            let mut wt = Scratch::default();
            dense_matmul(x.view(), w.view(), got.view_mut(), &mut wt);
            let err = (&got - &want).iter().fold(0.0f64, |e, v| e.max(v.abs()));
            assert!(err <= 1e-12 * scale, "{m}×{k}×{n}: {err:e}");
            let mut rc = Array2::zeros((m, n));
            matmul_rowcomb(x.view(), w.view(), rc.view_mut(), None, |v: f64| v);
            let err = (&rc - &want).iter().fold(0.0f64, |e, v| e.max(v.abs()));
            assert!(err <= 1e-12 * scale, "rowcomb {m}×{k}×{n}: {err:e}");
        }
    }
}
