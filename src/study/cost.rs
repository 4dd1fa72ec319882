//! Cost of one environment step (act, step, store and the step's update) per algorithm and
//! preset, at one thread, used to set a Slurm job's `--time`. Every pair is measured
//! (`paper-notes/results/costs.md`, script `benches/step_cost.sh`): a new algorithm or preset
//! does not compile here until it has a measurement.

use crate::config::{Algo, Preset};

/// Seconds of one-thread CPU time (user + system) per environment step after the random-action
/// phase, on cheetah-run (action dimension 6, the largest with walker), 2026-12-02, rfm 6fbfd44.
/// Measured by difference: two runs that differ only in their number of update steps (same
/// start-up, random phase and evaluations), cost = ΔCPU / Δsteps. CPU time rather than wall
/// time because the machine was shared; a one-thread Slurm task on its own core runs at its
/// CPU time. Evaluation episodes are not included: the short runs bound their cost at ≤ 1.8 ms
/// per acting step (`paper`), ≤ 1 % of a run at the presets' evaluation schedules (costs.md).
pub fn seconds_per_step(algo: Algo, preset: Preset) -> f64 {
    use Algo::*;
    match preset {
        Preset::Paper => match algo {
            Rfm => 0.504,
            Qne => 1.174,
            MaxEntDp => 1.208,
            Dqs => 1.783,
            Qsm => 0.676,
            Qvpo => 0.825,
            Sac => 0.006_55,
        },
        Preset::Cpu => match algo {
            Rfm => 0.060_0,
            Qne => 0.072_7,
            MaxEntDp => 0.083_8,
            Dqs => 0.080_7,
            Qsm => 0.073_2,
            Qvpo => 0.243_9,
            Sac => 0.008_78,
        },
        Preset::Demo => match algo {
            Rfm => 0.006_07,
            Qne => 0.007_42,
            MaxEntDp => 0.009_01,
            Dqs => 0.007_74,
            Qsm => 0.006_01,
            Qvpo => 0.025_2,
            Sac => 0.000_558,
        },
    }
}

/// `--time` in minutes for `steps` environment steps: the cost times `margin`, plus 10 minutes
/// for start-up, evaluations and checkpoints, rounded up.
pub fn minutes_for(algo: Algo, preset: Preset, steps: u64, margin: f64) -> u64 {
    (steps as f64 * seconds_per_step(algo, preset) * margin / 60.0).ceil() as u64 + 10
}
