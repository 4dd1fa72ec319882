//! Probability paths `x_t = α_t x_1 + β_t x_0` and conversions between prediction targets.
//!
//! Time runs from noise (`t = 0`, `x_0 ~ N(0, I)`) to data (`t = 1`, `x_1 ~ p_1`), as in the
//! paper. Every path is summarised at a time `t` by its [`PathCoefficients`]
//! `(α_t, β_t, α̇_t, β̇_t)`; everything downstream (reverse sampling, the estimators, the
//! regression targets) only reads those four numbers, so a new path is one new file here.
//!
//! - [`linear`]: the CondOT / rectified-flow path `α_t = t`, `β_t = 1 − t`.
//! - [`vp`]: variance preserving, `α_t = sqrt(ᾱ)`, `β_t = sqrt(1 − ᾱ)`, cosine or linear-β schedule.
//! - [`ve`]: variance exploding, `α_t = 1`, `β_t = σ_t` with a geometric σ schedule.
//! - [`conversions`]: velocity ↔ ε-prediction ↔ score ↔ data prediction, named `<from>_to_<to>`.

pub mod conversions;
pub mod linear;
pub mod ve;
pub mod vp;

use crate::Scalar;

pub use conversions::PredictionTarget;
pub use linear::LinearPath;
pub use ve::VePath;
pub use vp::{VpPath, VpSchedule};

/// The four numbers that describe an affine path at one time `t`.
///
/// `x_t = alpha_t · x_1 + beta_t · x_0`; the dots are time derivatives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathCoefficients {
    /// α_t, the weight of the data sample.
    pub alpha_t: f64,
    /// β_t, the weight of the noise sample.
    pub beta_t: f64,
    /// dα_t/dt.
    pub alpha_dot_t: f64,
    /// dβ_t/dt.
    pub beta_dot_t: f64,
}

impl PathCoefficients {
    /// One coordinate of the point of the path, `x_t = α_t x_1 + β_t x_0` (every caller that
    /// forms an `x_t` from a data and a noise sample goes through here).
    #[inline]
    pub fn interpolate<T: Scalar>(&self, x_1: T, x_0: T) -> T {
        // [RFM:Eq.path-interpolation]
        T::from_f64(self.alpha_t) * x_1 + T::from_f64(self.beta_t) * x_0
    }
}

/// An affine probability path between `N(0, I)` (t = 0) and the target (t = 1).
pub trait ProbabilityPath {
    /// α_t, β_t and their derivatives at time `t`.
    ///
    /// # Panics
    /// Implementations panic when `t` lies outside the open interval `(0, 1)`, where `α_t`
    /// or `β_t` vanishes and the posterior mean is not defined by reverse sampling.
    fn coefficients(&self, t: f64) -> PathCoefficients;
}

/// The three path families, as a closed set of choices (for configs and the CLI).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PathKind {
    /// Linear (CondOT) path.
    Linear(LinearPath),
    /// Variance-preserving diffusion path.
    Vp(VpPath),
    /// Variance-exploding diffusion path.
    Ve(VePath),
}

impl PathKind {
    /// Short name for reports (`"linear"`, `"vp-cosine"`, `"vp-linear-beta"`, `"ve"`).
    pub fn name(&self) -> &'static str {
        match self {
            PathKind::Linear(_) => "linear",
            PathKind::Vp(p) => match p.schedule {
                VpSchedule::Cosine { .. } => "vp-cosine",
                VpSchedule::LinearBeta { .. } => "vp-linear-beta",
            },
            PathKind::Ve(_) => "ve",
        }
    }
}

impl ProbabilityPath for PathKind {
    #[track_caller]
    fn coefficients(&self, t: f64) -> PathCoefficients {
        match self {
            PathKind::Linear(p) => p.coefficients(t),
            PathKind::Vp(p) => p.coefficients(t),
            PathKind::Ve(p) => p.coefficients(t),
        }
    }
}

/// Panics unless `0 < t < 1`.
#[track_caller]
pub(crate) fn assert_open_unit_interval(t: f64) {
    assert!(
        t > 0.0 && t < 1.0,
        "path time t = {t} must lie in the open interval (0, 1)"
    );
}
