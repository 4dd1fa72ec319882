//! The two-moons target of the toy experiment: its exact sampler against the closed-form
//! moments and its density's normalisation, the analytic score against finite differences,
//! its use as a Boltzmann target of the estimator, and a tiny end-to-end `rfm toy two-moons`.

#[path = "common/seeded.rs"]
mod seeded;

use std::process::Command;

use ndarray::{Array1, Array2};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::estimators::{LogTarget, TargetForm};
use rfm::toy::TwoMoons;

#[test]
fn toy_eq_two_moons_target_exact_sampler_matches_the_closed_form_moments() {
    let target = TwoMoons::default();
    let m = target.mean();
    // the centres are shifted by their own mean: the mixture mean is 0 up to rounding
    assert!(m[0].abs() < 1e-15 && m[1].abs() < 1e-15, "{m:?}");
    let cov = target.covariance();
    let n = 40_000;
    let x = target.sample(n, &mut ChaCha8Rng::seed_from_u64(11));
    let nf = n as f64;
    for a in 0..2 {
        let mean = x.column(a).sum() / nf;
        // the sample mean has variance Σ_aa / n; 5 sd leave a 6e-7 false-failure rate
        let tol = 5.0 * (cov[a][a] / nf).sqrt();
        assert!(
            (mean - m[a]).abs() < tol,
            "mean[{a}] = {mean}, tolerance {tol}"
        );
        for b in 0..2 {
            let prod: Vec<f64> = x
                .rows()
                .into_iter()
                .map(|r| (r[a] - m[a]) * (r[b] - m[b]))
                .collect();
            let c = prod.iter().sum::<f64>() / nf;
            // the moment estimate is a mean of n i.i.d. products: its variance is
            // Var[(x_a − μ_a)(x_b − μ_b)]/n, estimated from the same products; 5 sd
            let var = prod.iter().map(|p| (p - c) * (p - c)).sum::<f64>() / (nf - 1.0);
            let tol = 5.0 * (var / nf).sqrt();
            assert!(
                (c - cov[a][b]).abs() < tol,
                "cov[{a}][{b}] = {c} vs {}, tol {tol}",
                cov[a][b]
            );
        }
    }
}

#[test]
fn toy_eq_two_moons_target_density_integrates_to_one() {
    // midpoint rule on [−4, 4]², step 0.01: the integrand is smooth (σ = 0.1 is 10 steps) and
    // its mass outside the square is below e^{−(2.5/0.1)²/2}; the rule's error is far below 1e-6
    let target = TwoMoons::default();
    let h = 0.01;
    let mut total = 0.0;
    for i in 0..800 {
        for j in 0..800 {
            let p = [-4.0 + (i as f64 + 0.5) * h, -4.0 + (j as f64 + 0.5) * h];
            total += target.log_density_and_score(p).0.exp() * h * h;
        }
    }
    assert!((total - 1.0).abs() < 1e-6, "∫p = {total}");
}

proptest! {
    #![proptest_config(seeded::cases(64))]

    #[test]
    fn toy_eq_two_moons_target_score_is_the_gradient_of_the_log_density(
        x in -2.0f64..2.0,
        y in -1.5f64..1.5,
        sigma in 0.05f64..0.5,
        per_moon in 2usize..12,
    ) {
        let target = TwoMoons::new(per_moon, sigma);
        let (lp, g) = target.log_density_and_score([x, y]);
        prop_assert!((target.energy([x, y]) + lp).abs() == 0.0);
        // central differences: truncation h² |∂³ log p| / 6 with |∂³ log p| ≲ 10/σ³ here,
        // plus rounding 1e-16 |log p| / h; h = 1e-5 σ keeps both below 1e-6 / σ
        let step = 1e-5 * sigma;
        let fd = |dx: f64, dy: f64| {
            (target.log_density_and_score([x + dx, y + dy]).0
                - target.log_density_and_score([x - dx, y - dy]).0)
                / (2.0 * step)
        };
        let tol = 1e-6 / sigma * (1.0 + g[0].abs().max(g[1].abs()));
        prop_assert!((fd(step, 0.0) - g[0]).abs() < tol, "∂x: {} vs {}", fd(step, 0.0), g[0]);
        prop_assert!((fd(0.0, step) - g[1]).abs() < tol, "∂y: {} vs {}", fd(0.0, step), g[1]);
    }
}

