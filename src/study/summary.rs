//! The report's numbers: per task × algorithm final returns, and across tasks the IQM with
//! stratified-bootstrap intervals, performance profiles and the probability that RFM improves
//! on each baseline (Agarwal et al. 2021). Only finished runs enter a statistic; every other
//! run is listed in [`Summary::excluded`] with its reason.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::bootstrap::{Bootstrap, Interval, Strata};
use super::improvement::probability_of_improvement;
use super::iqm::pooled_iqm;
use super::profile::{performance_profile, thresholds};
use super::run_outcome::{RunOutcome, RunState};
use crate::config::Algo;

/// The largest return of a 1000-step episode with per-step rewards in `[0, 1]` (every task of
/// `rfm-envs`, as in dm_control): scores are `return / MAX_EPISODE_RETURN ∈ [0, 1]`.
pub const MAX_EPISODE_RETURN: f64 = 1000.0;

/// Final return of one task × algorithm over its finished seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    /// Task.
    pub task: String,
    /// Algorithm.
    pub algo: Algo,
    /// Finished seeds.
    pub seeds: Vec<u64>,
    /// Mean final return.
    pub mean: f64,
    /// Sample standard deviation (`n − 1`; 0 for one seed).
    pub sd: f64,
    /// Smallest final return.
    pub min: f64,
    /// Largest final return.
    pub max: f64,
}

/// A run left out of every statistic, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Excluded {
    /// The run directory.
    pub dir: PathBuf,
    /// Task.
    pub task: String,
    /// Algorithm.
    pub algo: Algo,
    /// Seed.
    pub seed: u64,
    /// Its state (incomplete or diverged).
    pub state: RunState,
}

/// Across-task statistics of one algorithm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Aggregate {
    /// Algorithm.
    pub algo: Algo,
    /// IQM of the normalised scores with its stratified-bootstrap interval.
    pub iqm: Interval,
    /// `F̂(τ)` at [`Summary::taus`].
    pub profile: Vec<f64>,
    /// `P(rfm > this algorithm)` with its interval (absent for rfm itself).
    pub rfm_improves: Option<Interval>,
}

/// Everything `rfm report` writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// One entry per task × algorithm with at least one finished run.
    pub cells: Vec<Cell>,
    /// Tasks every algorithm finished at least one run of: the strata of the aggregates.
    pub common_tasks: Vec<String>,
    /// Tasks left out of the aggregates because some algorithm has no finished run there.
    pub uncommon_tasks: Vec<String>,
    /// Thresholds of the performance profiles (normalised score).
    pub taus: Vec<f64>,
    /// Across-task statistics, one per algorithm.
    pub aggregates: Vec<Aggregate>,
    /// Runs not counted.
    pub excluded: Vec<Excluded>,
    /// Bootstrap resamples.
    pub resamples: usize,
    /// Confidence level of the intervals.
    pub level: f64,
    /// Seed of the bootstrap RNG.
    pub bootstrap_seed: u64,
}

fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = if x.len() > 1 {
        x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

/// Summarises `runs` with a bootstrap seeded by `bootstrap_seed`.
pub fn summarise(runs: &[RunOutcome], bootstrap: Bootstrap, bootstrap_seed: u64) -> Summary {
    let mut finished: BTreeMap<(String, Algo), Vec<(u64, f64)>> = BTreeMap::new();
    let mut excluded = Vec::new();
    for run in runs {
        match (&run.state, run.final_return()) {
            (RunState::Finished, Some(r)) => finished
                .entry((run.task.clone(), run.algo))
                .or_default()
                .push((run.seed, r)),
            (state, _) => excluded.push(Excluded {
                dir: run.dir.clone(),
                task: run.task.clone(),
                algo: run.algo,
                seed: run.seed,
                state: state.clone(),
            }),
        }
    }
    let cells: Vec<Cell> = finished
        .iter()
        .map(|((task, algo), seeds)| {
            let returns: Vec<f64> = seeds.iter().map(|s| s.1).collect();
            let (mean, sd) = mean_sd(&returns);
            Cell {
                task: task.clone(),
                algo: *algo,
                seeds: seeds.iter().map(|s| s.0).collect(),
                mean,
                sd,
                min: returns.iter().copied().fold(f64::INFINITY, f64::min),
                max: returns.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            }
        })
        .collect();
    let mut algos: Vec<Algo> = runs.iter().map(|r| r.algo).collect();
    algos.sort_by_key(|a| Algo::ALL.iter().position(|b| b == a));
    algos.dedup();
    let mut tasks: Vec<String> = runs.iter().map(|r| r.task.clone()).collect();
    tasks.sort();
    tasks.dedup();
    let (common_tasks, uncommon_tasks): (Vec<String>, Vec<String>) =
        tasks.into_iter().partition(|t| {
            algos
                .iter()
                .all(|a| finished.contains_key(&(t.clone(), *a)))
        });
    let strata = |algo: Algo| -> Strata {
        common_tasks
            .iter()
            .map(|t| {
                finished[&(t.clone(), algo)]
                    .iter()
                    .map(|s| s.1 / MAX_EPISODE_RETURN)
                    .collect()
            })
            .collect()
    };
    let taus = thresholds(0.0, 1.0, 21);
    let mut rng = ChaCha8Rng::seed_from_u64(bootstrap_seed);
    let aggregates = if common_tasks.is_empty() {
        Vec::new()
    } else {
        let rfm = algos.contains(&Algo::Rfm).then(|| strata(Algo::Rfm));
        algos
            .iter()
            .map(|&algo| {
                let s = strata(algo);
                let iqm = bootstrap.interval(&[&s], |g| pooled_iqm(&g[0]), &mut rng);
                let rfm_improves = rfm.as_ref().filter(|_| algo != Algo::Rfm).map(|r| {
                    bootstrap.interval(
                        &[r, &s],
                        |g| probability_of_improvement(&g[0], &g[1]),
                        &mut rng,
                    )
                });
                Aggregate {
                    algo,
                    iqm,
                    profile: performance_profile(&s, &taus),
                    rfm_improves,
                }
            })
            .collect()
    };
    Summary {
        cells,
        common_tasks,
        uncommon_tasks,
        taus,
        aggregates,
        excluded,
        resamples: bootstrap.resamples,
        level: bootstrap.level,
        bootstrap_seed,
    }
}
