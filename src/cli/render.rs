//! `rfm render <task> [--checkpoint F] [--seed S] --out rollout.gif`: one episode to an animated
//! GIF (side view for planar tasks, a fixed camera for fish), drawn by rfm-envs' rasteriser.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use ndarray::{ArrayView2, ArrayViewMut2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use rfm::rl::agent::{ActMode, Agent};
use rfm::rl::saved::load_saved_agent;

use rfm_envs::render::{RenderOptions, render_rollout};
use rfm_envs::{TaskId, make};

/// The policy that acts when no checkpoint is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UntrainedPolicy {
    /// Uniform random actions in [-1, 1].
    Random,
    /// All-zero actions (the passive dynamics).
    Zero,
}

/// Arguments of `rfm render`.
#[derive(Args, Debug)]
pub struct RenderArgs {
    /// Task name, e.g. finger-spin (see `rfm envs list`).
    pub task: TaskId,
    /// A trained policy checkpoint to act with.
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// Policy used without a checkpoint.
    #[arg(long, value_enum, default_value_t = UntrainedPolicy::Random)]
    pub policy: UntrainedPolicy,
    /// Seed of the ChaCha8 stream for the initial state and random actions.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output GIF path.
    #[arg(long)]
    pub out: PathBuf,
    /// Control steps to render (default: one full episode).
    #[arg(long)]
    pub steps: Option<usize>,
    /// Draw a frame every this many control steps.
    #[arg(long, default_value_t = 1)]
    pub every: usize,
    /// Image width in pixels.
    #[arg(long, default_value_t = 320)]
    pub width: usize,
    /// Image height in pixels.
    #[arg(long, default_value_t = 240)]
    pub height: usize,
    /// Turn anti-aliasing off.
    #[arg(long)]
    pub no_antialias: bool,
}

/// Runs `rfm render`.
pub fn run(args: RenderArgs) -> Result<()> {
    let mut trained = match &args.checkpoint {
        Some(path) => Some(load_agent(path, args.task)?),
        None => None,
    };
    let mut env = make(args.task);
    let mut opts = RenderOptions::for_env(&env);
    opts.steps = args.steps.unwrap_or(opts.steps);
    opts.every = args.every;
    opts.width = args.width;
    opts.height = args.height;
    opts.antialias = !args.no_antialias;
    opts.validate()?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let mut action_rng = ChaCha8Rng::seed_from_u64(args.seed.wrapping_add(1));
    let policy = args.policy;
    let file =
        File::create(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let summary = render_rollout(
        &mut env,
        &mut rng,
        |obs, action| match trained.as_mut() {
            Some(agent) => {
                let obs = ArrayView2::from_shape((1, obs.len()), obs).expect("one row");
                let row = ArrayViewMut2::from_shape((1, action.len()), action).expect("one row");
                // Deterministic actions, as in evaluation (argmax Q over particles / tanh(mean)).
                agent.act(obs, ActMode::Evaluate, &mut action_rng, row);
            }
            None => {
                for a in action.iter_mut() {
                    *a = match policy {
                        UntrainedPolicy::Random => action_rng.random_range(-1.0..=1.0),
                        UntrainedPolicy::Zero => 0.0,
                    };
                }
            }
        },
        &opts,
        BufWriter::new(file),
    )?;
    println!(
        "{}: {} steps, return {:.2}, {} frames ({}x{}) written to {}",
        args.task,
        summary.steps,
        summary.episode_return,
        summary.frames,
        opts.width,
        opts.height,
        args.out.display()
    );
    Ok(())
}

/// Builds the agent a checkpoint was trained as and loads its parameters.
///
/// # Errors
/// Unreadable, corrupt or mismatched checkpoint, or one trained on another task.
fn load_agent(path: &std::path::Path, task: TaskId) -> Result<Box<dyn Agent<f32>>> {
    let saved = load_saved_agent(path, None)?;
    let trained_on = saved.record.task;
    anyhow::ensure!(
        trained_on == task,
        "checkpoint {} was trained on {trained_on}; render it with `rfm render {trained_on}`, not {task}",
        path.display()
    );
    Ok(saved.agent)
}
