//! The run directory: `run.json` (the record), the CSV logs, the resumable state; one writer
//! at a time ([`lock`]), no run replaced unasked and no stale temporary files ([`directory`]),
//! clean stops on SIGINT/SIGTERM ([`stop`]).
//!
//! Nothing here knows an algorithm: the state file is the union of the run's
//! [`crate::checkpoint::Persist`] parts plus the loop's counters and random streams.

pub mod csv_log;
pub mod directory;
pub mod error;
pub mod lock;
pub mod record;
pub mod state;
pub mod stop;
pub mod threads;

pub use error::RunDirError;
pub use lock::RunLock;
pub use stop::StopRequest;

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
    /// The run record.
    pub const RUN_RECORD: &str = "run.json";
    /// Every file a run writes (what `--overwrite` replaces).
    pub const ALL: [&str; 6] = [
        RUN_RECORD, EVAL_CSV, TRAIN_CSV, CHECKPOINT, AGENT, CURVE_SVG,
    ];
}
