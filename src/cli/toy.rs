//! `rfm toy two-moons`: the paper's toy comparison (RFM at 20 steps vs iDEM and QNE at 100 on a
//! 2-D two-moons Boltzmann target), over seeds and a sweep of sampling steps.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand};
use rfm::toy::metrics_files::write_metrics;
use rfm::toy::{ToyMethod, ToySettings, run_experiment};

/// The toy experiments.
#[derive(Subcommand, Debug, Clone)]
pub enum ToyCommand {
    /// Two-moons Boltzmann sampling: RFM vs iDEM vs QNE on SW₂², MMD² and the Sinkhorn divergence.
    TwoMoons(TwoMoonsArgs),
}

/// Options of `rfm toy two-moons` (defaults: `ToySettings::default()`).
#[derive(Args, Debug, Clone)]
pub struct TwoMoonsArgs {
    /// Output directory (metrics.json, metrics.csv, samples.svg, samples.png).
    #[arg(long)]
    pub out: PathBuf,
    /// Number of seeds (0..N).
    #[arg(long, default_value_t = 5)]
    pub seeds: usize,
    /// Gradient steps per model (the same for every method).
    #[arg(long, default_value_t = 400)]
    pub steps: usize,
    /// Points x_t per gradient step.
    #[arg(long, default_value_t = 128)]
    pub batch: usize,
    /// K, reverse samples per point (the same for every method).
    #[arg(long, default_value_t = 64)]
    pub k: usize,
    /// Adam learning rate.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    /// Hidden width of the network.
    #[arg(long, default_value_t = 64)]
    pub hidden: usize,
    /// Methods to compare.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "rfm,idem,qne"
    )]
    pub methods: Vec<ToyMethod>,
    /// Sampling steps swept for every method.
    #[arg(long, value_delimiter = ',', default_value = "5,10,20,50,100")]
    pub sampling_steps: Vec<usize>,
    /// Samples per set for the distances.
    #[arg(long, default_value_t = 300)]
    pub eval_samples: usize,
    /// ε of the Sinkhorn divergence (squared-Euclidean cost).
    #[arg(long, default_value_t = 0.5)]
    pub sinkhorn_epsilon: f64,
    /// Stopping tolerance of the Sinkhorn sweeps: the plan's marginal violation ‖π1 − a‖₁ (each
    /// OT term is then within (max C − min C) times it).
    #[arg(long, default_value_t = 1e-3)]
    pub sinkhorn_tolerance: f64,
    /// Worker threads (seed × method jobs in parallel; results do not depend on it).
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

impl TwoMoonsArgs {
    fn settings(&self) -> ToySettings {
        let mut s = ToySettings {
            seeds: self.seeds,
            methods: self.methods.clone(),
            sampling_steps: self.sampling_steps.clone(),
            eval_samples: self.eval_samples,
            sinkhorn_epsilon: self.sinkhorn_epsilon,
            sinkhorn_tolerance: self.sinkhorn_tolerance,
            threads: self.threads,
            ..ToySettings::default()
        };
        s.training.gradient_steps = self.steps;
        s.training.batch = self.batch;
        s.training.samples_per_state = self.k;
        s.training.learning_rate = self.lr;
        s.training.hidden = self.hidden;
        s
    }
}

/// Runs a toy experiment, prints the table and writes its files.
///
/// # Errors
/// A bad flag value or a file that cannot be written.
pub fn run(command: &ToyCommand) -> anyhow::Result<()> {
    let ToyCommand::TwoMoons(args) = command;
    let settings = args.settings();
    settings.validate()?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let start = Instant::now();
    let progress = |msg: &str| eprintln!("[{:>7.1} s] {msg}", start.elapsed().as_secs_f64());
    let results = run_experiment(&settings, &progress)?;
    let wall = start.elapsed().as_secs_f64();
    write_metrics(&args.out, &settings, &results, wall)
        .with_context(|| format!("cannot write metrics into {}", args.out.display()))?;
    super::toy_plot::write_scatter(&args.out, &results)?;
    println!(
        "{:<6} {:>5}  {:>21}  {:>21}  {:>21}",
        "method", "steps", "SW2² mean ± sd", "MMD² mean ± sd", "Sinkhorn mean ± sd"
    );
    for r in &results.rows {
        let steps = r
            .sampling_steps
            .map(|s| s.to_string())
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<6} {:>5}  {:>10.2e} ± {:>8.1e}  {:>10.2e} ± {:>8.1e}  {:>10.2e} ± {:>8.1e}",
            r.method,
            steps,
            r.mean.sliced_w2_squared,
            r.sd.sliced_w2_squared,
            r.mean.mmd2,
            r.sd.mmd2,
            r.mean.sinkhorn,
            r.sd.sinkhorn
        );
    }
    println!("wall time {wall:.1} s; files in {}", args.out.display());
    Ok(())
}
