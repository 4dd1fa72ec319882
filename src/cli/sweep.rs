//! `rfm sweep`: a study of tasks × algorithms × seeds, run by a local pool of `rfm train`
//! processes (`--local N`) or handed to Slurm as a job array (`--slurm`); `--status DIR` tells
//! where it stands from the runs' own files and `squeue`.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use rfm::config::{Algo, Preset};
use rfm::run::stop::StopRequest;
use rfm::study::atomic_file::write_atomic;
use rfm::study::cost::minutes_for;
use rfm::study::launch::train_command;
use rfm::study::local_pool::run_local;
use rfm::study::run_outcome::{RunState, read_outcome};
use rfm::study::slurm::{
    ARRAY_SCRIPT, SLURM_DIR, SlurmOptions, array_script, queue_states, recorded_jobs, submit,
};
use rfm::study::spec::{OVERRIDES_FILE, PlannedRun, SPEC_FILE, SweepSpec};
use rfm_envs::TaskId;

/// Margin on the measured cost per step when setting a Slurm `--time`.
const TIME_MARGIN: f64 = 2.0;

/// Arguments of `rfm sweep`.
#[derive(Args, Debug, Clone)]
pub struct SweepArgs {
    /// Spec file (TOML: tasks, algos, seeds, preset, steps, threads, [config]); or use the flags.
    pub spec: Option<PathBuf>,
    /// Tasks, comma-separated (flag form of the spec).
    #[arg(long, value_delimiter = ',', conflicts_with = "spec")]
    pub tasks: Vec<TaskId>,
    /// Algorithms, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', conflicts_with = "spec")]
    pub algos: Vec<Algo>,
    /// Seeds, comma-separated (default 0).
    #[arg(long, value_delimiter = ',', conflicts_with = "spec")]
    pub seeds: Vec<u64>,
    /// Preset of every run (default cpu).
    #[arg(long, value_enum, conflicts_with = "spec")]
    pub preset: Option<Preset>,
    /// Environment steps per run.
    #[arg(long, conflicts_with = "spec")]
    pub steps: Option<u64>,
    /// Config overrides for every run (the keys of `rfm train --config`).
    #[arg(long, conflicts_with = "spec")]
    pub config: Option<PathBuf>,
    /// Worker threads per run (default 1).
    #[arg(long, conflicts_with = "spec")]
    pub threads: Option<usize>,
    /// Sweep directory (the spec is saved there, runs go to DIR/runs/<task>/<algo>/seed-<s>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Continue the sweep in this directory with its saved spec (finished runs are skipped).
    #[arg(long, conflicts_with_all = ["spec", "out", "status"])]
    pub resume: Option<PathBuf>,
    /// Run on this machine, N runs at a time.
    #[arg(long, value_name = "N", conflicts_with = "slurm")]
    pub local: Option<usize>,
    /// Submit a Slurm job array (one index per unfinished run) and a dependent report job.
    #[arg(long)]
    pub slurm: bool,
    /// With --slurm: print the array script instead of submitting it.
    #[arg(long, requires = "slurm")]
    pub dry_run: bool,
    /// Slurm partition.
    #[arg(long, requires = "slurm")]
    pub partition: Option<String>,
    /// Slurm account.
    #[arg(long, requires = "slurm")]
    pub account: Option<String>,
    /// Slurm QoS.
    #[arg(long, requires = "slurm")]
    pub qos: Option<String>,
    /// Extra `#SBATCH` line (repeatable), e.g. --sbatch=--mem=4G.
    #[arg(long = "sbatch", value_name = "OPTION", requires = "slurm")]
    pub extra: Vec<String>,
    /// At most N array tasks running at once (`--array=…%N`).
    #[arg(long, value_name = "N", requires = "slurm")]
    pub max_running: Option<usize>,
    /// `--time` per run in minutes (default: measured cost per step × 2 + 10 min, where measured).
    #[arg(long, requires = "slurm")]
    pub time_minutes: Option<u64>,
    /// Print where the sweep in DIR stands (runs' files and squeue) and exit.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["spec", "local", "slurm"])]
    pub status: Option<PathBuf>,
    /// Run index I of the sweep in DIR in this process (what each Slurm array task does).
    #[arg(long, value_name = "DIR", hide = true, requires = "index")]
    pub exec: Option<PathBuf>,
    /// The index for --exec.
    #[arg(long, hide = true)]
    pub index: Option<usize>,
}

