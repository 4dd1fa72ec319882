//! `rfm sweep --slurm`: the sweep as one Slurm job array (one index per run) plus a dependent
//! report job, using only Slurm's own commands (`sbatch`, `squeue`). Slurm schedules; rfm
//! writes the script. A requeued or preempted index starts `rfm sweep --exec` again, which
//! resumes the run from its checkpoint.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::spec::PlannedRun;

/// Scripts, job ids and Slurm's own logs, inside the sweep directory.
pub const SLURM_DIR: &str = "slurm";
/// The job-array script.
pub const ARRAY_SCRIPT: &str = "array.sbatch";
/// Ids of the last submission (`array` and `report`), one `key=id` per line.
pub const JOBS_FILE: &str = "jobs.txt";

/// Options a cluster's users need.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SlurmOptions {
    /// `--partition`.
    pub partition: Option<String>,
    /// `--account`.
    pub account: Option<String>,
    /// `--qos`.
    pub qos: Option<String>,
    /// Extra `#SBATCH` lines, each an sbatch option such as `--mem=4G`.
    pub extra: Vec<String>,
    /// Array concurrency limit (`--array=…%N`).
    pub max_running: Option<usize>,
    /// `--time` of every array task, in minutes.
    pub minutes: u64,
}

/// A Slurm command that failed.
#[derive(Debug, thiserror::Error)]
pub enum SlurmError {
    /// The command could not be started (Slurm not installed?).
    #[error("cannot run {command}: {source} (is Slurm installed and on PATH?)")]
    Spawn {
        /// The command.
        command: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The command exited with an error.
    #[error("{command} failed: {stderr}")]
    Failed {
        /// The command.
        command: String,
        /// What it printed.
        stderr: String,
    },
    /// A sweep file could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// `--array` ranges of the given indices, e.g. `0-3,5,7-8`.
pub fn array_ranges(indices: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let mut j = i;
        while j + 1 < indices.len() && indices[j + 1] == indices[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            indices[i].to_string()
        } else {
            format!("{}-{}", indices[i], indices[j])
        });
        i = j + 1;
    }
    parts.join(",")
}

/// `D-HH:MM:SS` for Slurm's `--time`.
pub fn time_limit(minutes: u64) -> String {
    format!(
        "{}-{:02}:{:02}:00",
        minutes / 1440,
        minutes / 60 % 24,
        minutes % 60
    )
}

fn common_lines(opts: &SlurmOptions) -> Vec<String> {
    let mut lines = Vec::new();
    for (flag, value) in [
        ("partition", &opts.partition),
        ("account", &opts.account),
        ("qos", &opts.qos),
    ] {
        if let Some(v) = value {
            lines.push(format!("--{flag}={v}"));
        }
    }
    lines
}

fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

/// The job-array script of `runs` (the unfinished runs of the sweep in `sweep_dir`, an
/// absolute path), each index running `exe sweep --exec DIR --index I` with `threads` CPUs.
pub fn array_script(
    exe: &Path,
    sweep_dir: &Path,
    runs: &[&PlannedRun],
    threads: usize,
    opts: &SlurmOptions,
) -> String {
    let indices: Vec<usize> = runs.iter().map(|r| r.index).collect();
    let name = sweep_dir
        .file_name()
        .map_or("sweep".into(), |n| n.to_string_lossy().into_owned());
    let logs = sweep_dir.join(SLURM_DIR).join("logs");
    let mut array = array_ranges(&indices);
    if let Some(n) = opts.max_running {
        array.push_str(&format!("%{n}"));
    }
    let mut lines = vec![
        format!("--job-name=rfm-{name}"),
        format!("--array={array}"),
        "--ntasks=1".into(),
        format!("--cpus-per-task={threads}"),
        format!("--time={}", time_limit(opts.minutes)),
        "--requeue".into(),
        "--open-mode=append".into(),
        format!("--output={}/index-%a.out", logs.display()),
    ];
    lines.extend(common_lines(opts));
    lines.extend(opts.extra.iter().cloned());
    let mut s = String::from("#!/bin/bash\n");
    for l in &lines {
        s.push_str(&format!("#SBATCH {l}\n"));
    }
    s.push_str(&format!(
        "# rfm sweep: one array index per run of {}/sweep.toml ({} runs here).\n\
         # A requeued or preempted index resumes its run from the last checkpoint:\n\
         # `rfm sweep --exec` starts `rfm train --resume` once the run has a run.json.\n\
         # The run's own output is appended to <run dir>/train.log.\n\
         set -euo pipefail\n\
         echo \"index $SLURM_ARRAY_TASK_ID on $(hostname) at $(date -u +%FT%TZ), restart ${{SLURM_RESTART_COUNT:-0}}\"\n\
         exec {} sweep --exec {} --index \"$SLURM_ARRAY_TASK_ID\"\n",
        sweep_dir.display(),
        runs.len(),
        quote(exe),
        quote(sweep_dir),
    ));
    s
}

