//! The one scalar trait of the crate: `f32` for training speed, `f64` for audits.
//!
//! Every numerical module is generic over `T: Scalar` instead of repeating a forest of
//! bounds. Conversions from and to `f64` are explicit so that constants read naturally
//! (`T::from_f64(0.5)`) and tests can compare in double precision.

use ndarray::NdFloat;
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
}

impl Scalar for f32 {
    const NAME: &'static str = "f32";
    const EPS: Self = f32::EPSILON;
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl Scalar for f64 {
    const NAME: &'static str = "f64";
    const EPS: Self = f64::EPSILON;
    #[inline(always)]
    fn from_f64(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self
    }
}
