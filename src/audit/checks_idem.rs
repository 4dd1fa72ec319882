//! η = 1 against iDEM / DQS (VE, exact) and the iDEM-style VP target, both computed by
//! autodiff of a log-sum-exp in [`prior::idem_dqs`](crate::estimators::prior::idem_dqs).

use ndarray::{Array2, s};

use super::case::{Case, max_abs_difference, roundoff_tolerance};
use super::checks_prior::boltzmann_estimator;
use super::report::CheckOutcome;
use crate::autodiff::Tape;
use crate::estimators::ControlVariate;
use crate::estimators::prior::idem_dqs::{idem_dqs_score, idem_vp_noise_target};
use crate::paths::conversions::noise_to_score;
use crate::paths::{PathKind, ProbabilityPath, VePath, VpPath};

/// η = 1 on VE gives exactly iDEM/DQS's `S_K` with `e_k = −ε'_k` (same points `x_t − σ_t ε'_k`).
pub fn check_eta_one_is_idem_ve(case: &Case) -> CheckOutcome {
    let path = PathKind::Ve(VePath::default());
    let c = path.coefficients(case.t);
    let mut rng = case.rng();
    let mut q = case.analytic_q(&mut rng);
    let x_t = case.x_t(&path, &mut rng);
    let noise = case.noise(&mut rng);
    let mut est = boltzmann_estimator(case, ControlVariate::GRADIENT_EXPECTATION);
    let mu_0 = est
        .estimate_with_noise(&path, &case.times(), x_t.view(), noise.view(), &mut q)
        .mu_0
        .to_owned();
    let mut score = Array2::zeros(mu_0.dim());
    noise_to_score(
        &vec![c; case.states],
        x_t.view(),
        mu_0.view(),
        score.view_mut(),
    );
    let k = case.samples_per_state;
    let mut tape = Tape::<f64>::new();
    let mut reference = Array2::zeros(score.dim());
    for b in 0..case.states {
        let e = noise.slice(s![b * k..(b + 1) * k, ..]).mapv(|v| -v);
        let s_k = idem_dqs_score(
            &mut tape,
            c.beta_t,
            case.temperature,
            x_t.row(b),
            e.view(),
            &q,
        );
        reference.row_mut(b).assign(&s_k);
    }
    let (diff, scale) = max_abs_difference(&score, &reference);
    CheckOutcome {
        claim: "RFM:Claim.eta-one-is-idem-ve",
        path: "ve".into(),
        max_abs_difference: diff,
        tolerance: roundoff_tolerance(scale),
    }
}

/// η = 1 on VP equals the iDEM-style noise target `−sqrt(1 − ᾱ) ∇_{x_t} log Σ exp(Q/λ)`.
pub fn check_eta_one_is_idem_vp(case: &Case) -> CheckOutcome {
    let path = PathKind::Vp(VpPath::cosine());
    let c = path.coefficients(case.t);
    let mut rng = case.rng();
    let mut q = case.analytic_q(&mut rng);
    let x_t = case.x_t(&path, &mut rng);
    let noise = case.noise(&mut rng);
    let mut est = boltzmann_estimator(case, ControlVariate::GRADIENT_EXPECTATION);
    let mu_0 = est
        .estimate_with_noise(&path, &case.times(), x_t.view(), noise.view(), &mut q)
        .mu_0
        .to_owned();
    let k = case.samples_per_state;
    let alpha_bar = c.alpha_t * c.alpha_t;
    let mut tape = Tape::<f64>::new();
    let mut reference = Array2::zeros(mu_0.dim());
    for b in 0..case.states {
        let eps = noise.slice(s![b * k..(b + 1) * k, ..]);
        let target =
            idem_vp_noise_target(&mut tape, alpha_bar, case.temperature, x_t.row(b), eps, &q);
        reference.row_mut(b).assign(&target);
    }
    let (diff, scale) = max_abs_difference(&mu_0, &reference);
    CheckOutcome {
        claim: "RFM:Claim.eta-one-is-idem-vp",
        path: "vp-cosine".into(),
        max_abs_difference: diff,
        tolerance: roundoff_tolerance(scale),
    }
}

/// Both iDEM checks.
pub fn idem_checks(case: &Case) -> Vec<CheckOutcome> {
    vec![
        check_eta_one_is_idem_ve(case),
        check_eta_one_is_idem_vp(case),
    ]
}