#[test]
fn toy_eq_two_moons_target_is_the_boltzmann_log_target_at_temperature_one() {
    let mut target = TwoMoons::default();
    let points = target.sample(7, &mut ChaCha8Rng::seed_from_u64(3));
    let (mut log_p, mut grad) = (Array1::zeros(7), Array2::zeros((7, 2)));
    let log_target = LogTarget {
        form: TargetForm::Boltzmann,
        temperature: 1.0,
    };
    let mut scratch = Array2::zeros((0, 0));
    log_target.evaluate(
        &mut target,
        points.view(),
        7,
        &mut scratch,
        log_p.view_mut(),
        grad.view_mut(),
    );
    for (r, p) in points.rows().into_iter().enumerate() {
        let (lp, g) = target.log_density_and_score([p[0], p[1]]);
        assert_eq!(log_p[r], lp);
        assert_eq!([grad[[r, 0]], grad[[r, 1]]], g);
    }
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rfm-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn tiny_run(out: &std::path::Path, threads: &str) -> serde_json::Value {
    let status = Command::new(env!("CARGO_BIN_EXE_rfm"))
        .args(["toy", "two-moons", "--out"])
        .arg(out)
        .args(["--seeds", "2", "--steps", "15", "--batch", "32", "--k", "8"])
        .args([
            "--eval-samples",
            "60",
            "--sampling-steps",
            "3,20",
            "--threads",
            threads,
        ])
        .status()
        .unwrap();
    assert!(status.success());
    serde_json::from_str(&std::fs::read_to_string(out.join("metrics.json")).unwrap()).unwrap()
}

#[test]
fn toy_two_moons_cli_writes_metrics_and_plots_independently_of_threads() {
    let (a, b) = (scratch("toy-a"), scratch("toy-b"));
    let ja = tiny_run(&a, "1");
    let rows = ja["rows"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        3 * 2 + 1,
        "3 methods × 2 step counts + the exact reference"
    );
    assert_eq!(rows.last().unwrap()["method"], "exact");
    for r in rows {
        assert_eq!(r["per_seed"].as_array().unwrap().len(), 2);
        for key in ["sliced_w2_squared", "mmd2", "sinkhorn"] {
            assert!(r["mean"][key].as_f64().unwrap().is_finite(), "{r}");
        }
    }
    let csv = std::fs::read_to_string(a.join("metrics.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 7);
    assert!(csv.lines().any(|l| l.starts_with("rfm,20,2,")), "{csv}");
    let png = std::fs::read(a.join("samples.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(a.join("samples.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("rfm (20 steps)"));
    let jb = tiny_run(&b, "2");
    assert_eq!(
        ja["rows"], jb["rows"],
        "results must not depend on the thread count"
    );
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

#[test]
fn toy_two_moons_cli_rejects_bad_flags_with_a_message() {
    let out = scratch("toy-bad");
    for (flags, needle) in [
        (vec!["--seeds", "0"], "--seeds = 0"),
        (vec!["--sinkhorn-epsilon", "0"], "--sinkhorn-epsilon = 0"),
        (vec!["--sampling-steps", "5,0"], "--sampling-steps = 0"),
        (vec!["--methods", "sac"], "invalid value 'sac'"),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_rfm"))
            .args(["toy", "two-moons", "--out"])
            .arg(&out)
            .args(&flags)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{flags:?} was accepted");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "{flags:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(&out);
}
