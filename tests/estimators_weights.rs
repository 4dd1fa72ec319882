//! Building blocks: SNIS weights (stable for Q/λ up to 1e4), reverse sampling, the tanh-latent
//! log-target and its gradient, Stein scores, and the workspace's steady state.

#[path = "common/seeded.rs"]
mod seeded;

mod common;

use common::tolerance::{ESTIMATOR_ROUNDOFF_RELATIVE, LOG_TARGET_GRADIENT_ABSOLUTE};
use ndarray::{Array1, Array2};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::audit::targets::AnalyticQ;
use rfm::estimators::reverse_sampling::reverse_samples;
use rfm::estimators::stein::noise_posterior_scores;
use rfm::estimators::weights::snis_weights;
use rfm::estimators::{
    ControlVariate, EstimatorSetup, LogTarget, PluginCoefficient, RfmEstimator, TargetForm,
};
use rfm::paths::{LinearPath, ProbabilityPath};

proptest! {

    #![proptest_config(seeded::cases(256))]
    #[test]
    fn rfm_eq_snis_weights_are_a_stable_softmax(
        logits in prop::collection::vec(-1.0e4f64..1.0e4, 1..64),
        shift in -1.0e4f64..1.0e4,
    ) {
        let k = logits.len();
        let log_p = Array1::from(logits.clone());
        let mut w = Array1::zeros(k);
        let mut ess = Array1::zeros(1);
        snis_weights(log_p.view(), k, w.view_mut(), ess.view_mut());
        prop_assert!(w.iter().all(|v| v.is_finite() && *v >= 0.0));
        prop_assert!((w.sum() - 1.0).abs() < 1e-12);
        prop_assert!(ess[0] >= 1.0 - 1e-12 && ess[0] <= k as f64 * (1.0 + 1e-12));
        // Invariance to a constant shift (the normaliser cancels).
        let shifted = log_p.mapv(|l| l + shift);
        let mut w2 = Array1::zeros(k);
        snis_weights(shifted.view(), k, w2.view_mut(), ess.view_mut());
        let diff = (&w - &w2).iter().fold(0.0f64, |m, v| m.max(v.abs()));
        // Shifting by up to 1e4 perturbs each logit by ≤ 1e4·ε ≈ 2e-12 absolute.
        prop_assert!(diff < 1e-10, "{diff}");
        // The largest logit gets the largest weight.
        let arg = logits.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
        prop_assert!(w.iter().all(|&v| v <= w[arg]));
    }

    #[test]
    fn rfm_eq_reverse_sampling_maps_back_to_x_t(
        t in 0.05f64..0.95, x in -3.0f64..3.0, eps in prop::collection::vec(-4.0f64..4.0, 6),
    ) {
        let c = LinearPath.coefficients(t);
        let x_t = Array2::from_elem((1, 2), x);
        let noise = Array2::from_shape_vec((3, 2), eps).unwrap();
        let mut points = Array2::zeros((3, 2));
        reverse_samples(&[c], x_t.view(), noise.view(), 3, points.view_mut());
        for r in 0..3 {
            for j in 0..2 {
                let back = c.alpha_t * points[[r, j]] + c.beta_t * noise[[r, j]];
                prop_assert!((back - x).abs() <= ESTIMATOR_ROUNDOFF_RELATIVE * 10.0);
            }
        }
    }

    #[test]
    fn rfm_eq_tanh_latent_gradient_matches_finite_differences(
        u in prop::collection::vec(-4.0f64..4.0, 2), temperature in 0.05f64..2.0,
    ) {
        let target = LogTarget { form: TargetForm::TanhLatent, temperature };
        let mut q = AnalyticQ::DoubleWell {
            depth: 1.5, radius: 0.5, tilt: Array1::from(vec![0.3, -0.2]),
        };
        let eval = |q: &mut AnalyticQ, p: &[f64]| {
            let pts = Array2::from_shape_vec((1, 2), p.to_vec()).unwrap();
            let (mut lp, mut g, mut s) = (Array1::zeros(1), Array2::zeros((1, 2)), Array2::zeros((0, 0)));
            target.evaluate(q, pts.view(), 1, &mut s, lp.view_mut(), g.view_mut());
            (lp[0], g)
        };
        let (_, g) = eval(&mut q, &u);
        let h = 1e-6;
        for j in 0..2 {
            let (mut up, mut dn) = (u.clone(), u.clone());
            up[j] += h;
            dn[j] -= h;
            let fd = (eval(&mut q, &up).0 - eval(&mut q, &dn).0) / (2.0 * h);
            prop_assert!((fd - g[[0, j]]).abs() <= LOG_TARGET_GRADIENT_ABSOLUTE * g[[0, j]].abs().max(1.0) / temperature.min(1.0),
                "dim {j}: fd {fd} vs {}", g[[0, j]]);
        }
    }

    #[test]
    fn rfm_eq_stein_posterior_score_is_the_gradient_of_the_log_posterior(
        t in 0.1f64..0.9, x in -2.0f64..2.0, e in -3.0f64..3.0,
    ) {
        // s_0(ε) = ∇_ε [log N(ε; 0, 1) + log p_1((x − β ε)/α)], checked by central differences.
        let c = LinearPath.coefficients(t);
        let q = AnalyticQ::DoubleWell { depth: 1.0, radius: 0.6, tilt: Array1::from(vec![0.2]) };
        let log_post = |eps: f64| {
            let mut g = [0.0];
            -0.5 * eps * eps + q.value_and_gradient(&[(x - c.beta_t * eps) / c.alpha_t], &mut g)
        };
        let mut g = [0.0];
        q.value_and_gradient(&[(x - c.beta_t * e) / c.alpha_t], &mut g);
        let mut score = Array2::zeros((1, 1));
        noise_posterior_scores(
            &[c], Array2::from_elem((1, 1), e).view(), Array2::from_elem((1, 1), g[0]).view(), 1,
            score.view_mut(),
        );
        let h = 1e-6;
        let fd = (log_post(e + h) - log_post(e - h)) / (2.0 * h);
        prop_assert!((fd - score[[0, 0]]).abs() <= 1e-5 * score[[0, 0]].abs().max(1.0));
    }
}

