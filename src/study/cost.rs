//! Wall-clock cost of one environment step (act, step, store and the step's update) per
//! algorithm and preset, at one thread, used to set a Slurm job's `--time`. Only the cases
//! `paper-notes/presets.md` measured are known; for the others `rfm sweep --slurm` asks for
//! `--time-minutes` rather than guess.

use crate::config::{Algo, Preset};

/// Seconds per environment step after the random-action phase, one thread, where measured:
///
/// - `cpu` rfm: ≈ 11 env steps/s, one thread, cartpole-swingup (presets.md, the one-hour run);
/// - `paper` rfm: 0.357 s per update at two threads (criterion, quiet); one thread taken as
///   twice that (the update is GEMM-bound and splits over threads), 0.72 s;
/// - `paper` sac: 8.2 ms per update at two threads, doubled, plus ≈ 1 ms of env and acting;
/// - `demo` rfm 42 env steps/s and `demo` sac 1630 env steps/s (presets.md, demo runs).
pub fn seconds_per_step(algo: Algo, preset: Preset) -> Option<f64> {
    match (preset, algo) {
        (Preset::Cpu, Algo::Rfm) => Some(1.0 / 11.0),
        (Preset::Paper, Algo::Rfm) => Some(0.72),
        (Preset::Paper, Algo::Sac) => Some(0.0174),
        (Preset::Demo, Algo::Rfm) => Some(1.0 / 42.0),
        (Preset::Demo, Algo::Sac) => Some(1.0 / 1630.0),
        _ => None,
    }
}

/// `--time` in minutes for `steps` environment steps: the cost times `margin`, plus 10 minutes
/// for start-up, evaluations and checkpoints, rounded up; `None` where the cost is unmeasured.
pub fn minutes_for(algo: Algo, preset: Preset, steps: u64, margin: f64) -> Option<u64> {
    seconds_per_step(algo, preset).map(|s| (steps as f64 * s * margin / 60.0).ceil() as u64 + 10)
}
