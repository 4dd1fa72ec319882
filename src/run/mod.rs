//! The run directory: `run.json` (the record), the CSV logs, the resumable state.
//!
//! Nothing here knows an algorithm: the state file is the union of the run's
//! [`crate::checkpoint::Persist`] parts plus the loop's counters and random streams.

pub mod csv_log;
pub mod record;
pub mod state;

/// File names inside a run directory.
pub mod files {
    /// Evaluation returns.
    pub const EVAL_CSV: &str = "eval.csv";
    /// Training metrics.
    pub const TRAIN_CSV: &str = "train.csv";
    /// Full resumable state.
    pub const CHECKPOINT: &str = "checkpoint.safetensors";
    /// Agent only (for `rfm eval`).
    pub const AGENT: &str = "agent.safetensors";
    /// Learning curve (written by `rfm train`).
    pub const CURVE_SVG: &str = "learning_curve.svg";
}
