//! `rfm ablate`: the accuracy of the actor's regression target for every member of the
//! estimator family and every K, on the critic of a trained generative-policy run
//! (paper-notes/ablations.md).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::ablation::measure::{Estimation, TwinCriticStates, measure};
use rfm::ablation::{AblationSettings, Problem, Summary};
use rfm::autodiff::Tape;
use rfm::checkpoint::Checkpoint;
use rfm::config::{Coefficient, Pooling};
use rfm::estimators::ControlVariate;
use rfm::policies::resample::Selection;
use rfm::rl::generative_agent::TargetSource;
use rfm::rl::saved::generative_agent_of;
use rfm::run::threads::resolve_threads;
use rfm::study::atomic_file::write_atomic;
use serde::Serialize;

use super::ablate_plot::write_error_plot;
use super::ablate_states::states_of;

/// Arguments of `rfm ablate`.
#[derive(Args, Debug, Clone)]
pub struct AblateArgs {
    /// A run's `checkpoint.safetensors` (states from its replay buffer) or `agent.safetensors`
    /// (states from rollouts of the policy).
    #[arg(long)]
    pub checkpoint: PathBuf,
    /// Output directory (metrics.csv, metrics.json, table.md, error_vs_t.svg/png).
    #[arg(long, default_value = "ablate")]
    pub out: PathBuf,
    /// States.
    #[arg(long, default_value_t = 64)]
    pub states: usize,
    /// Repetitions of every member and K.
    #[arg(long, default_value_t = 3)]
    pub seeds: usize,
    /// The budgets K.
    #[arg(long, value_delimiter = ',', default_value = "4,16,32,100,500")]
    pub ks: Vec<usize>,
    /// K of the reference.
    #[arg(long, default_value_t = 5000)]
    pub reference_k: usize,
    /// t bins over [0.01, 0.99].
    #[arg(long, default_value_t = 10)]
    pub t_bins: usize,
    /// The fixed η compared.
    #[arg(long, value_delimiter = ',', default_value = "0,0.25,0.5,0.75,1")]
    pub etas: Vec<f64>,
    /// Master seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Particles per state for the endpoints (default: the run's training particles).
    #[arg(long)]
    pub particles: Option<usize>,
    /// Worker threads (0 = all cores). The numbers are reproducible at equal thread counts.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
}

#[derive(Serialize)]
struct MetricsJson<'a> {
    checkpoint: String,
    task: String,
    algo: String,
    step: Option<&'a str>,
    settings: &'a AblationSettings,
    particles: usize,
    threads: usize,
    path: &'static str,
    reference: &'static str,
    error: &'static str,
    wall_seconds: f64,
    summary: &'a Summary,
}

/// Runs `rfm ablate` and writes its files.
///
/// # Errors
/// Bad settings, an unreadable checkpoint, a non-generative or estimator-free algorithm, or
/// an unwritable output directory.
pub fn run(args: &AblateArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let settings = AblationSettings {
        states: args.states,
        t_bins: args.t_bins,
        ks: args.ks.clone(),
        reference_k: args.reference_k,
        seeds: args.seeds,
        etas: args.etas.clone(),
        seed: args.seed,
        ..AblationSettings::default()
    };
    settings.validate()?;
    let threads = resolve_threads(args.threads, "--threads")?;
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let c = Checkpoint::read(&args.checkpoint)?;
    let (record, agent) = generative_agent_of(&c)?;
    let d = record.task.spec().action_dim();
    let Some(mut agent) = agent else {
        bail!(
            "{}: algorithm {} has no generative policy to ablate (use rfm, qne, maxentdp or dqs)",
            args.checkpoint.display(),
            record.config.algo
        );
    };
    let TargetSource::Estimator(estimator) = &agent.target else {
        bail!(
            "{}: algorithm {} regresses on the score at the point itself, not on the estimator",
            args.checkpoint.display(),
            record.config.algo
        );
    };
    let log_target = estimator.config().target;
    let e = &record.config.estimator;
    let ControlVariate::Plugin(plugin) =
        Coefficient::Optimal(Pooling::PerDimension).control_variate(e.ridge, e.clip)
    else {
        unreachable!("the optimal coefficient is a plug-in")
    };
    if let Some(0) = args.particles {
        bail!("--particles 0: at least 1 particle per state is needed");
    }
    let particles = args.particles.unwrap_or(agent.particles.train);
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let states: Array2<f32> = states_of(&c, &record, &mut agent, settings.states, &mut rng)?;
    let path = agent.policy.path();
    let selection = Selection::Softmax {
        temperature: agent.particles.temperature,
    };
    let problem = Problem::draw(
        &settings,
        states.view(),
        d,
        &path,
        &mut |obs, rng, out| agent.sample_selected(obs, particles, selection, rng, Some(out), None),
        &mut rng,
    );
    let policy = &agent.policy;
    let regression =
        |t: &[f64], m: ArrayView2<f32>, v: ArrayView2<f32>, out: ArrayViewMut2<f32>| {
            policy.regression_target(t, m, v, out)
        };
    let estimation = Estimation {
        path: &path,
        log_target,
        plugin,
        regression: &regression,
    };
    let mut critic = TwinCriticStates {
        critic: &agent.critic,
        tape: Tape::new(),
    };
    let measurements = measure(&settings, &problem, &estimation, &mut critic);
    let summary = Summary::of(&settings, &measurements);

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output directory {}", args.out.display()))?;
    let write = |name: &str, bytes: &[u8]| -> anyhow::Result<()> {
        let p = args.out.join(name);
        write_atomic(&p, bytes).with_context(|| format!("cannot write {}", p.display()))
    };
    let json = MetricsJson {
        checkpoint: args.checkpoint.display().to_string(),
        task: record.task.to_string(),
        algo: record.config.algo.to_string(),
        step: c.metadata("step"),
        settings: &settings,
        particles,
        threads,
        path: path.name(),
        reference: "one K = reference_k estimate per row (independent samples); the plug-in \
                    (per dimension) and the eta = 0 references are read off the same samples",
        error: "sum over rows of |target - reference|^2 / sum of |reference|^2, in the policy's \
                regression target (velocity, eps or score), per t bin and over all",
        wall_seconds: started.elapsed().as_secs_f64(),
        summary: &summary,
    };
    write(
        "metrics.json",
        (serde_json::to_string_pretty(&json)? + "\n").as_bytes(),
    )?;
    write("metrics.csv", summary.csv().as_bytes())?;
    let table = summary.markdown(&settings);
    write("table.md", table.as_bytes())?;
    write_error_plot(&args.out, &settings, &summary)?;
    println!(
        "{} on {} ({}): {} states × {} t bins, K_ref = {}\n\n{table}",
        record.config.algo,
        record.task,
        args.checkpoint.display(),
        states.nrows(),
        settings.t_bins,
        settings.reference_k
    );
    Ok(())
}
