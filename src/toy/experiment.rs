//! The toy experiment: seeds × methods, each model sampled with every step count of the sweep,
//! three distances to an exact sample set, mean ± sd over seeds, and a reference row (a second
//! exact sample set: the noise floor of each distance at this sample size).
//!
//! Seed `s` draws both exact sets from `ChaCha8Rng(s)` stream 0 and trains method `i` on
//! stream `1 + i`, so a job's result does not depend on the thread count or on the order in
//! which jobs run.

use ndarray::{Array2, ArrayView2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::method::ToyMethod;
use super::mmd::mmd2_median;
use super::settings::{ToyError, ToySettings};
use super::sinkhorn::{SinkhornOptions, sinkhorn_divergence};
use super::sliced_w2::sliced_w2_squared;
use super::train::train;
use super::two_moons::TwoMoons;

/// The three distances between a sample set and an exact one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Distances {
    /// Sliced Wasserstein-2, squared (`SW₂²`).
    pub sliced_w2_squared: f64,
    /// Unbiased MMD² with the RBF kernel at the median bandwidth.
    pub mmd2: f64,
    /// Sinkhorn divergence `S_ε`, squared-Euclidean cost.
    pub sinkhorn: f64,
}

impl Distances {
    /// The three distances between `x` and `exact`; the SW₂ directions' offset from `rng`.
    pub fn between(
        x: ArrayView2<f64>,
        exact: ArrayView2<f64>,
        settings: &ToySettings,
        rng: &mut ChaCha8Rng,
    ) -> Self {
        let sinkhorn = SinkhornOptions {
            epsilon: settings.sinkhorn_epsilon,
            tolerance: settings.sinkhorn_tolerance,
            ..SinkhornOptions::default()
        };
        Distances {
            sliced_w2_squared: sliced_w2_squared(x, exact, settings.projections, rng),
            mmd2: mmd2_median(x, exact).0,
            sinkhorn: sinkhorn_divergence(x, exact, &sinkhorn).value,
        }
    }

    fn map(rows: &[Distances], f: impl Fn(&[f64]) -> f64) -> Distances {
        let pick = |g: fn(&Distances) -> f64| f(&rows.iter().map(g).collect::<Vec<_>>());
        Distances {
            sliced_w2_squared: pick(|d| d.sliced_w2_squared),
            mmd2: pick(|d| d.mmd2),
            sinkhorn: pick(|d| d.sinkhorn),
        }
    }
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Sample standard deviation (n − 1); 0 for a single seed.
fn sd(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return 0.0;
    }
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// One row of the table: a method at a step count, or the exact reference.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricsRow {
    /// `rfm`, `idem`, `qne`, or `exact` for the reference row.
    pub method: String,
    /// Sampling steps (none for the reference row).
    pub sampling_steps: Option<usize>,
    /// Mean over seeds.
    pub mean: Distances,
    /// Sample standard deviation over seeds.
    pub sd: Distances,
    /// One entry per seed, in seed order.
    pub per_seed: Vec<Distances>,
}

/// Samples of one model kept for the scatter plot (seed 0).
#[derive(Clone, Debug)]
pub struct PlotSet {
    /// The method.
    pub method: ToyMethod,
    /// Sampling steps used.
    pub sampling_steps: usize,
    /// The samples, `n × 2`.
    pub samples: Array2<f64>,
}

/// Everything the experiment produced.
#[derive(Clone, Debug)]
pub struct ToyResults {
    /// The table (methods × steps, then the reference row).
    pub rows: Vec<MetricsRow>,
    /// Mean final regression loss per method over seeds.
    pub final_losses: Vec<(ToyMethod, f64)>,
    /// Seed 0's model samples at each method's paper step count (or the largest swept).
    pub plot_sets: Vec<PlotSet>,
    /// Seed 0's exact sample set.
    pub target_samples: Array2<f64>,
}

struct Job {
    seed: usize,
    method: ToyMethod,
}

struct JobResult {
    distances: Vec<Distances>,
    final_loss: f64,
    plot: Option<PlotSet>,
}

