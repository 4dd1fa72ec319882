//! `run.json`: everything needed to reproduce or resume a run.

use std::path::Path;

use rfm_envs::TaskId;
use serde::{Deserialize, Serialize};

use crate::config::settings::TrainConfig;

/// The record written at the start of a run (and read back by `--resume` and `rfm eval`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRecord {
    /// Task (written as the CLI spells it, e.g. `cheetah-run`; an unknown name is an error
    /// naming the allowed ones when the record is read).
    #[serde(with = "task_name")]
    pub task: TaskId,
    /// Master seed.
    pub seed: u64,
    /// Preset the config started from (`paper`, `cpu` or `demo`; free text for runs built in
    /// code), before any config file.
    pub preset: String,
    /// The full, validated configuration in force.
    pub config: TrainConfig,
    /// Worker threads (rayon pool) used for the run; runs are identical only at equal counts.
    pub threads: usize,
    /// `rfm` crate version.
    pub rfm_version: String,
    /// Git commit of the source tree the binary was built from (`unknown` when built outside a
    /// git checkout).
    pub git_commit: String,
    /// Scalar type of the networks (`f32`).
    pub scalar: String,
    /// Unix time (seconds) when the run started.
    pub started_unix: u64,
}

impl RunRecord {
    /// Writes the record as pretty JSON, atomically (temporary file, then rename).
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let path = dir.join("run.json");
        let tmp = dir.join("run.json.tmp");
        std::fs::write(
            &tmp,
            serde_json::to_string_pretty(self).expect("record serialises"),
        )?;
        std::fs::rename(tmp, path)
    }

    /// Reads `dir/run.json`.
    ///
    /// # Errors
    /// A message naming the file and what is wrong with it.
    pub fn read(dir: &Path) -> Result<Self, String> {
        let path = dir.join("run.json");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// The git commit this crate was built from (embedded by `build.rs` at compile time), or
/// `unknown` when it was built outside a git checkout.
pub const GIT_COMMIT: &str = env!("RFM_GIT_COMMIT");

/// A task as its CLI name in `run.json`.
mod task_name {
    use rfm_envs::TaskId;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(task: &TaskId, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(task.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TaskId, D::Error> {
        let name = String::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
