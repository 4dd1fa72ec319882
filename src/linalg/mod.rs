//! Dense linear algebra shared by the autodiff tape and the networks' backends: the
//! dispatching [`gemm`] and the kernels it and the fused backend (`nn::stack_fused`) use.
//!
//! - [`gemm`]: `C ← αAB + βC` for views of any strides; products with a few rows of `A` go to
//!   the row combinations of [`few_rows`], f32 products with a narrow output to
//!   the dot-product kernels of [`narrow`], large f32 `C ← AB` on an AVX-512 CPU to [`packed`],
//!   everything else to `matrixmultiply` ([`crate::Scalar::gemm_raw`]).
//! - [`narrow`]: the one dot/axpy kernel family for products with a small dimension.
//! - [`packed`]: f32 GEMM against weights packed once, fused epilogue (bias, ReLU); its
//!   microkernels (`packed_tiles`) and their register tile and ISA ([`isa`]: AVX-512F,
//!   AVX2+FMA, portable).

mod few_rows;
pub mod isa;
pub mod narrow;
pub mod packed;
mod packed_tiles;

use ndarray::{ArrayView2, ArrayViewMut2};

use crate::Scalar;

/// `C ← α A B + β C` for 2-D views of any strides (transposes are `.t()` views, never copies).
///
/// With `β = 0` the previous content of `C` is ignored (it may hold stale or NaN values).
/// Products with at most [`few_rows::FEW_ROWS`] rows of `A` (one state's forward) are row
/// combinations of `B` ([`few_rows`]), with no packing copy. Outputs with at most 32 columns, row-contiguous `A` and column-contiguous `B` take a
/// dot-product path that avoids matrixmultiply's packing copy of `A` (see
/// [`narrow::narrow_gemm`]); everything else goes to `sgemm`/`dgemm`.
///
/// # Panics
/// If the shapes are not `m×k`, `k×n`, `m×n`; the message names all three.
#[track_caller]
pub fn gemm<T: Scalar>(
    alpha: T,
    a: ArrayView2<'_, T>,
    b: ArrayView2<'_, T>,
    beta: T,
    mut c: ArrayViewMut2<'_, T>,
) {
    let (m, k) = a.dim();
    let (k2, n) = b.dim();
    assert!(
        k == k2 && c.dim() == (m, n),
        "gemm: shapes {:?} · {:?} -> {:?} do not chain (need m×k · k×n -> m×n)",
        a.dim(),
        b.dim(),
        c.dim()
    );
    if m == 0 || n == 0 {
        return;
    }
    if few_rows::applies(&a, &b, &c) {
        few_rows::few_rows_gemm(alpha, a, b, beta, c);
        return;
    }
    if narrow::applies(&a, &b) {
        let empty: &[T] = &[];
        let mut cols = [empty; narrow::NARROW_MAX_N];
        for (j, col) in cols.iter_mut().enumerate().take(n) {
            *col = b
                .column(j)
                .to_slice()
                .expect("applies() checked column-contiguous B");
        }
        narrow::narrow_gemm(alpha, a, &cols[..n], beta, c, true);
        return;
    }
    if packed_route(alpha, &a, &b, beta, &c) {
        let (Some(a32), Some(b32), Some(c32)) = (T::as_f32(a), T::as_f32(b), T::as_f32_mut(c))
        else {
            unreachable!("packed_route admits only f32")
        };
        PACKED_B.with_borrow_mut(|w| {
            w.repack(b32);
            packed::packed_gemm(a32, w, packed::Epilogue::None, c32, isa::Isa::Avx512);
        });
        return;
    }
    let (sa, sb, sc) = (a.strides(), b.strides(), c.strides());
    let (rsa, csa, rsb, csb, rsc, csc) = (sa[0], sa[1], sb[0], sb[1], sc[0], sc[1]);
    // SAFETY: the views guarantee that pointer + strides address m×k, k×n and m×n elements;
    // `c` is a unique mutable view, so it aliases neither `a` nor `b`, and ndarray forbids
    // aliasing strides in mutable views.
    unsafe {
        T::gemm_raw(
            m,
            k,
            n,
            alpha,
            a.as_ptr(),
            rsa,
            csa,
            b.as_ptr(),
            rsb,
            csb,
            beta,
            c.as_mut_ptr(),
            rsc,
            csc,
        )
    }
}

thread_local! {
    /// The `B` operand of [`gemm`]'s packed route, packed per call (a `256 × 256` weight is
    /// 64k copies, ~0.5 % of the product at 8192 rows; matrixmultiply also copies the `A` side).
    static PACKED_B: std::cell::RefCell<packed::PackedWeights> = Default::default();
}

/// Whether [`gemm`] runs `C ← AB` on the packed AVX-512 kernel: f32, `α = 1`, `β = 0`, an
/// AVX-512F CPU, a large product (`m ≥ 1024`, `k, n ≥ 64`: there it measured 8–12 % less CPU
/// time than matrixmultiply on one thread, see benches/README.md) and contiguous rows of `A`
/// and `C`. Everything else keeps matrixmultiply.
fn packed_route<T: Scalar>(
    alpha: T,
    a: &ArrayView2<'_, T>,
    b: &ArrayView2<'_, T>,
    beta: T,
    c: &ArrayViewMut2<'_, T>,
) -> bool {
    let (m, k) = a.dim();
    std::any::TypeId::of::<T>() == std::any::TypeId::of::<f32>()
        && alpha == T::one()
        && beta == T::zero()
        && m >= 1024
        && k >= 64
        && b.ncols() >= 64
        && a.strides()[1] == 1
        && c.strides()[1] == 1
        && [a.strides(), b.strides(), c.strides()]
            .iter()
            .all(|s| s.iter().all(|&v| v >= 0))
        && isa::Isa::detect() == Some(isa::Isa::Avx512)
}
