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

/// `Σ x_i y_i` with eight independent accumulators (lets the compiler vectorise the loop).
#[inline]
fn dot<T: Scalar>(x: &[T], y: &[T]) -> T {
    let mut acc = [T::zero(); 8];
    let (xc, yc) = (x.chunks_exact(8), y.chunks_exact(8));
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (a, b) in xc.zip(yc) {
        for l in 0..8 {
            acc[l] = acc[l] + a[l] * b[l];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (a, b) in xr.iter().zip(yr) {
        s = s + *a * *b;
    }
    s
}

/// `y ← y + α x`.
#[inline]
fn axpy<T: Scalar>(alpha: T, x: &[T], y: &mut [T]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = *y + alpha * x;
    }
}

/// `c ← a·btᵀ` (`a: m×k`, `bt: n×k`, `c: m×n`), `n ≤ SMALL_N` by dot products.
pub(crate) fn matmul_nt_small_n<T: Scalar>(
    a: ArrayView2<'_, T>,
    bt: ArrayView2<'_, T>,
    mut c: ArrayViewMut2<'_, T>,
) {
    let contiguous = a.row_stride_ok() && bt.row_stride_ok() && c.ncols() <= SMALL_N;
    if !contiguous {
        gemm(T::one(), a, bt.t(), T::zero(), c);
        return;
    }
    let rows_fn = |mut cr: ndarray::ArrayViewMut1<'_, T>, ar: ndarray::ArrayView1<'_, T>| {
        let ar = ar.to_slice().expect("contiguous row");
        for (o, b) in cr.iter_mut().zip(bt.rows()) {
            *o = dot(ar, b.to_slice().expect("contiguous row"));
        }
    };
    if a.len() >= 4 * PAR_MIN_ELEMS {
        Zip::from(c.rows_mut()).and(a.rows()).par_for_each(rows_fn);
    } else {
        Zip::from(c.rows_mut()).and(a.rows()).for_each(rows_fn);
    }
}

/// `c ← (x·m) ⊙ d(stored)` row by row (`x: r×s`, `m: s×k`, `c` and `stored`: `r×k`); without
/// `stored`, just `c ← x·m`. For small `r` or small `s`.
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
            Zip::from(&mut c).and(st).for_each(|c, &s| *c = *c * d(s));
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
                *c = *c * d(s);
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