#[test]
fn estimator_roundoff_tolerance_is_the_audits() {
    assert_eq!(
        ESTIMATOR_ROUNDOFF_RELATIVE,
        rfm::audit::case::ROUNDOFF_RELATIVE
    );
}

#[test]
fn rfm_eq_snis_weights_do_not_overflow_at_q_over_lambda_1e4() {
    // Q/λ = 1e4 exactly (Q = 100, λ = 0.01) through the full estimator.
    let mut q = AnalyticQ::DoubleWell {
        depth: 0.0,
        radius: 0.0,
        tilt: Array1::from(vec![1e2]),
    };
    let mut est = RfmEstimator::<f64>::new(EstimatorSetup {
        samples_per_state: 8,
        target: LogTarget {
            form: TargetForm::Boltzmann,
            temperature: 0.01,
        },
        control_variate: ControlVariate::Plugin(PluginCoefficient::default()),
    });
    let x_t = Array2::from_elem((2, 1), 0.5);
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let e = est.estimate(&LinearPath, &[0.9, 0.9], x_t.view(), &mut q, &mut rng);
    assert!(
        e.mu_0
            .iter()
            .chain(e.velocity.iter())
            .all(|v| v.is_finite())
    );
    assert!(e.diagnostics.ess.iter().all(|v| v.is_finite() && *v >= 1.0));
}

#[test]
fn rfm_eq_velocity_target_workspace_is_reused_in_steady_state() {
    // The buffers are allocated on the first call and reused afterwards: the address of the
    // output does not move between calls of the same shape.
    let mut q = AnalyticQ::diagonal_quadratic(&[0.1, 0.2], &[1.0, 2.0]);
    let mut est = RfmEstimator::<f32>::new(EstimatorSetup {
        samples_per_state: 16,
        target: LogTarget {
            form: TargetForm::TanhLatent,
            temperature: 0.2,
        },
        control_variate: ControlVariate::Plugin(PluginCoefficient::default()),
    });
    let x_t = Array2::<f32>::from_elem((4, 2), 0.3);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let first = est
        .estimate(&LinearPath, &[0.5; 4], x_t.view(), &mut q, &mut rng)
        .velocity
        .as_ptr();
    let second = est.estimate(&LinearPath, &[0.2; 4], x_t.view(), &mut q, &mut rng);
    assert_eq!(first, second.velocity.as_ptr());
    assert!(second.velocity.iter().all(|v| v.is_finite()));
}
