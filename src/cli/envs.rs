//! `rfm envs list [--json]` and `rfm envs check <task> [--episodes N] [--seed S]`.

use std::time::Instant;

use anyhow::Result;
use clap::Subcommand;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm_envs::{TaskId, make};

/// The most episodes `rfm envs check` rolls out (about 10⁸ steps, hours of one core).
pub const MAX_CHECK_EPISODES: u64 = 100_000;

/// The `rfm envs` subcommands.
#[derive(Subcommand)]
pub enum EnvsCommand {
    /// Print every task with its observation and action dimensions, control timestep and
    /// episode length.
    List {
        /// Print JSON (an array of objects) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Roll out uniform random actions in [-1, 1] and print mean/min/max return and steps/s.
    Check {
        /// Task name, e.g. cheetah-run (see `rfm envs list`).
        task: TaskId,
        /// Number of episodes (1 to 100 000).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=MAX_CHECK_EPISODES))]
        episodes: u64,
        /// Seed of the ChaCha8 stream used for initial states and actions.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
}

/// Runs an `rfm envs` subcommand.
pub fn run(cmd: EnvsCommand) -> Result<()> {
    match cmd {
        EnvsCommand::List { json } => list(json),
        EnvsCommand::Check {
            task,
            episodes,
            seed,
        } => check(task, episodes, seed),
    }
}

fn list(json: bool) -> Result<()> {
    if json {
        let rows: Vec<serde_json::Value> = TaskId::all()
            .iter()
            .map(|t| {
                let s = t.spec();
                serde_json::json!({
                    "name": s.name,
                    "version": s.version,
                    "obs_dim": s.obs_dim(),
                    "action_dim": s.action_dim(),
                    "control_timestep": s.control_timestep,
                    "substeps": s.substeps,
                    "episode_length": s.episode_length,
                    "observation": s.observation.iter().map(|f| serde_json::json!({"name": f.name, "size": f.size})).collect::<Vec<_>>(),
                    "action": s.action,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        println!(
            "{:<20} {:>7} {:>3} {:>6} {:>12} {:>8} {:>7}",
            "task", "version", "obs", "action", "control dt s", "substeps", "length"
        );
        for t in TaskId::all() {
            let s = t.spec();
            println!(
                "{:<20} {:>7} {:>3} {:>6} {:>12} {:>8} {:>7}",
                s.name,
                s.version,
                s.obs_dim(),
                s.action_dim(),
                s.control_timestep,
                s.substeps,
                s.episode_length
            );
        }
    }
    Ok(())
}

fn check(task: TaskId, episodes: u64, seed: u64) -> Result<()> {
    // Bounded by the argument parser: a `usize` on every supported target.
    let episodes = usize::try_from(episodes)?;
    let mut env = make(task);
    let spec = env.spec();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut obs = vec![0.0f32; spec.obs_dim()];
    let mut action = vec![0.0f32; spec.action_dim()];
    let mut returns = Vec::with_capacity(episodes);
    let mut steps = 0usize;
    let (mut rmin, mut rmax) = (f64::INFINITY, f64::NEG_INFINITY);
    let start = Instant::now();
    let cpu_start = thread_cpu_seconds();
    for _ in 0..episodes {
        env.reset(&mut rng, &mut obs);
        let mut ret = 0.0;
        loop {
            for a in action.iter_mut() {
                *a = rng.random_range(-1.0..=1.0);
            }
            let out = env.step(&action, &mut obs)?;
            steps += 1;
            ret += out.reward.total;
            rmin = rmin.min(out.reward.total);
            rmax = rmax.max(out.reward.total);
            anyhow::ensure!(
                obs.iter().all(|x| x.is_finite()),
                "{task}: non-finite observation at step {}",
                env.elapsed_steps()
            );
            if out.terminated || out.truncated {
                break;
            }
        }
        returns.push(ret);
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds().zip(cpu_start).map(|(b, a)| b - a);
    let n = returns.len() as f64;
    let mean = returns.iter().sum::<f64>() / n;
    let sd = (returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / n).sqrt();
    let min = returns.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = returns.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    println!(
        "task {task} (v{}), {episodes} episodes, seed {seed}, uniform random actions",
        spec.version
    );
    println!("return: mean {mean:.2} ± {sd:.2} (sd), min {min:.2}, max {max:.2}");
    println!("per-step reward: min {rmin:.3e}, max {rmax:.3}");
    println!(
        "{steps} steps in {secs:.2} s: {:.0} steps/s (one thread, resets included)",
        steps as f64 / secs
    );
    if let Some(cpu) = cpu {
        println!(
            "on-CPU time {cpu:.2} s: {:.0} steps per CPU-second (excludes waiting for a CPU; a busy SMT sibling still slows it)",
            steps as f64 / cpu
        );
    }
    Ok(())
}

/// This thread's on-CPU time in seconds (Linux `/proc/thread-self/schedstat`), if available.
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns * 1e-9)
}
