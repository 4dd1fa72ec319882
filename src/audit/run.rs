//! The full audit: every check at a chosen K and seed, and the variance tables.

use super::case::{Case, QFamily, reference_paths};
use super::checks_gaussian::{
    check_gaussian_closed_form, check_optimal_variance_dominates, check_plugin_recovers_exact,
    check_zero_variance_cv,
};
use super::checks_identities::{
    check_c_eta_mapping, check_eta_interpolation, check_posterior_mean_identity,
    check_velocity_consistency,
};
use super::checks_prior::{
    check_eta_zero_is_qne, check_eta_zero_is_sdac, check_qsm_error_shrinks,
    check_qsm_is_one_particle,
};
use super::checks_stein::check_stein_mean_zero;
use super::quadrature::{check_tanh_quadrature_reference, check_tanh_quadrature_snis};
use super::regression::check_rfm_cfm_same_optimum;
use super::report::{AuditReport, CheckOutcome};
use super::variance::variance_table;
use crate::estimators::{CoefficientStructure, Pooling};

/// Runs every check with K reverse samples (where a check uses K) and the given seed.
///
/// # Panics
/// When `samples_per_state < 2` (the plug-in and the K^{-1/2} check need two samples).
#[track_caller]
pub fn run_audit(samples_per_state: usize, seed: u64) -> AuditReport {
    assert!(samples_per_state >= 2, "the audit needs K ≥ 2");
    let k = samples_per_state;
    let multimodal = Case::reference(k, seed, QFamily::DoubleWell);
    let diagonal = Case::reference(k, seed, QFamily::DiagonalQuadratic);
    let full = Case::reference(k, seed, QFamily::FullQuadratic);
    let mut checks: Vec<CheckOutcome> = vec![
        check_eta_zero_is_qne(&multimodal),
        check_eta_zero_is_sdac(&multimodal),
    ];
    checks.extend(super::checks_idem::idem_checks(&multimodal));
    checks.push(check_qsm_is_one_particle(&multimodal));
    checks.push(check_qsm_error_shrinks(&diagonal));
    for path in reference_paths() {
        checks.push(check_eta_interpolation(&multimodal, &path, 0.37));
        checks.push(check_c_eta_mapping(&multimodal, &path, &[0.3, -0.5, 1.2]));
        checks.push(check_posterior_mean_identity(&multimodal, &path, 0.6));
        checks.push(check_velocity_consistency(&multimodal, &path, 0.6));
        let one_dim = Case {
            dim: 1,
            states: 4,
            ..diagonal.clone()
        };
        checks.push(check_stein_mean_zero(&one_dim, &path, 4000));
        let many = Case {
            states: 200,
            ..diagonal.clone()
        };
        checks.push(check_gaussian_closed_form(&many, &path));
        for small_k in 2..=5 {
            for case in [&diagonal, &full] {
                let small = Case {
                    samples_per_state: small_k,
                    ..case.clone()
                };
                let mut outcome = check_zero_variance_cv(&small, &path);
                outcome.path = format!("{} (K={small_k}, {:?})", outcome.path, case.family);
                checks.push(outcome);
            }
        }
        checks.push(check_plugin_recovers_exact(&diagonal, &path));
        checks.push(check_plugin_recovers_exact(&full, &path));
        for structure in [
            CoefficientStructure::Pooled(Pooling::Isotropic),
            CoefficientStructure::Pooled(Pooling::PerDimension),
            CoefficientStructure::FullMatrix,
        ] {
            checks.push(check_optimal_variance_dominates(
                &multimodal,
                &path,
                structure,
            ));
        }
    }
    checks.push(check_tanh_quadrature_reference());
    checks.extend(check_tanh_quadrature_snis(2000 * k, seed));
    // The RFM targets carry the O(1/K) SNIS bias; the regression uses 10·K samples per state
    // so that the bias stays below CFM's statistical resolution at the default K.
    let regression = Case {
        states: 4000,
        dim: 2,
        samples_per_state: 10 * k,
        ..full.clone()
    };
    checks.extend(check_rfm_cfm_same_optimum(&regression));
    AuditReport {
        samples_per_state: k,
        seed,
        checks,
        variance: variance_table(k, 400, seed),
    }
}
