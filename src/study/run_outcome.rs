//! What a run directory says about its run: read from the run's own files only (`run.json`,
//! `eval.csv`, the learning curve written last, and the log a sweep keeps beside them).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::Algo;
use crate::run::files;
use crate::run::record::RunRecord;

/// The log file a sweep writes in each run directory (stdout and stderr of `rfm train`).
pub const TRAIN_LOG: &str = "train.log";

/// The text `rfm train` prints when a loss or parameter went NaN or infinite.
const NON_FINITE_MARK: &str = "non-finite value";

/// Where a run stands.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum RunState {
    /// Evaluated at its last step (the step budget).
    Finished,
    /// Started but stopped (killed, preempted, still running) after `last_eval`.
    Incomplete {
        /// Step of the last evaluation written.
        last_eval: u64,
    },
    /// A loss, parameter or evaluation became non-finite.
    Diverged {
        /// What the run's files say.
        reason: String,
    },
}

/// One run as its directory records it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunOutcome {
    /// The run directory.
    pub dir: PathBuf,
    /// Task name.
    pub task: String,
    /// Algorithm.
    pub algo: Algo,
    /// Master seed.
    pub seed: u64,
    /// Step budget of the run.
    pub total_steps: u64,
    /// `(step, mean evaluation return)` of every evaluation so far.
    pub curve: Vec<(u64, f64)>,
    /// Finished, incomplete or diverged.
    pub state: RunState,
}

impl RunOutcome {
    /// Mean evaluation return at the last evaluation, if any.
    pub fn final_return(&self) -> Option<f64> {
        self.curve.last().map(|&(_, r)| r)
    }
}

/// A run directory whose files cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum OutcomeError {
    /// `run.json` missing or invalid.
    #[error("{0}")]
    Record(String),
    /// `eval.csv` unreadable or malformed.
    #[error("{path}: {reason}")]
    Eval {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

#[derive(serde::Deserialize)]
struct EvalRow {
    step: u64,
    return_mean: f64,
}

/// Reads `dir/eval.csv` as `(step, mean return)` (missing file: no evaluations yet).
///
/// # Errors
/// A malformed file, naming it.
pub fn read_curve(dir: &Path) -> Result<Vec<(u64, f64)>, OutcomeError> {
    let path = dir.join(files::EVAL_CSV);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let err = |reason: String| OutcomeError::Eval {
        path: path.clone(),
        reason,
    };
    let mut reader = csv::Reader::from_path(&path).map_err(|e| err(e.to_string()))?;
    let rows: Vec<_> = reader.deserialize::<EvalRow>().collect();
    let mut curve = Vec::with_capacity(rows.len());
    let last = rows.len().saturating_sub(1);
    for (i, row) in rows.into_iter().enumerate() {
        match row {
            Ok(r) => curve.push((r.step, r.return_mean)),
            // A torn last line of a killed run is not an error: resume truncates it too.
            Err(_) if i == last => {}
            Err(e) => return Err(err(e.to_string())),
        }
    }
    Ok(curve)
}

/// Reads the run in `dir`.
///
/// # Errors
/// [`OutcomeError`] when `run.json` or `eval.csv` cannot be read.
pub fn read_outcome(dir: &Path) -> Result<RunOutcome, OutcomeError> {
    let record = RunRecord::read(dir).map_err(OutcomeError::Record)?;
    let curve = read_curve(dir)?;
    let total_steps = record.config.schedule.total_steps;
    let log = std::fs::read_to_string(dir.join(TRAIN_LOG)).unwrap_or_default();
    let state = if let Some(line) = log.lines().find(|l| l.contains(NON_FINITE_MARK)) {
        RunState::Diverged {
            reason: line.trim().to_string(),
        }
    } else if let Some(&(step, r)) = curve.iter().find(|(_, r)| !r.is_finite()) {
        RunState::Diverged {
            reason: format!("evaluation return {r} at step {step}"),
        }
    } else if curve.last().map(|c| c.0) == Some(total_steps) {
        // The evaluation at the budget is the final return; the figures written after it are
        // a convenience a copy of the results may leave out (paper-notes/results keeps only
        // run.json and eval.csv).
        RunState::Finished
    } else {
        RunState::Incomplete {
            last_eval: curve.last().map_or(0, |c| c.0),
        }
    };
    Ok(RunOutcome {
        dir: dir.to_path_buf(),
        task: record.task.name().to_string(),
        algo: record.config.algo,
        seed: record.seed,
        total_steps,
        curve,
        state,
    })
}

/// Every run directory (a directory holding `run.json`) under `root`, sorted by path.
///
/// # Errors
/// A directory that cannot be listed.
pub fn find_runs(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if dir.join("run.json").is_file() {
            found.push(dir);
            continue;
        }
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}