fn exact_sets(target: &TwoMoons, seed: usize, n: usize) -> (Array2<f64>, Array2<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed as u64);
    (target.sample(n, &mut rng), target.sample(n, &mut rng))
}

fn plot_steps(method: ToyMethod, sweep: &[usize]) -> usize {
    let paper = method.paper_sampling_steps();
    if sweep.contains(&paper) {
        paper
    } else {
        *sweep
            .iter()
            .max()
            .expect("validated: the sweep is not empty")
    }
}

fn run_job(job: &Job, settings: &ToySettings, target: &TwoMoons) -> JobResult {
    let (exact, _) = exact_sets(target, job.seed, settings.eval_samples);
    let index = ToyMethod::ALL
        .iter()
        .position(|m| *m == job.method)
        .expect("known method");
    let mut rng = ChaCha8Rng::seed_from_u64(job.seed as u64);
    rng.set_stream(1 + index as u64);
    let model = train(job.method, target, &settings.training, &mut rng);
    let mut plot = None;
    let distances = settings
        .sampling_steps
        .iter()
        .map(|&steps| {
            let samples = model.sample(settings.eval_samples, steps, &mut rng);
            let d = Distances::between(samples.view(), exact.view(), settings, &mut rng);
            if job.seed == 0 && steps == plot_steps(job.method, &settings.sampling_steps) {
                plot = Some(PlotSet {
                    method: job.method,
                    sampling_steps: steps,
                    samples,
                });
            }
            d
        })
        .collect();
    JobResult {
        distances,
        final_loss: model.final_loss,
        plot,
    }
}

fn row(method: &str, sampling_steps: Option<usize>, per_seed: Vec<Distances>) -> MetricsRow {
    MetricsRow {
        method: method.to_string(),
        sampling_steps,
        mean: Distances::map(&per_seed, mean),
        sd: Distances::map(&per_seed, sd),
        per_seed,
    }
}

/// Runs the experiment; `progress` is called after each finished seed × method job.
///
/// # Errors
/// A setting outside its range.
pub fn run_experiment(
    settings: &ToySettings,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<ToyResults, ToyError> {
    settings.validate()?;
    let target = TwoMoons::new(settings.centres_per_moon, settings.target_sigma);
    let jobs: Vec<Job> = (0..settings.seeds)
        .flat_map(|seed| {
            settings
                .methods
                .iter()
                .map(move |&method| Job { seed, method })
        })
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads)
        .build()
        .expect("a thread pool of validated size");
    let results: Vec<JobResult> = pool.install(|| {
        jobs.par_iter()
            .map(|job| {
                let r = run_job(job, settings, &target);
                progress(&format!(
                    "seed {} {} trained and evaluated",
                    job.seed,
                    job.method.name()
                ));
                r
            })
            .collect()
    });
    let mut rows = Vec::new();
    let mut final_losses = Vec::new();
    let mut plot_sets = Vec::new();
    for &method in &settings.methods {
        let mine: Vec<&JobResult> = jobs
            .iter()
            .zip(&results)
            .filter(|(j, _)| j.method == method)
            .map(|(_, r)| r)
            .collect();
        for (i, &steps) in settings.sampling_steps.iter().enumerate() {
            let per_seed = mine.iter().map(|r| r.distances[i]).collect();
            rows.push(row(method.name(), Some(steps), per_seed));
        }
        let losses: Vec<f64> = mine.iter().map(|r| r.final_loss).collect();
        final_losses.push((method, mean(&losses)));
        plot_sets.extend(mine.iter().filter_map(|r| r.plot.clone()));
    }
    let reference: Vec<Distances> = (0..settings.seeds)
        .map(|seed| {
            let (a, b) = exact_sets(&target, seed, settings.eval_samples);
            let mut rng = ChaCha8Rng::seed_from_u64(seed as u64);
            rng.set_stream(1000);
            Distances::between(b.view(), a.view(), settings, &mut rng)
        })
        .collect();
    rows.push(row("exact", None, reference));
    let target_samples = exact_sets(&target, 0, settings.eval_samples).0;
    Ok(ToyResults {
        rows,
        final_losses,
        plot_sets,
        target_samples,
    })
}