fn spec_from_flags(args: &SweepArgs) -> anyhow::Result<SweepSpec> {
    if args.tasks.is_empty() || args.algos.is_empty() {
        bail!("give a spec file, or at least --tasks and --algos (see rfm sweep --help)");
    }
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading config {}", path.display()))?;
            toml::from_str(&text).with_context(|| format!("in config file {}", path.display()))?
        }
        None => toml::Table::new(),
    };
    Ok(SweepSpec {
        tasks: args.tasks.iter().map(|t| t.name().to_string()).collect(),
        algos: args.algos.clone(),
        seeds: if args.seeds.is_empty() {
            vec![0]
        } else {
            args.seeds.clone()
        },
        preset: args.preset.unwrap_or(Preset::Cpu),
        steps: args.steps,
        threads: args.threads.unwrap_or(1),
        config,
    })
}

fn read_saved(dir: &Path) -> anyhow::Result<SweepSpec> {
    Ok(SweepSpec::read(&dir.join(SPEC_FILE))?)
}

/// Saves the spec in `dir`, or checks that the one saved there is the same sweep.
fn save_spec(dir: &Path, spec: &SweepSpec) -> anyhow::Result<()> {
    let path = dir.join(SPEC_FILE);
    if path.exists() {
        let saved = read_saved(dir)?;
        if &saved != spec {
            bail!(
                "{} holds a different sweep; continue it with `rfm sweep --resume {}` or choose another --out",
                path.display(),
                dir.display()
            );
        }
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    write_atomic(&dir.join(OVERRIDES_FILE), spec.overrides_toml().as_bytes())?;
    write_atomic(&path, spec.to_toml().as_bytes())?;
    Ok(())
}

fn absolute(p: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(p).with_context(|| format!("resolving {}", p.display()))
}

/// Runs `rfm sweep`; returns whether every run finished (or the script was printed/submitted).
///
/// # Errors
/// An invalid spec, a sweep directory holding another sweep, a failed sbatch.
pub fn run(args: &SweepArgs) -> anyhow::Result<bool> {
    if let (Some(dir), Some(index)) = (&args.exec, args.index) {
        return exec_index(&absolute(dir)?, index);
    }
    if let Some(dir) = &args.status {
        return status(&absolute(dir)?);
    }
    let (spec, dir) = match (&args.resume, &args.spec, &args.out) {
        (Some(dir), _, _) => (read_saved(dir)?, dir.clone()),
        (None, Some(file), Some(out)) => (SweepSpec::read(file)?, out.clone()),
        (None, None, Some(out)) => (spec_from_flags(args)?, out.clone()),
        (None, _, None) => bail!("give the sweep directory with --out DIR"),
    };
    let runs = spec.plan()?;
    let dir = absolute(&dir)?;
    if args.local.is_none() && !args.slurm {
        bail!("say where to run: --local N (this machine) or --slurm");
    }
    if args.dry_run {
        print!("{}", slurm_script(args, &dir, &spec, &runs)?);
        return Ok(true);
    }
    save_spec(&dir, &spec)?;
    let exe = std::env::current_exe().context("locating the rfm binary")?;
    if let Some(n) = args.local {
        return local(&exe, &dir, &spec, &runs, n);
    }
    let script = slurm_script(args, &dir, &spec, &runs)?;
    std::fs::create_dir_all(dir.join(SLURM_DIR).join("logs"))?;
    let path = dir.join(SLURM_DIR).join(ARRAY_SCRIPT);
    write_atomic(&path, script.as_bytes())?;
    let (array, report) = submit(&exe, &dir, &path, &slurm_options(args, &spec, &runs)?)?;
    println!(
        "submitted job array {array} ({}), report job {report} after it\nstatus: rfm sweep --status {}",
        path.display(),
        dir.display()
    );
    Ok(true)
}

fn unfinished<'a>(dir: &Path, runs: &'a [PlannedRun]) -> Vec<&'a PlannedRun> {
    runs.iter()
        .filter(|r| read_outcome(&dir.join(&r.dir)).map_or(true, |o| o.state != RunState::Finished))
        .collect()
}

