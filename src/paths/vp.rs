//! The variance-preserving (VP) diffusion path, `α_t = sqrt(ᾱ)`, `β_t = sqrt(1 − ᾱ)`.
//!
//! DDPM-style code indexes ᾱ by a diffusion time `τ` that runs from data (`τ = 0`) to noise
//! (`τ = 1`). This file is the one place where that convention is converted: `τ = 1 − t`.
//! With `ᾱ'(τ) = dᾱ/dτ` the derivatives in the paper's time are
//! `α̇_t = −ᾱ'(τ) / (2 α_t)` and `β̇_t = ᾱ'(τ) / (2 β_t)`.

use super::{PathCoefficients, ProbabilityPath, assert_open_unit_interval};

/// The ᾱ schedule of a VP path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum VpSchedule {
    /// Nichol & Dhariwal (2021): `ᾱ(τ) = f(τ)/f(0)`, `f(τ) = cos²(π/2 · (τ + s)/(1 + s))`.
    Cosine {
        /// Offset `s` (reference 0.008).
        offset: f64,
    },
    /// Continuous-time DDPM (Song et al. 2021): `β(τ) = β_min + τ (β_max − β_min)`,
    /// `ᾱ(τ) = exp(−β_min τ − ½ (β_max − β_min) τ²)`.
    LinearBeta {
        /// β_min (reference 0.1).
        beta_min: f64,
        /// β_max (reference 20).
        beta_max: f64,
    },
}

/// A VP path with a given ᾱ schedule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VpPath {
    /// The ᾱ schedule.
    pub schedule: VpSchedule,
}

impl VpPath {
    /// Cosine schedule with the reference offset 0.008.
    pub fn cosine() -> Self {
        Self {
            schedule: VpSchedule::Cosine { offset: 0.008 },
        }
    }

    /// Linear-β schedule with the reference β_min = 0.1, β_max = 20.
    pub fn linear_beta() -> Self {
        Self {
            schedule: VpSchedule::LinearBeta {
                beta_min: 0.1,
                beta_max: 20.0,
            },
        }
    }

    /// `(ᾱ(τ), dᾱ/dτ)` in DDPM diffusion time `τ = 1 − t`.
    pub fn alpha_bar(&self, tau: f64) -> (f64, f64) {
        match self.schedule {
            VpSchedule::Cosine { offset } => {
                let scale = std::f64::consts::FRAC_PI_2 / (1.0 + offset);
                let f0 = (offset * scale).cos().powi(2);
                let angle = (tau + offset) * scale;
                let value = angle.cos().powi(2) / f0;
                // d/dτ cos²(θ) = −2 cos θ sin θ · dθ/dτ = −sin(2θ) · scale
                let derivative = -(2.0 * angle).sin() * scale / f0;
                (value, derivative)
            }
            VpSchedule::LinearBeta { beta_min, beta_max } => {
                let integral = beta_min * tau + 0.5 * (beta_max - beta_min) * tau * tau;
                let value = (-integral).exp();
                let beta_tau = beta_min + tau * (beta_max - beta_min);
                (value, -beta_tau * value)
            }
        }
    }
}

impl ProbabilityPath for VpPath {
    /// # Panics
    /// When `t ∉ (0, 1)`.
    #[track_caller]
    fn coefficients(&self, t: f64) -> PathCoefficients {
        assert_open_unit_interval(t);
        let (alpha_bar, d_alpha_bar_d_tau) = self.alpha_bar(1.0 - t);
        // [RFM:Eq.path-vp]
        let alpha_t = alpha_bar.sqrt();
        let beta_t = (1.0 - alpha_bar).sqrt();
        PathCoefficients {
            alpha_t,
            beta_t,
            alpha_dot_t: -d_alpha_bar_d_tau / (2.0 * alpha_t),
            beta_dot_t: d_alpha_bar_d_tau / (2.0 * beta_t),
        }
    }
}
