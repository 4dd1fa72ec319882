//! `rfm eval`: evaluate a saved agent.

use std::path::PathBuf;

use clap::Args;
use rfm::checkpoint::describe::Content;
use rfm::config::check::MAX_EVAL_EPISODES;
use rfm::rl::evaluate::evaluate;
use rfm::rl::saved::load_saved_agent;

/// Arguments of `rfm eval`: exactly one of `--checkpoint` and `--weights`.
#[derive(Args, Debug, Clone)]
pub struct EvalArgs {
    /// A run's full state, `checkpoint.safetensors` (agent with optimiser state and replay).
    #[arg(long, required_unless_present = "weights", conflicts_with = "weights")]
    pub checkpoint: Option<PathBuf>,
    /// An agent's networks without optimiser state, `agent.safetensors`.
    #[arg(long)]
    pub weights: Option<PathBuf>,
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
    let (path, content) = match (&args.checkpoint, &args.weights) {
        (Some(p), _) => (p, Content::State),
        (None, Some(p)) => (p, Content::Weights),
        (None, None) => anyhow::bail!("give --checkpoint FILE or --weights FILE"),
    };
    let saved = load_saved_agent(path, Some(content))?;
    let (mut agent, record, c) = (saved.agent, saved.record, saved.checkpoint);
    let task = record.task;
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
