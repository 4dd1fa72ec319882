//! What a run of the training loop ends with: its outcome, the signal that stopped it, or the
//! error that ended it.

use std::path::PathBuf;

use crate::checkpoint::CheckpointError;
use crate::run::RunDirError;

/// A failed run.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A file of the run directory could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A checkpoint could not be written or read.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    /// A loss or parameter became NaN or infinite.
    #[error(
        "non-finite value at env step {step} (update {update}): {what}. The run stopped; the last good checkpoint is {checkpoint}. Try a smaller learning rate or gradient clipping (critic.max_grad_norm / actor.max_grad_norm)."
    )]
    NonFinite {
        /// Env step.
        step: u64,
        /// Update count.
        update: u64,
        /// What went non-finite.
        what: String,
        /// The checkpoint kept.
        checkpoint: String,
    },
    /// The run directory cannot be resumed.
    #[error("cannot resume {dir}: {reason}")]
    Resume {
        /// The directory.
        dir: PathBuf,
        /// Why.
        reason: String,
    },
    /// The policy produced an action the env rejects.
    #[error("env rejected an action: {0}")]
    Action(String),
    /// The run directory is in use, holds another run, or cannot be prepared.
    #[error(transparent)]
    RunDir(#[from] RunDirError),
}

/// What a finished (or halted) run reports.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainOutcome {
    /// `(step, mean return)` of every evaluation of this call (after a resume, only the
    /// evaluations since the checkpoint; `eval.csv` holds the whole run).
    pub evals: Vec<(u64, f64)>,
    /// Env steps done.
    pub steps: u64,
    /// Updates done.
    pub updates: u64,
    /// True when stopped by `halt_after`.
    pub halted: bool,
    /// The signal that stopped the run (a checkpoint of the last step was written).
    pub signal: Option<SignalStop>,
}

/// A run stopped by SIGINT/SIGTERM after checkpointing its last step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignalStop {
    /// The signal number.
    pub signal: i32,
    /// Whether the step was inside an episode (the resumed run re-enacts it first).
    pub mid_episode: bool,
}
