//! `run.json`: everything needed to reproduce or resume a run.

use std::path::Path;

use rfm_envs::TaskId;
use serde::{Deserialize, Serialize};

use crate::config::memory::{check_memory, machine_memory};
use crate::config::settings::TrainConfig;
use crate::config::source::{shorten, shorten_quoted};
use crate::config::{ConfigError, Preset};
use crate::run::threads::MAX_THREADS;

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
    /// Preset the config started from (`paper`, `cpu` or `demo`), before any config file; an
    /// unknown name is an error naming the allowed ones when the record is read.
    pub preset: Preset,
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

    /// Reads `dir/run.json` and [`validate`](Self::validate)s it.
    ///
    /// # Errors
    /// A message naming the file and what is wrong with it.
    pub fn read(dir: &Path) -> Result<Self, String> {
        let path = dir.join("run.json");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses a record (`run.json`, or the copy inside a checkpoint) and validates it, so that
    /// every source of a record passes the same checks before anything is allocated.
    ///
    /// # Errors
    /// Malformed JSON (long values cut) or a [`ConfigError`] from [`validate`](Self::validate).
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let record: RunRecord = serde_json::from_str(text).map_err(|e| ConfigError::Parse {
            line: e.line(),
            column: e.column(),
            message: shorten_quoted(&e.to_string()),
        })?;
        record.validate()?;
        Ok(record)
    }

    /// The one validation of a record: its configuration's ranges, the thread count, and the
    /// memory the run needs on this machine.
    ///
    /// # Errors
    /// The first [`ConfigError`] found.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.config.validate()?;
        if self.threads == 0 || self.threads > MAX_THREADS {
            return Err(ConfigError::OutOfRange {
                key: "threads",
                value: self.threads.to_string(),
                allowed: format!("an integer in [1, {MAX_THREADS}]"),
            });
        }
        let spec = self.task.spec();
        check_memory(
            &self.config,
            spec.obs_dim(),
            spec.action_dim(),
            machine_memory(),
        )?;
        Ok(())
    }

    /// The first field (as a JSON path) on which `self` and `other` disagree, with both values.
    pub fn first_difference(&self, other: &RunRecord) -> Option<(String, String, String)> {
        let a = serde_json::to_value(self).expect("record serialises");
        let b = serde_json::to_value(other).expect("record serialises");
        first_difference(&a, &b, String::new())
    }
}

/// The git commit this crate was built from (embedded by `build.rs` at compile time), or
/// `unknown` when it was built outside a git checkout.
pub const GIT_COMMIT: &str = env!("RFM_GIT_COMMIT");

fn first_difference(
    a: &serde_json::Value,
    b: &serde_json::Value,
    path: String,
) -> Option<(String, String, String)> {
    match (a, b) {
        (serde_json::Value::Object(x), serde_json::Value::Object(y)) => {
            for (k, va) in x {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match y.get(k) {
                    Some(vb) => {
                        if let Some(d) = first_difference(va, vb, p) {
                            return Some(d);
                        }
                    }
                    None => return Some((p, shorten(&va.to_string()), "missing".into())),
                }
            }
            None
        }
        _ if a == b => None,
        _ => Some((path, shorten(&a.to_string()), shorten(&b.to_string()))),
    }
}

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
