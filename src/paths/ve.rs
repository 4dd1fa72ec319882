//! The variance-exploding (VE) diffusion path, `α_t = 1`, `β_t = σ_t`.
//!
//! Geometric schedule in diffusion time `τ = 1 − t`: `σ(τ) = σ_min (σ_max/σ_min)^τ`, so
//! `σ_t` falls from `σ_max` at `t = 0` to `σ_min` at `t = 1`, and
//! `β̇_t = −σ_t ln(σ_max/σ_min)`. The path does not reach pure noise at `t = 0`
//! (it is `x_1 + σ_max x_0`); that is the usual VE convention.

use super::{PathCoefficients, ProbabilityPath, assert_open_unit_interval};

/// VE path with a geometric σ schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VePath {
    /// σ at `t = 1` (data end).
    pub sigma_min: f64,
    /// σ at `t = 0` (noise end).
    pub sigma_max: f64,
}

impl Default for VePath {
    /// σ_min = 0.01, σ_max = 2 (actions live in [−1, 1], so σ = 2 already hides them).
    fn default() -> Self {
        Self {
            sigma_min: 0.01,
            sigma_max: 2.0,
        }
    }
}

impl ProbabilityPath for VePath {
    /// # Panics
    /// When `t ∉ (0, 1)`.
    #[track_caller]
    fn coefficients(&self, t: f64) -> PathCoefficients {
        assert_open_unit_interval(t);
        let log_ratio = (self.sigma_max / self.sigma_min).ln();
        // [RFM:Eq.path-ve]
        let sigma_t = self.sigma_min * ((1.0 - t) * log_ratio).exp();
        PathCoefficients {
            alpha_t: 1.0,
            beta_t: sigma_t,
            alpha_dot_t: 0.0,
            beta_dot_t: -sigma_t * log_ratio,
        }
    }
}
