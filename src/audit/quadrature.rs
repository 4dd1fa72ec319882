//! The 1-D tanh-latent check: posterior mean by our own quadrature, against the published
//! numbers and against SNIS.
//!
//! `Q(a) = −(a − 0.6)²`, λ = 0.1, linear path at t = 0.3, `u_t = 0.4`. The posterior of the
//! latent is `p(u | u_t) ∝ exp(Q(tanh u)/λ) sech²(u) N(u; u_t/t, ((1 − t)/t)²)`.

use ndarray::{Array1, Array2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::report::CheckOutcome;
use super::targets::AnalyticQ;
use crate::autodiff::ops::log_sech2::log_sech2_of;
use crate::estimators::{
    ControlVariate, EstimatorSetup, LogTarget, PluginCoefficient, RfmEstimator, TargetForm,
};
use crate::paths::{LinearPath, ProbabilityPath};

/// The fixed problem of paper-notes/math-outline.md §8.
pub const TANH_T: f64 = 0.3;
/// `u_t`.
pub const TANH_U_T: f64 = 0.4;
/// λ.
pub const TANH_TEMPERATURE: f64 = 0.1;
/// Reference `E[u_1 | u_t]` (5 decimals, paper-notes/math-outline.md §8).
pub const TANH_PUBLISHED_MU_1: f64 = 0.75716;
/// Reference velocity (5 decimals, paper-notes/math-outline.md §8).
pub const TANH_PUBLISHED_VELOCITY: f64 = 0.51023;

/// `Q(a) = −(a − 0.6)²` as an analytic Q (`H = 2`).
pub fn tanh_problem_q() -> AnalyticQ {
    AnalyticQ::diagonal_quadratic(&[0.6], &[2.0])
}

/// `(E[u_1 | u_t], v)` by the composite trapezoid rule with `intervals` intervals on
/// `[−40, 40]` (the integrand is below e⁻⁷⁰ outside: sech² alone is ≤ 4e⁻⁸⁰ there).
/// The integrand is smooth and decays at both ends, where the trapezoid rule converges
/// faster than any power of the step.
pub fn tanh_posterior_by_quadrature(intervals: usize) -> (f64, f64) {
    let (lo, hi) = (-40.0, 40.0);
    let h = (hi - lo) / intervals as f64;
    let centre = TANH_U_T / TANH_T;
    let sd = (1.0 - TANH_T) / TANH_T;
    let log_f = |u: f64| {
        let a = u.tanh();
        -(a - 0.6f64).powi(2) / TANH_TEMPERATURE + log_sech2_of(u)
            - 0.5 * ((u - centre) / sd).powi(2)
    };
    let shift = log_f(0.69);
    let (mut z, mut m1) = (0.0, 0.0);
    for i in 0..=intervals {
        let u = lo + h * i as f64;
        let weight = if i == 0 || i == intervals { 0.5 } else { 1.0 };
        let f = (log_f(u) - shift).exp() * weight;
        z += f;
        m1 += f * u;
    }
    // [RFM:Claim.tanh-quadrature]
    let mu_1 = m1 / z;
    let mu_0 = (TANH_U_T - TANH_T * mu_1) / (1.0 - TANH_T);
    (mu_1, mu_1 - mu_0)
}

/// Our quadrature against the published 5-decimal values; tolerance: half a unit in the
/// 5th decimal plus the quadrature's own error (the change from n to 2n intervals).
pub fn check_tanh_quadrature_reference() -> CheckOutcome {
    let (mu_1, v) = tanh_posterior_by_quadrature(400_000);
    let (mu_1_fine, v_fine) = tanh_posterior_by_quadrature(800_000);
    let quad_err = (mu_1 - mu_1_fine).abs().max((v - v_fine).abs());
    CheckOutcome {
        claim: "RFM:Claim.tanh-quadrature",
        path: "linear (quadrature)".into(),
        max_abs_difference: (mu_1 - TANH_PUBLISHED_MU_1)
            .abs()
            .max((v - TANH_PUBLISHED_VELOCITY).abs()),
        tolerance: 5e-6 + quad_err,
    }
}

/// SNIS with K samples (η = 0, plug-in with reference options, η = 1) against the quadrature.
/// Tolerance per member: 4.5 estimated standard deviations of `μ̂_1` (the estimator's own
/// variance diagnostic mapped to data space by `(β_t/α_t)²`; 4.5σ over 3 comparisons has
/// false-alarm probability ≈ 2·10⁻⁵) plus 10/K for the O(1/K) SNIS bias.
pub fn check_tanh_quadrature_snis(samples_per_state: usize, seed: u64) -> Vec<CheckOutcome> {
    let (mu_1_exact, _) = tanh_posterior_by_quadrature(400_000);
    let c = LinearPath.coefficients(TANH_T);
    let x_t = Array2::from_elem((1, 1), TANH_U_T);
    let members = [
        ("eta=0", ControlVariate::NOISE_EXPECTATION),
        (
            "plug-in",
            ControlVariate::Plugin(PluginCoefficient::default()),
        ),
        ("eta=1", ControlVariate::GRADIENT_EXPECTATION),
    ];
    let mut q = tanh_problem_q();
    let mut out = Vec::new();
    for (name, cv) in members {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut est = RfmEstimator::<f64>::new(EstimatorSetup {
            samples_per_state,
            target: LogTarget {
                form: TargetForm::TanhLatent,
                temperature: TANH_TEMPERATURE,
            },
            control_variate: cv,
        });
        let e = est.estimate(&LinearPath, &[TANH_T], x_t.view(), &mut q, &mut rng);
        let sd = (e.diagnostics.variance_chosen[0]).sqrt() * c.beta_t / c.alpha_t;
        out.push(CheckOutcome {
            claim: "RFM:Claim.tanh-quadrature",
            path: format!("linear ({name})"),
            max_abs_difference: (e.mu_1[[0, 0]] - mu_1_exact).abs(),
            tolerance: 4.5 * sd + 10.0 / samples_per_state as f64,
        });
    }
    out
}

/// Convenience for reports: the quadrature values as an array `[μ_1, v]`.
pub fn tanh_reference_values() -> Array1<f64> {
    let (m, v) = tanh_posterior_by_quadrature(400_000);
    Array1::from(vec![m, v])
}
