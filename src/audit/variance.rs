//! Variance tables: empirical variance of `μ̂_0` for η ∈ {0, 1, plug-in optimum} across t.
//!
//! For each t a single `x_t` is repeated as R states, so one call gives R independent
//! estimates; all three members use the same reverse samples (a paired comparison).

use ndarray::{Array1, Array2, Axis};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::report::VarianceRow;
use super::targets::AnalyticQ;
use crate::estimators::reverse_sampling::draw_noise;
use crate::estimators::{
    ControlVariate, EstimatorSetup, LogTarget, PluginCoefficient, RfmEstimator, TargetForm,
};
use crate::paths::{LinearPath, ProbabilityPath};

/// The two audit targets: a 2-D Gaussian (Boltzmann quadratic) and a 2-D tanh-latent tilted
/// double well (modes at a = ±0.5, non-Gaussian and multimodal).
pub fn variance_targets() -> Vec<(&'static str, AnalyticQ, LogTarget)> {
    vec![
        (
            "gaussian (boltzmann)",
            AnalyticQ::diagonal_quadratic(&[0.3, -0.2], &[4.0, 1.0]),
            LogTarget {
                form: TargetForm::Boltzmann,
                temperature: 0.5,
            },
        ),
        (
            "double well (tanh latent)",
            AnalyticQ::DoubleWell {
                depth: 8.0,
                radius: 0.5,
                tilt: Array1::from(vec![0.3, -0.1]),
            },
            LogTarget {
                form: TargetForm::TanhLatent,
                temperature: 0.1,
            },
        ),
    ]
}

/// One variance table row per (target, t) with `repetitions` independent estimates of K samples.
pub fn variance_table(samples_per_state: usize, repetitions: usize, seed: u64) -> Vec<VarianceRow> {
    let mut rows = Vec::new();
    for (name, q, target) in variance_targets() {
        for &t in &[0.1, 0.3, 0.5, 0.7, 0.9] {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let c = LinearPath.coefficients(t);
            let d = q.dim();
            // A fixed x_t near the bulk: x_1 = 0.4·(1, −1, …), x_0 = 0.5·(1, 1, …).
            let x_row: Vec<f64> = (0..d)
                .map(|j| c.interpolate(0.4 * if j % 2 == 0 { 1.0 } else { -1.0 }, 0.5))
                .collect();
            let x_t = Array2::from_shape_fn((repetitions, d), |(_, j)| x_row[j]);
            let mut noise = Array2::zeros((repetitions * samples_per_state, d));
            draw_noise(&mut rng, noise.view_mut());
            let times = vec![t; repetitions];
            let mut variances = [0.0; 3];
            let mut mean_eta = 0.0;
            for (i, cv) in [
                ControlVariate::NOISE_EXPECTATION,
                ControlVariate::GRADIENT_EXPECTATION,
                ControlVariate::Plugin(PluginCoefficient::default()),
            ]
            .into_iter()
            .enumerate()
            {
                let mut est = RfmEstimator::<f64>::new(EstimatorSetup {
                    samples_per_state,
                    target,
                    control_variate: cv,
                });
                let mut q = q.clone();
                let e =
                    est.estimate_with_noise(&LinearPath, &times, x_t.view(), noise.view(), &mut q);
                variances[i] = e.mu_0.var_axis(Axis(0), 1.0).sum();
                if i == 2 {
                    let m = &e.diagnostics.coefficients;
                    mean_eta = (0..d)
                        .map(|j| m.slice(ndarray::s![.., j, j]).mean().unwrap_or(0.0))
                        .sum::<f64>()
                        / d as f64;
                }
            }
            rows.push(VarianceRow {
                target: name.into(),
                t,
                eta_zero: variances[0],
                eta_one: variances[1],
                optimal: variances[2],
                mean_optimal_eta: mean_eta,
            });
        }
    }
    rows
}
