//! `rfm eval`: evaluate a saved agent.

use std::path::PathBuf;

use clap::Args;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::checkpoint::Checkpoint;
use rfm::config::check::MAX_EVAL_EPISODES;
use rfm::rl::build::build_agent;
use rfm::rl::evaluate::evaluate;
use rfm::run::state::record_of;

/// Arguments of `rfm eval`.
#[derive(Args, Debug, Clone)]
pub struct EvalArgs {
    /// `agent.safetensors` or `checkpoint.safetensors` of a run.
    #[arg(long)]
    pub checkpoint: PathBuf,
    /// Episodes, 1 to 1000 (default: the run's `schedule.eval_episodes`).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=MAX_EVAL_EPISODES))]
    pub episodes: Option<u64>,
    /// Seed of the sampler noise.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// Runs `rfm eval` and prints the returns.
///
/// # Errors
/// Unreadable, corrupt or mismatched checkpoint.
pub fn run(args: &EvalArgs) -> anyhow::Result<()> {
    let c = Checkpoint::read(&args.checkpoint)?;
    let record = record_of(&c)?;
    let task = record.task;
    let spec = task.spec();
    let mut agent = build_agent::<f32, _>(
        &record.config,
        spec.obs_dim(),
        spec.action_dim(),
        &mut ChaCha8Rng::seed_from_u64(0),
    );
    agent.load(&c)?;
    // Bounded by the argument parser (and, for the record's value, by its validation).
    let episodes = args
        .episodes
        .map_or(record.config.schedule.eval_episodes, |n| n as usize);
    let res = evaluate(
        agent.as_mut(),
        task,
        episodes,
        record.config.schedule.max_episode_steps,
        args.seed,
    )?;
    let [mean, std, min, max, n] = res.row();
    println!(
        "{} on {} (step {}): return {mean:.1} ± {std:.1} over {n} episodes (min {min:.1}, max {max:.1})",
        record.config.algo,
        record.task,
        c.metadata("step").unwrap_or("?")
    );
    Ok(())
}
