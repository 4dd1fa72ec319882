//! Exact identities of the family on the same samples: the scalar-η interpolation, the
//! c ↔ η mapping, `x_t = α_t μ̂_1 + β_t μ̂_0` and the two routes to the velocity.

use ndarray::Array2;

use super::case::{Case, max_abs_difference, roundoff_tolerance};
use super::checks_prior::boltzmann_estimator;
use super::report::CheckOutcome;
use crate::estimators::ControlVariate;
use crate::estimators::control_variate::{data_to_noise_coefficient, noise_to_data_coefficient};
use crate::paths::conversions::{data_to_velocity, noise_to_velocity};
use crate::paths::{PathKind, ProbabilityPath};

/// Runs one member on the case's samples and returns `(x_t, μ̂_0, μ̂_1, NE, GE)`.
fn run(case: &Case, path: &PathKind, control_variate: ControlVariate) -> [Array2<f64>; 5] {
    let mut rng = case.rng();
    let mut q = case.analytic_q(&mut rng);
    let x_t = case.x_t(path, &mut rng);
    let noise = case.noise(&mut rng);
    let mut est = boltzmann_estimator(case, control_variate);
    let e = est.estimate_with_noise(path, &case.times(), x_t.view(), noise.view(), &mut q);
    let (mu_0, mu_1) = (e.mu_0.to_owned(), e.mu_1.to_owned());
    let (ne, ge) = est.classic_estimates();
    [x_t, mu_0, mu_1, ne.to_owned(), ge.to_owned()]
}

/// `μ̂_0(η) = (1 − η) μ̂_0^{NE} + η μ̂_0^{GE}` on the same samples and weights. The left side
/// goes through the per-sample Stein scores, the right through the two classic estimators.
pub fn check_eta_interpolation(case: &Case, path: &PathKind, eta: f64) -> CheckOutcome {
    let [_, mu_0, _, ne, ge] = run(case, path, ControlVariate::Eta(eta));
    // [RFM:Claim.eta-interpolation]
    let reference = &ne * (1.0 - eta) + &(&ge * eta);
    let (diff, scale) = max_abs_difference(&mu_0, &reference);
    CheckOutcome {
        claim: "RFM:Claim.eta-interpolation",
        path: path.name().into(),
        max_abs_difference: diff,
        tolerance: roundoff_tolerance(scale * (1.0 + eta.abs())),
    }
}

/// The data-space estimator with `c` equals the noise-space one with `η = c α_t²/β_t²`.
pub fn check_c_eta_mapping(case: &Case, path: &PathKind, c: &[f64]) -> CheckOutcome {
    let coeffs = path.coefficients(case.t);
    let eta: Vec<f64> = c
        .iter()
        .map(|&cj| data_to_noise_coefficient(cj, coeffs.alpha_t, coeffs.beta_t))
        .collect();
    let [_, mu_0_data, mu_1_data, ..] = run(case, path, ControlVariate::DataSpace(c.to_vec()));
    // [RFM:Claim.c-eta-mapping]
    let [_, mu_0_noise, mu_1_noise, ..] = run(case, path, ControlVariate::PerDimension(eta));
    let (d0, s0) = max_abs_difference(&mu_0_data, &mu_0_noise);
    let (d1, s1) = max_abs_difference(&mu_1_data, &mu_1_noise);
    let ratio = (coeffs.alpha_t / coeffs.beta_t).max(coeffs.beta_t / coeffs.alpha_t);
    CheckOutcome {
        claim: "RFM:Claim.c-eta-mapping",
        path: path.name().into(),
        max_abs_difference: d0.max(d1),
        tolerance: roundoff_tolerance(s0.max(s1) * ratio),
    }
}

/// `x_t = α_t μ̂_1 + β_t μ̂_0` with `μ̂_1` summed in data space (coefficient `c`) and `μ̂_0`
/// summed in noise space (`η = c α_t²/β_t²`): two different sums that must agree.
pub fn check_posterior_mean_identity(case: &Case, path: &PathKind, eta: f64) -> CheckOutcome {
    let coeffs = path.coefficients(case.t);
    let c = noise_to_data_coefficient(eta, coeffs.alpha_t, coeffs.beta_t);
    let [x_t, mu_0, ..] = run(case, path, ControlVariate::Eta(eta));
    let [_, _, mu_1, ..] = run(case, path, ControlVariate::DataSpace(vec![c; case.dim]));
    // [RFM:Claim.posterior-mean-identity]
    let rebuilt = &mu_1 * coeffs.alpha_t + &(&mu_0 * coeffs.beta_t);
    let (diff, scale) = max_abs_difference(&x_t, &rebuilt);
    let magnitude = scale.max(mu_1.iter().fold(0.0f64, |m, v| m.max(v.abs())) * coeffs.alpha_t);
    CheckOutcome {
        claim: "RFM:Claim.posterior-mean-identity",
        path: path.name().into(),
        max_abs_difference: diff,
        tolerance: roundoff_tolerance(magnitude * (1.0 + eta.abs())),
    }
}

/// The velocity from `μ̂_1` (data-space sum) equals the velocity from `μ̂_0` (noise-space
/// sum); on the linear path both also equal `(μ̂_1 − x_t)/(1 − t)` and `(x_t − μ̂_0)/t`.
pub fn check_velocity_consistency(case: &Case, path: &PathKind, eta: f64) -> CheckOutcome {
    let coeffs = path.coefficients(case.t);
    let c = noise_to_data_coefficient(eta, coeffs.alpha_t, coeffs.beta_t);
    let [x_t, mu_0, ..] = run(case, path, ControlVariate::Eta(eta));
    let [_, _, mu_1, ..] = run(case, path, ControlVariate::DataSpace(vec![c; case.dim]));
    let per_state = vec![coeffs; case.states];
    let mut v_from_noise = Array2::zeros(x_t.dim());
    let mut v_from_data = Array2::zeros(x_t.dim());
    noise_to_velocity(&per_state, x_t.view(), mu_0.view(), v_from_noise.view_mut());
    data_to_velocity(&per_state, x_t.view(), mu_1.view(), v_from_data.view_mut());
    // [RFM:Claim.velocity-consistency]
    let (mut diff, scale) = max_abs_difference(&v_from_noise, &v_from_data);
    if matches!(path, PathKind::Linear(_)) {
        let t = case.t;
        let v_a = (&mu_1 - &x_t) / (1.0 - t);
        let v_b = (&x_t - &mu_0) / t;
        diff = diff
            .max(max_abs_difference(&v_a, &v_from_noise).0)
            .max(max_abs_difference(&v_b, &v_from_data).0);
    }
    let stiffness = 1.0 / (coeffs.alpha_t * coeffs.beta_t);
    CheckOutcome {
        claim: "RFM:Claim.velocity-consistency",
        path: path.name().into(),
        max_abs_difference: diff,
        tolerance: roundoff_tolerance(scale * stiffness * (1.0 + eta.abs())),
    }
}
