//! The report's statistics against cases with known answers (Agarwal et al. 2021): the IQM of
//! known sets, performance profiles, the probability of improvement, and the coverage of the
//! stratified-bootstrap interval on synthetic data within its Monte Carlo error.

mod common;

use std::path::PathBuf;

use common::tolerance::{BOOTSTRAP_COVERAGE_BIAS_PER_RUN, MONTE_CARLO_Z, STUDY_STATISTIC_ABS};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rfm::config::Algo;
use rfm::study::bootstrap::{Bootstrap, Strata};
use rfm::study::improvement::probability_of_improvement;
use rfm::study::iqm::{iqm, pooled_iqm, quantile_sorted};
use rfm::study::profile::{fraction_above, performance_profile};
use rfm::study::run_outcome::{RunOutcome, RunState};
use rfm::study::summary::{MAX_EPISODE_RETURN, summarise};

#[path = "common/seeded.rs"]
mod seeded;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= STUDY_STATISTIC_ABS
}

#[test]
fn iqm_of_one_to_eight_is_the_mean_of_three_to_six() {
    // n = 8: ⌊8/4⌋ = 2 dropped from each end, (3 + 4 + 5 + 6)/4 = 4.5.
    let x = [8.0, 1.0, 7.0, 2.0, 6.0, 3.0, 5.0, 4.0];
    assert!(close(iqm(&x), 4.5), "{}", iqm(&x));
}

#[test]
fn iqm_ignores_outliers_a_mean_does_not() {
    // n = 10: ⌊10/4⌋ = 2 dropped from each end, mean of 3..=8 = 5.5 whatever the extremes.
    let x = [-1e9, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 1e9, 1e12, -5.0];
    assert!(close(iqm(&x), 5.5), "{}", iqm(&x));
    // n < 4 drops nothing: the mean.
    assert!(close(iqm(&[1.0, 2.0, 6.0]), 3.0));
}

#[test]
fn pooled_iqm_pools_every_task() {
    let strata = vec![vec![0.0, 1.0], vec![2.0, 3.0, 4.0, 5.0, 6.0, 7.0]];
    // Pooled 0..=7, ⌊8/4⌋ = 2 dropped from each end → 3.5.
    assert!(close(pooled_iqm(&strata), 3.5));
}

#[test]
fn quantile_interpolates_like_numpy() {
    let x = [1.0, 2.0, 3.0, 4.0];
    assert!(close(quantile_sorted(&x, 0.0), 1.0));
    assert!(close(quantile_sorted(&x, 1.0), 4.0));
    // h = 3 · 0.25 = 0.75 → 1 + 0.75.
    assert!(close(quantile_sorted(&x, 0.25), 1.75));
}

#[test]
fn performance_profile_weights_tasks_equally() {
    // Task 0: 1 of 2 runs above 0.5; task 1: 3 of 4 → (0.5 + 0.75)/2.
    let strata = vec![vec![0.2, 0.9], vec![0.6, 0.7, 0.8, 0.1]];
    assert!(close(fraction_above(&strata, 0.5), 0.625));
    let p = performance_profile(&strata, &[0.0, 0.65, 1.0]);
    // τ = 0.65: task 0 1/2, task 1 2/4 → 0.5; strict ">" so nothing is above 1.
    assert!(
        close(p[0], 1.0) && close(p[1], 0.5) && close(p[2], 0.0),
        "{p:?}"
    );
}

#[test]
fn probability_of_improvement_counts_pairs_and_halves_ties() {
    let all_better = vec![vec![5.0, 6.0]];
    let worse = vec![vec![1.0, 2.0, 3.0]];
    assert!(close(probability_of_improvement(&all_better, &worse), 1.0));
    assert!(close(probability_of_improvement(&worse, &all_better), 0.0));
    assert!(close(probability_of_improvement(&worse, &worse), 0.5));
    // x = {1, 3} vs y = {2}: one win, one loss → 0.5; second task x = {2} vs y = {2, 1}:
    // a tie (½) and a win (1) → 0.75; mean over tasks 0.625.
    let x = vec![vec![1.0, 3.0], vec![2.0]];
    let y = vec![vec![2.0], vec![2.0, 1.0]];
    assert!(close(probability_of_improvement(&x, &y), 0.625));
}

#[test]
fn bootstrap_is_reproducible_and_wider_at_a_higher_level() {
    let s: Strata = vec![vec![0.1, 0.5, 0.3, 0.9], vec![0.2, 0.4, 0.8]];
    let run = |level: f64, seed: u64| {
        let b = Bootstrap {
            resamples: 500,
            level,
        };
        b.interval(
            &[&s],
            |g| pooled_iqm(&g[0]),
            &mut ChaCha8Rng::seed_from_u64(seed),
        )
    };
    assert_eq!(run(0.95, 7), run(0.95, 7));
    let (wide, narrow) = (run(0.95, 7), run(0.5, 7));
    assert!(close(wide.estimate, pooled_iqm(&s)));
    assert!(
        wide.lower < narrow.lower && narrow.upper < wide.upper,
        "{wide:?} {narrow:?}"
    );
}

