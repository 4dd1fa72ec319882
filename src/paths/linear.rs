//! The linear (CondOT / rectified-flow) path.

use super::{PathCoefficients, ProbabilityPath, assert_open_unit_interval};

/// `α_t = t`, `β_t = 1 − t`, so `α̇_t = 1`, `β̇_t = −1`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LinearPath;

impl ProbabilityPath for LinearPath {
    /// # Panics
    /// When `t ∉ (0, 1)`.
    #[track_caller]
    fn coefficients(&self, t: f64) -> PathCoefficients {
        assert_open_unit_interval(t);
        // [RFM:Eq.path-linear]
        PathCoefficients {
            alpha_t: t,
            beta_t: 1.0 - t,
            alpha_dot_t: 1.0,
            beta_dot_t: -1.0,
        }
    }
}