/// `sbatch` arguments of the report job, run after every index of `array_id` ended.
pub fn report_args(
    exe: &Path,
    sweep_dir: &Path,
    array_id: &str,
    opts: &SlurmOptions,
) -> Vec<String> {
    let mut args = vec![
        "--parsable".to_string(),
        format!("--dependency=afterany:{array_id}"),
        "--job-name=rfm-report".into(),
        "--ntasks=1".into(),
        "--cpus-per-task=1".into(),
        "--time=0-00:30:00".into(),
        format!(
            "--output={}",
            sweep_dir.join(SLURM_DIR).join("report.out").display()
        ),
    ];
    args.extend(common_lines(opts));
    args.push(format!(
        "--wrap=exec {} report {} --out {}",
        quote(exe),
        quote(sweep_dir),
        quote(&sweep_dir.join("report"))
    ));
    args
}

fn run(command: &str, args: &[String]) -> Result<String, SlurmError> {
    let out = Command::new(command)
        .args(args)
        .output()
        .map_err(|source| SlurmError::Spawn {
            command: command.into(),
            source,
        })?;
    if !out.status.success() {
        return Err(SlurmError::Failed {
            command: format!("{command} {}", args.join(" ")),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Submits the array script (already written to `script`) and the report job; records both
/// ids in [`JOBS_FILE`]. Returns `(array id, report id)`.
///
/// # Errors
/// [`SlurmError`] from sbatch or the file.
pub fn submit(
    exe: &Path,
    sweep_dir: &Path,
    script: &Path,
    opts: &SlurmOptions,
) -> Result<(String, String), SlurmError> {
    let parsable = |s: String| s.split(';').next().unwrap_or_default().to_string();
    let array = parsable(run(
        "sbatch",
        &["--parsable".into(), script.display().to_string()],
    )?);
    let report = parsable(run("sbatch", &report_args(exe, sweep_dir, &array, opts))?);
    let path = sweep_dir.join(SLURM_DIR).join(JOBS_FILE);
    std::fs::write(&path, format!("array={array}\nreport={report}\n"))
        .map_err(|source| SlurmError::Io { path, source })?;
    Ok((array, report))
}

/// The ids recorded by the last [`submit`] in `sweep_dir` (`array`, `report`).
pub fn recorded_jobs(sweep_dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(sweep_dir.join(SLURM_DIR).join(JOBS_FILE))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Slurm's state of every index of `array_id` still known to `squeue` (index → state, e.g.
/// `RUNNING`, `PENDING`); empty when the job has left the queue.
///
/// # Errors
/// [`SlurmError::Spawn`] when squeue is missing.
pub fn queue_states(array_id: &str) -> Result<BTreeMap<usize, String>, SlurmError> {
    let args: Vec<String> = ["-h", "-r", "-j", array_id, "-o", "%K|%T"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let text = match run("squeue", &args) {
        Ok(t) => t,
        // A job that has left the queue: squeue answers "Invalid job id".
        Err(SlurmError::Failed { .. }) => String::new(),
        Err(e) => return Err(e),
    };
    Ok(text
        .lines()
        .filter_map(|l| l.split_once('|'))
        .filter_map(|(k, s)| Some((k.trim().parse().ok()?, s.trim().to_string())))
        .collect())
}
