//! Probability paths: α_t, β_t, their derivatives (against central differences) and the
//! defining identities of each family.

#[path = "common/seeded.rs"]
mod seeded;

mod common;

use common::strategies::{any_path, interior_time};
use common::tolerance::{PATH_DERIVATIVE_RELATIVE, PATH_DERIVATIVE_STEP, PATH_ROUND_TRIP_RELATIVE};
use proptest::prelude::*;
use rfm::paths::{LinearPath, PathKind, ProbabilityPath, VePath, VpPath};

/// max relative error of (α̇, β̇) against central differences of (α, β).
fn derivative_error(path: &PathKind, t: f64) -> f64 {
    let h = PATH_DERIVATIVE_STEP;
    let (lo, mid, hi) = (
        path.coefficients(t - h),
        path.coefficients(t),
        path.coefficients(t + h),
    );
    let fd_alpha = (hi.alpha_t - lo.alpha_t) / (2.0 * h);
    let fd_beta = (hi.beta_t - lo.beta_t) / (2.0 * h);
    let ea = (fd_alpha - mid.alpha_dot_t).abs() / mid.alpha_dot_t.abs().max(1.0);
    let eb = (fd_beta - mid.beta_dot_t).abs() / mid.beta_dot_t.abs().max(1.0);
    ea.max(eb)
}

proptest! {

    #![proptest_config(seeded::cases(256))]
    #[test]
    fn rfm_eq_path_linear_derivatives_match_finite_differences(t in interior_time()) {
        let err = derivative_error(&PathKind::Linear(LinearPath), t);
        prop_assert!(err <= PATH_DERIVATIVE_RELATIVE, "t = {t}: {err}");
    }

    #[test]
    fn rfm_eq_path_vp_derivatives_match_finite_differences(t in interior_time()) {
        for path in [VpPath::cosine(), VpPath::linear_beta()] {
            let err = derivative_error(&PathKind::Vp(path), t);
            prop_assert!(err <= PATH_DERIVATIVE_RELATIVE, "{path:?} at t = {t}: {err}");
        }
    }

    #[test]
    fn rfm_eq_path_ve_derivatives_match_finite_differences(t in interior_time()) {
        let err = derivative_error(&PathKind::Ve(VePath::default()), t);
        prop_assert!(err <= PATH_DERIVATIVE_RELATIVE, "t = {t}: {err}");
    }

    #[test]
    fn rfm_eq_path_interpolation_is_the_affine_point_and_inverts_by_reverse_sampling(
        path in any_path(),
        t in interior_time(),
        x_1 in -3.0f64..3.0,
        x_0 in -3.0f64..3.0,
    ) {
        let c = path.coefficients(t);
        let x_t = c.interpolate(x_1, x_0);
        prop_assert_eq!(x_t, c.alpha_t * x_1 + c.beta_t * x_0);
        // In f32 it is the same two products and one sum, rounded once each.
        let x_t32 = c.interpolate(x_1 as f32, x_0 as f32);
        prop_assert_eq!(x_t32, c.alpha_t as f32 * x_1 as f32 + c.beta_t as f32 * x_0 as f32);
        // Reverse sampling undoes it: x_1 = (x_t − β_t x_0)/α_t, an affine round trip (rounding
        // only, relative to the largest term |x_0| β_t/α_t ≤ 3/α_t).
        let back = (x_t - c.beta_t * x_0) / c.alpha_t;
        let bound = PATH_ROUND_TRIP_RELATIVE * (1.0 + 3.0 / c.alpha_t);
        prop_assert!((back - x_1).abs() <= bound, "{back} vs {x_1}");
        // The end points: data at α = 1, β = 0 and noise at α = 0, β = 1.
        let data = rfm::paths::PathCoefficients { alpha_t: 1.0, beta_t: 0.0, alpha_dot_t: 0.0, beta_dot_t: 0.0 };
        prop_assert_eq!(data.interpolate(x_1, x_0), x_1);
    }

    #[test]
    fn rfm_eq_path_linear_is_condot(t in interior_time()) {
        let c = LinearPath.coefficients(t);
        prop_assert_eq!((c.alpha_t, c.beta_t, c.alpha_dot_t, c.beta_dot_t), (t, 1.0 - t, 1.0, -1.0));
    }

    #[test]
    fn rfm_eq_path_vp_preserves_variance(t in interior_time()) {
        for path in [VpPath::cosine(), VpPath::linear_beta()] {
            let c = path.coefficients(t);
            prop_assert!((c.alpha_t.powi(2) + c.beta_t.powi(2) - 1.0).abs() < 1e-14);
            // d/dt (α² + β²) = 0
            prop_assert!((c.alpha_t * c.alpha_dot_t + c.beta_t * c.beta_dot_t).abs() < 1e-12);
            // signal grows towards the data end
            prop_assert!(c.alpha_dot_t > 0.0 && c.beta_dot_t < 0.0);
        }
    }

    #[test]
    fn rfm_eq_path_ve_is_geometric(t in interior_time()) {
        let path = VePath::default();
        let c = path.coefficients(t);
        prop_assert_eq!(c.alpha_t, 1.0);
        prop_assert_eq!(c.alpha_dot_t, 0.0);
        let expected = path.sigma_min * (path.sigma_max / path.sigma_min).powf(1.0 - t);
        prop_assert!((c.beta_t - expected).abs() <= 1e-14 * expected);
    }
}

#[test]
fn rfm_eq_path_vp_end_points_follow_the_schedules() {
    // Cosine: ᾱ(τ = 0) = 1 exactly and ᾱ(τ = 1) = 0 (up to cos(π/2) rounding).
    let cos = VpPath::cosine();
    assert!((cos.alpha_bar(0.0).0 - 1.0).abs() < 1e-15);
    assert!(cos.alpha_bar(1.0).0.abs() < 1e-15);
    // Linear β: ᾱ(1) = exp(−(β_min + β_max)/2) = exp(−10.05).
    let lin = VpPath::linear_beta();
    assert!((lin.alpha_bar(1.0).0 - (-10.05f64).exp()).abs() < 1e-18);
}

#[test]
#[should_panic(expected = "open interval")]
fn rfm_eq_path_linear_rejects_t_at_the_boundary() {
    LinearPath.coefficients(1.0);
}
