//! SAC's tanh-Gaussian policy: the log-density against a numerical density, and the tape's
//! log-density against the reference formula.

#[allow(dead_code)]
mod common;

use common::tolerance::NUMERIC_DENSITY_REL;
use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::Tape;
use rfm::nn::Params;
use rfm::nn::gaussian_actor::GaussianActorNet;
use rfm::policies::tanh_gaussian::{TanhGaussianPolicy, log_prob_reference};

/// Density of a = tanh(u), u ~ N(μ, σ²), by numerically differentiating the CDF:
/// P(a' ≤ a) = Φ((artanh a − μ)/σ), so p(a) = [Φ(z(a + h)) − Φ(z(a − h))] / 2h.
fn numeric_density(mu: f64, sigma: f64, a: f64) -> f64 {
    let cdf = |x: f64| 0.5 * (1.0 + erf((x.atanh() - mu) / (sigma * std::f64::consts::SQRT_2)));
    let h = 1e-4;
    (cdf(a + h) - cdf(a - h)) / (2.0 * h)
}

/// erf by its Maclaurin series (terms summed until negligible). For |x| ≤ 4 the rounding
/// error is below ~1e-16 · e^{x²} < 1e-9, far inside the tolerance used here.
fn erf(x: f64) -> f64 {
    let (mut term, mut sum, mut n) = (x, x, 0.0);
    while term.abs() > 1e-18 * sum.abs().max(1e-300) && n < 200.0 {
        n += 1.0;
        term *= -x * x / n;
        sum += term / (2.0 * n + 1.0);
    }
    2.0 / std::f64::consts::PI.sqrt() * sum
}

#[test]
fn rfm_eq_tanh_gaussian_logprob_matches_numeric_density() {
    // Derivation of the tolerance at `NUMERIC_DENSITY_REL`.
    for &(mu, log_std) in &[(0.0, 0.0), (0.7, -0.5), (-1.2, 0.3), (0.2, -1.0)] {
        let sigma: f64 = f64::exp(log_std);
        for &a in &[-0.9, -0.5, 0.0, 0.3, 0.8, 0.95] {
            let u: f64 = f64::atanh(a);
            let lp = log_prob_reference(&[mu], &[log_std], &[u]);
            let num = numeric_density(mu, sigma, a);
            if num > 1e-1 {
                assert!(
                    (lp.exp() / num - 1.0).abs() < NUMERIC_DENSITY_REL,
                    "μ {mu} σ {sigma} a {a}: {} vs {num}",
                    lp.exp()
                );
            }
        }
    }
    // Two dimensions: the log-density is the sum of the per-dimension ones.
    let lp2 = log_prob_reference(&[0.1, -0.3], &[-0.2, 0.4], &[0.5, -0.7]);
    let lp_a = log_prob_reference(&[0.1], &[-0.2], &[0.5]);
    let lp_b = log_prob_reference(&[-0.3], &[0.4], &[-0.7]);
    assert!((lp2 - lp_a - lp_b).abs() < 1e-12);
}

#[test]
fn rfm_eq_tanh_gaussian_logprob_tape_equals_reference() {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let mut params = Params::<f64>::new();
    let policy = TanhGaussianPolicy {
        net: GaussianActorNet::new(3, 2, 8, 2, &mut params, &mut rng),
    };
    let obs = Array2::from_shape_fn((5, 3), |(i, j)| (i as f64 - 2.0) * 0.3 + j as f64 * 0.1);
    let eps = Array2::from_shape_fn((5, 2), |(i, j)| ((i * 2 + j) as f64 * 0.37).sin());
    let mut tape = Tape::<f64>::new();
    let (a, logp, _) = policy.sample_tape(&mut tape, &params, obs.view(), eps.view());
    let (mean, log_std) = policy.mean_log_std(&params, obs.view());
    for r in 0..5 {
        let u: Vec<f64> = (0..2)
            .map(|j| mean[[r, j]] + log_std[[r, j]].exp() * eps[[r, j]])
            .collect();
        let reference = log_prob_reference(
            &[mean[[r, 0]], mean[[r, 1]]],
            &[log_std[[r, 0]], log_std[[r, 1]]],
            &u,
        );
        assert!(
            (tape.value(logp)[[r, 0]] - reference).abs() < 1e-12,
            "row {r}"
        );
        for (j, uj) in u.iter().enumerate() {
            assert!((tape.value(a)[[r, j]] - uj.tanh()).abs() < 1e-15);
        }
    }
}
