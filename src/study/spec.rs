//! A sweep: tasks × algorithms × seeds, one preset, an optional step budget and config
//! overrides with the same typed keys as `rfm train --config`. Checked completely before any
//! run starts; every run gets a deterministic directory `runs/<task>/<algo>/seed-<seed>`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rfm_envs::TaskId;
use serde::{Deserialize, Serialize};

use crate::config::{Algo, ConfigError, Preset, TrainConfig};

/// The spec file saved in the sweep directory.
pub const SPEC_FILE: &str = "sweep.toml";
/// The `[config]` overrides, written as a config file every run is given with `--config`.
pub const OVERRIDES_FILE: &str = "overrides.toml";
/// Where the run directories live inside the sweep directory.
pub const RUNS_DIR: &str = "runs";

fn one() -> usize {
    1
}

/// A sweep specification (`sweep.toml`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// Task names (see `rfm envs list`).
    pub tasks: Vec<String>,
    /// Algorithms.
    pub algos: Vec<Algo>,
    /// Master seeds.
    pub seeds: Vec<u64>,
    /// Preset every run starts from.
    pub preset: Preset,
    /// Environment steps per run (default: the preset's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<u64>,
    /// Worker threads of each run (default 1). Runs are identical only at equal counts.
    #[serde(default = "one")]
    pub threads: usize,
    /// Overrides layered over the preset of every run, as in a `--config` file.
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub config: toml::Table,
}

/// One run of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRun {
    /// Position in the sweep (the Slurm array index).
    pub index: usize,
    /// Task.
    pub task: TaskId,
    /// Algorithm.
    pub algo: Algo,
    /// Master seed.
    pub seed: u64,
    /// Its configuration, validated.
    pub config: TrainConfig,
    /// Run directory relative to the sweep directory.
    pub dir: PathBuf,
}

/// A spec that cannot run.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file is not valid TOML or has unknown keys.
    #[error("sweep spec {path}: {reason}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A list is empty.
    #[error("sweep spec: `{0}` is empty; give at least one")]
    Empty(&'static str),
    /// A list names the same value twice.
    #[error("sweep spec: `{list}` names {value} twice")]
    Duplicate {
        /// The list.
        list: &'static str,
        /// The repeated value.
        value: String,
    },
    /// An unknown task.
    #[error("sweep spec: {0}")]
    Task(String),
    /// `threads` is 0.
    #[error("sweep spec: threads = 0; allowed: 1 or more (each run's worker threads)")]
    Threads,
    /// The overrides set `algo`, which the sweep's `algos` decides.
    #[error("sweep spec: [config] sets algo; list algorithms in `algos` instead")]
    AlgoInConfig,
    /// The overrides are invalid for one algorithm.
    #[error("sweep spec [config] for algo {algo}: {source}")]
    Config {
        /// The algorithm whose configuration failed.
        algo: Algo,
        /// The check that failed.
        source: ConfigError,
    },
}

fn no_duplicates<T: Ord + std::fmt::Display>(
    list: &'static str,
    items: &[T],
) -> Result<(), SpecError> {
    if items.is_empty() {
        return Err(SpecError::Empty(list));
    }
    let mut seen = BTreeSet::new();
    for item in items {
        if !seen.insert(item) {
            return Err(SpecError::Duplicate {
                list,
                value: item.to_string(),
            });
        }
    }
    Ok(())
}

impl SweepSpec {
    /// Reads and checks a spec file.
    ///
    /// # Errors
    /// [`SpecError`] naming what is wrong.
    pub fn read(path: &Path) -> Result<Self, SpecError> {
        let parse = |reason: String| SpecError::Parse {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| parse(e.to_string()))?;
        let spec: SweepSpec = toml::from_str(&text).map_err(|e| parse(e.message().into()))?;
        spec.plan()?;
        Ok(spec)
    }

    /// The spec as TOML (what [`SPEC_FILE`] holds).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a spec always serialises")
    }

    /// The `[config]` table as a config file (empty when there are no overrides).
    pub fn overrides_toml(&self) -> String {
        toml::to_string(&self.config).expect("a table always serialises")
    }

    /// Every run in order tasks × algorithms × seeds, each configuration built exactly as
    /// `rfm train --preset P --config overrides.toml --steps N` builds it.
    ///
    /// # Errors
    /// [`SpecError`]: empty or repeated lists, unknown tasks, invalid overrides.
    pub fn plan(&self) -> Result<Vec<PlannedRun>, SpecError> {
        no_duplicates("tasks", &self.tasks)?;
        let algo_names: Vec<&str> = self.algos.iter().map(|a| a.name()).collect();
        no_duplicates("algos", &algo_names)?;
        no_duplicates("seeds", &self.seeds)?;
        if self.threads == 0 {
            return Err(SpecError::Threads);
        }
        if self.config.contains_key("algo") {
            return Err(SpecError::AlgoInConfig);
        }
        let tasks: Vec<TaskId> = self
            .tasks
            .iter()
            .map(|t| {
                t.parse::<TaskId>()
                    .map_err(|e| SpecError::Task(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let overrides = self.overrides_toml();
        let mut configs = Vec::with_capacity(self.algos.len());
        for &algo in &self.algos {
            let checked = |source| SpecError::Config { algo, source };
            let mut config = TrainConfig::preset(algo, self.preset)
                .overlay_toml(&overrides)
                .map_err(checked)?;
            if let Some(steps) = self.steps {
                config.schedule.total_steps = steps;
            }
            config.validate().map_err(checked)?;
            configs.push(config);
        }
        let mut runs = Vec::new();
        for task in &tasks {
            for (algo, config) in self.algos.iter().zip(&configs) {
                for &seed in &self.seeds {
                    runs.push(PlannedRun {
                        index: runs.len(),
                        task: *task,
                        algo: *algo,
                        seed,
                        config: config.clone(),
                        dir: Path::new(RUNS_DIR)
                            .join(task.name())
                            .join(algo.name())
                            .join(format!("seed-{seed}")),
                    });
                }
            }
        }
        Ok(runs)
    }
}
