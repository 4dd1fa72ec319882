#![allow(dead_code)]
//! Shared by the sweep tests: a tiny pendulum-swingup study and the comparison of a resumed
//! run with an uninterrupted one. Included by path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Overrides that make a few hundred steps a real run: 50-step episodes (so checkpoints are
/// taken every 50 steps, at episode ends), updates from step 100, evaluations every 100 steps.
pub const OVERRIDES: &str = "[schedule]\nrandom_steps = 100\neval_every = 100\neval_episodes = 2\n\
checkpoint_every = 50\nmax_episode_steps = 50\nlog_every = 50\nbatch_size = 64\n";

/// Steps per run.
pub const STEPS: u64 = 400;

/// A fresh, empty, absolute directory under the system temp dir.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rfm-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A fresh scratch directory holding the study's overrides: `(root, root/overrides.toml)`.
pub fn study_scratch(name: &str) -> (PathBuf, PathBuf) {
    let root = scratch(name);
    let config = root.join("overrides.toml");
    std::fs::write(&config, OVERRIDES).unwrap();
    (root, config)
}

/// `rfm sweep` of the tiny study (pendulum-swingup, rfm and sac, the given seeds, `demo`
/// preset, [`STEPS`] steps, the overrides `config`) into `out`; the caller adds the mode
/// (`--local N` or `--slurm`).
pub fn tiny_sweep(seeds: &str, config: &Path, out: &Path) -> Command {
    let mut c = rfm();
    c.args(["sweep", "--tasks", "pendulum-swingup", "--algos", "rfm,sac"])
        .args([
            "--seeds",
            seeds,
            "--preset",
            "demo",
            "--steps",
            &STEPS.to_string(),
        ])
        .arg("--config")
        .arg(config)
        .arg("--out")
        .arg(out);
    c
}

/// The `rfm` binary under test.
pub fn rfm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rfm"))
}

/// Trains `algo` seed `seed` uninterrupted into `out`, exactly as the sweep's runs are set up.
pub fn reference_run(algo: &str, seed: u64, config: &Path, out: &Path) {
    let status = rfm()
        .args([
            "train",
            "--task",
            "pendulum-swingup",
            "--algo",
            algo,
            "--preset",
            "demo",
        ])
        .args(["--seed", &seed.to_string(), "--steps", &STEPS.to_string()])
        .arg("--config")
        .arg(config)
        .arg("--out")
        .arg(out)
        .args(["--threads", "1", "--quiet"])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

fn tensors(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    st.tensors()
        .into_iter()
        .map(|(name, view)| (name, view.data().to_vec()))
        .collect()
}

/// `train.csv` without its wall-clock column (`steps_per_second`).
fn train_rows(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("train.csv")).unwrap();
    text.lines()
        .map(|l| l.rsplit_once(',').map_or(l, |(a, _)| a).to_string())
        .collect()
}

/// The resumed run in `a` equals the uninterrupted run in `b`: same `eval.csv` bytes (no step
/// lost or repeated), same training log, bit-identical final weights.
pub fn assert_same_run(a: &Path, b: &Path) {
    let eval = |d: &Path| std::fs::read_to_string(d.join("eval.csv")).unwrap();
    assert_eq!(
        eval(a),
        eval(b),
        "eval.csv of {} and {}",
        a.display(),
        b.display()
    );
    assert_eq!(
        train_rows(a),
        train_rows(b),
        "train.csv of {} and {}",
        a.display(),
        b.display()
    );
    assert!(
        tensors(&a.join("agent.safetensors")) == tensors(&b.join("agent.safetensors")),
        "final weights of {} and {} differ",
        a.display(),
        b.display()
    );
}