/// Coverage of the 95 % stratified-bootstrap interval of the pooled IQM. Three tasks of
/// `n = 50` runs each, task `m` ~ N(μ_m, 1) with μ = (−1, 0, 1): the equal mixture is
/// symmetric about 0, so the population IQM (its 25 %-trimmed mean) is exactly 0 and the
/// sample IQM is symmetric about it. Over `R` independent data sets the count of intervals
/// covering 0 is Binomial(R, p) with p the true coverage; the estimate's standard error is
/// `√(0.95 · 0.05 / R)` at p = 0.95. Tolerance: `MONTE_CARLO_Z` standard errors plus the
/// bootstrap's own `O(1/n)` coverage error, allowed as `BOOTSTRAP_COVERAGE_BIAS_PER_RUN / 150`.
/// With R = 1000: 4.5 · 0.0069 + 0.013 = 0.044. A 90 % or non-stratified interval, or one
/// resampled without replacement, falls outside.
#[test]
fn bootstrap_interval_covers_the_population_iqm_at_its_level() {
    const R: usize = 1000;
    const N: usize = 50;
    let mu = [-1.0, 0.0, 1.0];
    let b = Bootstrap {
        resamples: 500,
        level: 0.95,
    };
    let mut data_rng = ChaCha8Rng::seed_from_u64(20261201);
    let mut boot_rng = ChaCha8Rng::seed_from_u64(1);
    let mut covered = 0usize;
    for _ in 0..R {
        let s: Strata = mu
            .iter()
            .map(|m| {
                (0..N)
                    .map(|_| {
                        let z: f64 = StandardNormal.sample(&mut data_rng);
                        m + z
                    })
                    .collect()
            })
            .collect();
        let ci = b.interval(&[&s], |g| pooled_iqm(&g[0]), &mut boot_rng);
        if ci.lower <= 0.0 && 0.0 <= ci.upper {
            covered += 1;
        }
    }
    let p = covered as f64 / R as f64;
    let se = (0.95f64 * 0.05 / R as f64).sqrt();
    let tol = MONTE_CARLO_Z * se + BOOTSTRAP_COVERAGE_BIAS_PER_RUN / (3 * N) as f64;
    assert!(
        (p - 0.95).abs() <= tol,
        "coverage {p}, allowed 0.95 ± {tol}"
    );
}

fn outcome(task: &str, algo: Algo, seed: u64, state: RunState, ret: f64) -> RunOutcome {
    RunOutcome {
        dir: PathBuf::from(format!("runs/{task}/{algo}/seed-{seed}")),
        task: task.into(),
        algo,
        seed,
        total_steps: 100,
        curve: vec![(0, 0.0), (100, ret)],
        state,
    }
}

#[test]
fn summary_names_unfinished_runs_and_never_averages_them() {
    let runs = vec![
        outcome("a", Algo::Rfm, 0, RunState::Finished, 800.0),
        outcome("a", Algo::Rfm, 1, RunState::Finished, 600.0),
        outcome(
            "a",
            Algo::Rfm,
            2,
            RunState::Incomplete { last_eval: 50 },
            0.0,
        ),
        outcome("a", Algo::Sac, 0, RunState::Finished, 400.0),
        outcome(
            "a",
            Algo::Sac,
            1,
            RunState::Diverged {
                reason: "non-finite value".into(),
            },
            f64::NAN,
        ),
        outcome("b", Algo::Rfm, 0, RunState::Finished, 100.0),
    ];
    let s = summarise(&runs, Bootstrap::default(), 3);
    assert_eq!(s.excluded.len(), 2);
    assert_eq!((s.excluded[0].seed, s.excluded[1].seed), (2, 1));
    let rfm_a = &s.cells[0];
    assert_eq!((rfm_a.task.as_str(), rfm_a.algo), ("a", Algo::Rfm));
    assert_eq!(rfm_a.seeds, vec![0, 1]);
    // mean 700, sd √((100² + 100²)/1) = 141.42…
    assert!(close(rfm_a.mean, 700.0) && close(rfm_a.sd, 20_000f64.sqrt()));
    assert!(close(rfm_a.min, 600.0) && close(rfm_a.max, 800.0));
    // Task b has no sac run: left out of the aggregates, and named.
    assert_eq!(s.common_tasks, vec!["a".to_string()]);
    assert_eq!(s.uncommon_tasks, vec!["b".to_string()]);
    let rfm = &s.aggregates[0];
    assert!(close(rfm.iqm.estimate, 0.7), "{:?}", rfm.iqm);
    let sac = &s.aggregates[1];
    assert!(close(sac.iqm.estimate, 400.0 / MAX_EPISODE_RETURN));
    // Both rfm seeds beat the one sac seed.
    assert!(close(sac.rfm_improves.unwrap().estimate, 1.0));
    assert!(rfm.rfm_improves.is_none());
}

proptest! {
    #![proptest_config(seeded::cases(64))]

    #[test]
    fn iqm_is_order_free_translation_equivariant_and_between_min_and_max(
        x in prop::collection::vec(-1e3f64..1e3, 1..40),
        shift in -1e3f64..1e3,
        rotate in 0usize..40,
    ) {
        let m = iqm(&x);
        let mut y = x.clone();
        let k = rotate % y.len();
        y.rotate_left(k);
        prop_assert!((iqm(&y) - m).abs() <= 1e-9);
        let shifted: Vec<f64> = x.iter().map(|v| v + shift).collect();
        prop_assert!((iqm(&shifted) - (m + shift)).abs() <= 1e-9);
        let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        prop_assert!(lo - 1e-9 <= m && m <= hi + 1e-9);
    }
}