fn slurm_options(
    args: &SweepArgs,
    spec: &SweepSpec,
    runs: &[PlannedRun],
) -> anyhow::Result<SlurmOptions> {
    let minutes = match args.time_minutes {
        Some(m) => m,
        None => {
            let mut worst = 10;
            for r in runs {
                let steps = r.config.schedule.total_steps;
                worst = worst.max(minutes_for(r.algo, spec.preset, steps, TIME_MARGIN));
            }
            worst
        }
    };
    Ok(SlurmOptions {
        partition: args.partition.clone(),
        account: args.account.clone(),
        qos: args.qos.clone(),
        extra: args.extra.clone(),
        max_running: args.max_running,
        minutes,
    })
}

fn slurm_script(
    args: &SweepArgs,
    dir: &Path,
    spec: &SweepSpec,
    runs: &[PlannedRun],
) -> anyhow::Result<String> {
    let todo = unfinished(dir, runs);
    if todo.is_empty() {
        bail!(
            "every run of {} has finished; nothing to submit",
            dir.display()
        );
    }
    let exe = std::env::current_exe().context("locating the rfm binary")?;
    let opts = slurm_options(args, spec, runs)?;
    Ok(array_script(&exe, dir, &todo, spec.threads, &opts))
}

fn local(
    exe: &Path,
    dir: &Path,
    spec: &SweepSpec,
    runs: &[PlannedRun],
    n: usize,
) -> anyhow::Result<bool> {
    let stop =
        StopRequest::on_termination_signals().context("installing the SIGINT/SIGTERM handlers")?;
    eprintln!(
        "sweep {}: {} runs, {n} at a time, one log per run in <run>/train.log",
        dir.display(),
        runs.len()
    );
    let end = run_local(exe, dir, spec, runs, n, &stop, &mut |c| {
        eprintln!("[sweep] {c}")
    })?;
    for f in &end.failed {
        eprintln!(
            "failed: {} ({}); see {}",
            f.run.dir.display(),
            f.status,
            dir.join(&f.run.dir).join("train.log").display()
        );
    }
    if end.stopped {
        eprintln!(
            "stopped; continue with: rfm sweep --resume {} --local {n}",
            dir.display()
        );
    }
    Ok(end.failed.is_empty() && !end.stopped)
}

fn exec_index(dir: &Path, index: usize) -> anyhow::Result<bool> {
    let spec = read_saved(dir)?;
    let runs = spec.plan()?;
    let run = runs
        .get(index)
        .with_context(|| format!("index {index} outside the sweep's 0..{}", runs.len()))?;
    let exe = std::env::current_exe().context("locating the rfm binary")?;
    let err = train_command(&exe, dir, &spec, run)?.exec();
    Err(err).context("starting rfm train")
}

fn status(dir: &Path) -> anyhow::Result<bool> {
    let spec = read_saved(dir)?;
    let runs = spec.plan()?;
    let jobs = recorded_jobs(dir);
    let queue = match jobs.get("array") {
        Some(id) => queue_states(id)?,
        None => Default::default(),
    };
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    println!("index  run                                         state        last eval  slurm");
    for run in &runs {
        let (state, last) = match read_outcome(&dir.join(&run.dir)) {
            Ok(o) => (
                match &o.state {
                    RunState::Finished => "finished".to_string(),
                    RunState::Incomplete { .. } => "incomplete".into(),
                    RunState::Diverged { .. } => "diverged".into(),
                },
                o.curve
                    .last()
                    .map_or("-".into(), |c| format!("{} / {}", c.0, o.total_steps)),
            ),
            Err(_) => ("not started".into(), "-".into()),
        };
        let slurm = queue.get(&run.index).map_or("-", String::as_str);
        *counts.entry(state.clone()).or_default() += 1;
        println!(
            "{:>5}  {:<42}  {:<11}  {:>9}  {slurm}",
            run.index,
            run.dir.display(),
            state,
            last
        );
    }
    let summary: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
    println!("{} runs: {}", runs.len(), summary.join(", "));
    if let Some(id) = jobs.get("report") {
        let report = dir.join("report").join("report.md");
        println!(
            "report job {id}: {}",
            if report.exists() {
                report.display().to_string()
            } else {
                "not written yet".into()
            }
        );
    }
    Ok(counts.get("finished") == Some(&runs.len()))
}
