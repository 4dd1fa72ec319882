//! The `rfm train` command of one run of a sweep: a fresh start when the run directory has no
//! `run.json`, `--resume` when it has one (a killed, preempted or requeued run continues from its
//! last checkpoint, which reproduces the uninterrupted run exactly). Output goes to the run's
//! own log file, appended across attempts.

use std::fs::OpenOptions;
use std::path::Path;
use std::process::{Command, Stdio};

use clap::ValueEnum;

use super::run_outcome::TRAIN_LOG;
use super::spec::{OVERRIDES_FILE, PlannedRun, SweepSpec};

/// The arguments after `rfm` that train (or resume) `run` of the sweep in `sweep_dir`.
pub fn train_args(sweep_dir: &Path, spec: &SweepSpec, run: &PlannedRun) -> Vec<String> {
    let dir = sweep_dir.join(&run.dir);
    let threads = spec.threads.to_string();
    if dir.join("run.json").is_file() {
        return vec![
            "train".into(),
            "--resume".into(),
            dir.display().to_string(),
            "--threads".into(),
            threads,
            "--quiet".into(),
        ];
    }
    let preset = spec
        .preset
        .to_possible_value()
        .expect("every preset has a name");
    let mut args = vec![
        "train".to_string(),
        "--task".into(),
        run.task.name().into(),
        "--algo".into(),
        run.algo.name().into(),
        "--seed".into(),
        run.seed.to_string(),
        "--preset".into(),
        preset.get_name().into(),
    ];
    if let Some(steps) = spec.steps {
        args.extend(["--steps".into(), steps.to_string()]);
    }
    if !spec.config.is_empty() {
        args.extend([
            "--config".into(),
            sweep_dir.join(OVERRIDES_FILE).display().to_string(),
        ]);
    }
    args.extend([
        "--out".into(),
        dir.display().to_string(),
        "--threads".into(),
        threads,
        "--quiet".into(),
    ]);
    args
}

/// `exe` (the running `rfm` binary) with [`train_args`], stdout and stderr appended to the
/// run's log; creates the run directory.
///
/// # Errors
/// The run directory or its log cannot be created.
pub fn train_command(
    exe: &Path,
    sweep_dir: &Path,
    spec: &SweepSpec,
    run: &PlannedRun,
) -> std::io::Result<Command> {
    let args = train_args(sweep_dir, spec, run);
    let dir = sweep_dir.join(&run.dir);
    std::fs::create_dir_all(&dir)?;
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(TRAIN_LOG))?;
    let mut cmd = Command::new(exe);
    cmd.args(&args)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    Ok(cmd)
}
