//! `rfm train`: run an algorithm on a task and write the run directory.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use rfm::config::source::read_config_file;
use rfm::config::{Algo, Preset, TrainConfig};
use rfm::rl::trainer::{TrainOptions, resume_observed, train_observed};
use rfm::run::StopRequest;
use rfm::run::csv_log::read_csv;
use rfm::run::files;
use rfm::run::record::{GIT_COMMIT, RunRecord, unix_now};
use rfm::run::stop::{exit_status, signal_name};
use rfm::run::threads::resolve_threads;
use rfm_envs::TaskId;

use super::ascii_plot::ascii_plot;
use super::curve_svg::{Series, render_svg};
use super::progress::Progress;

/// Arguments of `rfm train`.
#[derive(Args, Debug, Clone)]
pub struct TrainArgs {
    /// Task (see `rfm envs list`).
    #[arg(long, default_value = "cartpole-swingup")]
    pub task: TaskId,
    /// Algorithm.
    #[arg(long, value_enum, default_value_t = Algo::Rfm)]
    pub algo: Algo,
    /// Environment steps (overrides the preset and config file).
    #[arg(long)]
    pub steps: Option<u64>,
    /// Master seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Settings to start from.
    #[arg(long, value_enum, default_value_t = Preset::Cpu)]
    pub preset: Preset,
    /// TOML file layered over the preset (unknown keys and out-of-range values are errors).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Run directory.
    #[arg(long, default_value = "runs/latest")]
    pub out: PathBuf,
    /// Continue the stopped run in this directory (every setting comes from its run.json and
    /// checkpoint, so the flags that would change them are refused with it).
    #[arg(long, conflicts_with_all = ["config", "steps", "task", "algo", "seed", "preset", "out", "overwrite"])]
    pub resume: Option<PathBuf>,
    /// Replace the run already in --out (its files are deleted first).
    #[arg(long)]
    pub overwrite: bool,
    /// Worker threads (0 = all cores, at most 1024). Runs are identical only at equal thread
    /// counts; with --resume the default is the run's own count.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Hide the progress bar.
    #[arg(long)]
    pub quiet: bool,
}

impl TrainArgs {
    /// The embedded default of `cargo run --release`: rfm on cartpole-swingup with the
    /// [`rfm::config::Preset::Demo`] budget.
    pub fn demo() -> Self {
        TrainArgs {
            task: TaskId::CartpoleSwingup,
            algo: Algo::Rfm,
            steps: None,
            seed: 0,
            preset: Preset::Demo,
            config: None,
            out: PathBuf::from("runs/demo"),
            resume: None,
            // The demo's own directory: a second `cargo run` replays the same seeded run.
            overwrite: true,
            threads: None,
            quiet: false,
        }
    }
}

/// Builds the configuration of a new run from the arguments.
///
/// # Errors
/// Unknown task, unreadable or invalid config file.
pub fn record_from_args(args: &TrainArgs, threads: usize) -> anyhow::Result<RunRecord> {
    let task = args.task;
    let mut config = TrainConfig::preset(args.algo, args.preset);
    if let Some(path) = &args.config {
        let text = read_config_file(path)?;
        config = config
            .overlay_toml(&text)
            .with_context(|| format!("in config file {}", path.display()))?;
        if config.algo != args.algo {
            bail!(
                "config file {} sets algo = {} but --algo is {}; pass --algo {}",
                path.display(),
                config.algo,
                args.algo,
                config.algo
            );
        }
    }
    if let Some(steps) = args.steps {
        config.schedule.total_steps = steps;
    }
    let record = RunRecord {
        task,
        seed: args.seed,
        preset: args.preset,
        config,
        threads,
        rfm_version: env!("CARGO_PKG_VERSION").to_string(),
        git_commit: GIT_COMMIT.to_string(),
        scalar: "f32".into(),
        started_unix: unix_now(),
    };
    record.validate()?;
    Ok(record)
}

/// Runs `rfm train`; returns the process's exit status (`128 + signal` when stopped by
/// SIGINT/SIGTERM after writing a checkpoint).
///
/// # Errors
/// Any [`rfm::rl::trainer::TrainError`] or argument error.
pub fn run(args: &TrainArgs) -> anyhow::Result<ExitCode> {
    let resumed = match &args.resume {
        Some(dir) => Some(RunRecord::read(dir).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let threads = match (&resumed, args.threads) {
        (Some(r), Some(t)) if resolve_threads(t, "--threads")? != r.threads => bail!(
            "--threads {t}: the run in {} was recorded with {} threads and reproduces only at that count; omit --threads",
            args.resume
                .as_ref()
                .map_or_else(String::new, |d| d.display().to_string()),
            r.threads
        ),
        (Some(r), _) => r.threads,
        (None, t) => resolve_threads(t.unwrap_or(0), "--threads")?,
    };
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let options = TrainOptions {
        halt_after: None,
        overwrite: args.overwrite,
        stop: Some(StopRequest::on_termination_signals()?),
    };
    let (dir, record) = match (&args.resume, resumed) {
        (Some(dir), Some(record)) => {
            eprintln!("resuming {}", dir.display());
            (dir.clone(), record)
        }
        _ => {
            let record = record_from_args(args, threads)?;
            eprintln!(
                "training {} on {} (seed {}, preset {}, {} steps, {} threads) → {}",
                record.config.algo,
                record.task,
                record.seed,
                record.preset,
                record.config.schedule.total_steps,
                threads,
                args.out.display()
            );
            (args.out.clone(), record)
        }
    };
    let label = format!(
        "{} {} seed {}",
        record.config.algo, record.task, record.seed
    );
    let mut progress = Progress::new(!args.quiet, &label);
    let outcome = if args.resume.is_some() {
        resume_observed(&dir, &options, &mut progress)?
    } else {
        train_observed(&dir, &record, &options, &mut progress)?
    };
    if let Some(stop) = outcome.signal {
        eprintln!(
            "stopped by {} after {} steps{}; continue with:\n  rfm train --resume {}",
            signal_name(stop.signal),
            outcome.steps,
            if stop.mid_episode {
                " (mid-episode: the resumed run re-enacts the episode and continues exactly)"
            } else {
                ""
            },
            dir.display()
        );
        return Ok(ExitCode::from(exit_status(stop.signal)));
    }
    // The whole run's curve, including the evaluations before a resume.
    let (_, rows) = read_csv(&dir.join(files::EVAL_CSV)).map_err(anyhow::Error::msg)?;
    let pts: Vec<(f64, f64)> = rows.iter().map(|r| (r[0], r[1])).collect();
    let svg = render_svg(
        &format!("{} on {}", record.config.algo, record.task),
        "environment steps",
        "evaluation return",
        &[Series {
            label,
            points: pts.clone(),
        }],
    );
    let svg_path = dir.join(files::CURVE_SVG);
    std::fs::write(&svg_path, svg).with_context(|| format!("writing {}", svg_path.display()))?;
    println!("\nevaluation return vs environment steps:");
    print!("{}", ascii_plot(&pts, 60, 12));
    let last = pts.last().map_or(f64::NAN, |e| e.1);
    println!(
        "final eval return {last:.1} after {} steps ({} updates)\nfiles: {}/{{{}, {}, run.json, {}, {}}}",
        outcome.steps,
        outcome.updates,
        dir.display(),
        files::EVAL_CSV,
        files::TRAIN_CSV,
        files::CHECKPOINT,
        files::CURVE_SVG
    );
    Ok(ExitCode::SUCCESS)
}
