//! The one scalar trait of the crate: `f32` for training speed, `f64` for audits.
//!
//! Every numerical module is generic over `T: Scalar` instead of repeating a forest of
//! bounds. Conversions from and to `f64` are explicit so that constants read naturally
//! (`T::from_f64(0.5)`) and tests can compare in double precision.

use ndarray::{ArrayView, ArrayViewMut, Dimension, NdFloat};
use num_traits::FloatConst;

/// A floating-point element type: `f32` or `f64`.
pub trait Scalar:
    NdFloat + FloatConst + Default + rand_distr::uniform::SampleUniform + Send + Sync + 'static
{
    /// Short type name for reports and checkpoint metadata (`"f32"`, `"f64"`).
    const NAME: &'static str;
    /// Machine epsilon of the type.
    const EPS: Self;
    /// Converts from `f64`, rounding to nearest.
    fn from_f64(x: f64) -> Self;
    /// Converts to `f64` exactly.
    fn to_f64(self) -> f64;
    /// The same view typed as `f32` when `Self` is `f32`, else `None`: how the f32-only fast
    /// paths (packed GEMM, fused sampling) reach generic data without pointer casts.
    fn as_f32<'a, D: Dimension>(v: ArrayView<'a, Self, D>) -> Option<ArrayView<'a, f32, D>>;
    /// Mutable [`Scalar::as_f32`].
    fn as_f32_mut<'a, D: Dimension>(
        v: ArrayViewMut<'a, Self, D>,
    ) -> Option<ArrayViewMut<'a, f32, D>>;

    /// Raw general matrix multiply `C ← α A B + β C` through `matrixmultiply`
    /// (`sgemm` for `f32`, `dgemm` for `f64`; both cores with its `threading` feature).
    ///
    /// `A` is `m×k`, `B` is `k×n`, `C` is `m×n`; `rs*`/`cs*` are row and column strides in
    /// elements, so a transpose is a stride swap, never a copy. If `β = 0`, `C` is overwritten
    /// and need not be initialised. Prefer the safe, shape-checked [`crate::linalg::gemm`].
    ///
    /// # Safety
    /// The pointers must address matrices of the stated shapes and strides; `C` must not alias
    /// `A` or `B` and its strides must not make two elements alias.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm_raw(
        m: usize,
        k: usize,
        n: usize,
        alpha: Self,
        a: *const Self,
        rsa: isize,
        csa: isize,
        b: *const Self,
        rsb: isize,
        csb: isize,
        beta: Self,
        c: *mut Self,
        rsc: isize,
        csc: isize,
    );
}

/// The two implementations differ only in the type, the matrixmultiply routine and whether
/// the f32 views exist.
macro_rules! impl_scalar {
    ($t:ty, $gemm:path, |$v:ident| $as_f32:expr) => {
        impl Scalar for $t {
            const NAME: &'static str = stringify!($t);
            const EPS: Self = <$t>::EPSILON;
            #[inline(always)]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn as_f32<'a, D: Dimension>(
                $v: ArrayView<'a, Self, D>,
            ) -> Option<ArrayView<'a, f32, D>> {
                $as_f32
            }
            #[inline(always)]
            fn as_f32_mut<'a, D: Dimension>(
                $v: ArrayViewMut<'a, Self, D>,
            ) -> Option<ArrayViewMut<'a, f32, D>> {
                $as_f32
            }
            #[inline(always)]
            unsafe fn gemm_raw(
                m: usize,
                k: usize,
                n: usize,
                alpha: Self,
                a: *const Self,
                rsa: isize,
                csa: isize,
                b: *const Self,
                rsb: isize,
                csb: isize,
                beta: Self,
                c: *mut Self,
                rsc: isize,
                csc: isize,
            ) {
                // SAFETY: forwarded contract of `Scalar::gemm_raw`.
                unsafe { $gemm(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc) }
            }
        }
    };
}

impl_scalar!(f32, matrixmultiply::sgemm, |v| Some(v));
impl_scalar!(f64, matrixmultiply::dgemm, |v| {
    drop(v);
    None
});
