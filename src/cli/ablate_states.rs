//! The states of `rfm ablate`: drawn from the checkpoint's replay buffer, or, for a weights
//! file, from rollouts of the policy itself.

use anyhow::bail;
use ndarray::Array2;
use rand::seq::index::sample;
use rand_chacha::ChaCha8Rng;
use rfm::checkpoint::Checkpoint;
use rfm::rl::agent::{ActMode, Agent};
use rfm::rl::generative_agent::GenerativeAgent;
use rfm::run::record::RunRecord;
use rfm_envs::{Reward, StepOutcome, VecEnv};

/// Rollout envs for a weights file (their seeds are `1000..1004`, not the evaluation's `0..`).
const ROLLOUT_ENVS: usize = 4;
const ROLLOUT_SEED: u64 = 1000;

/// `n` distinct states, uniformly without replacement from the replay buffer (full state) or
/// from `ROLLOUT_ENVS` episodes of the policy in exploration mode (weights only).
///
/// # Errors
/// A buffer or a rollout with fewer than `n` states, or an action the env rejects.
pub fn states_of(
    c: &Checkpoint,
    record: &RunRecord,
    agent: &mut GenerativeAgent<f32>,
    n: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Array2<f32>> {
    let spec = record.task.spec();
    let o = spec.obs_dim();
    let pool = match c.metadata("replay_len") {
        Some(len) => {
            let len: usize = len.parse()?;
            c.tensor::<f32>("replay.obs", (len, o))?
        }
        None => rollout(record, agent, rng)?,
    };
    if pool.nrows() < n {
        bail!(
            "{}: {} states available, --states {n} asked for; give at most {}",
            c.path().display(),
            pool.nrows(),
            pool.nrows()
        );
    }
    let rows = sample(rng, pool.nrows(), n).into_vec();
    Ok(Array2::from_shape_fn((n, o), |(r, j)| pool[[rows[r], j]]))
}

fn rollout(
    record: &RunRecord,
    agent: &mut GenerativeAgent<f32>,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Array2<f32>> {
    let spec = record.task.spec();
    let (o, d, len) = (spec.obs_dim(), spec.action_dim(), spec.episode_length);
    let mut envs = VecEnv::new(record.task, ROLLOUT_ENVS, ROLLOUT_SEED);
    let mut obs = vec![0f32; ROLLOUT_ENVS * o];
    let mut final_obs = obs.clone();
    let none = StepOutcome {
        reward: Reward::new(0.0, &[]),
        terminated: false,
        truncated: false,
    };
    let mut outcomes = vec![none; ROLLOUT_ENVS];
    envs.reset(&mut obs);
    let mut pool = Vec::with_capacity(len * ROLLOUT_ENVS * o);
    let mut actions = Array2::<f32>::zeros((ROLLOUT_ENVS, d));
    for _ in 0..len {
        pool.extend_from_slice(&obs);
        let now = Array2::from_shape_vec((ROLLOUT_ENVS, o), obs.clone())?;
        agent.act(now.view(), ActMode::Explore, rng, actions.view_mut());
        let flat = actions.as_slice().expect("contiguous");
        envs.step(flat, &mut obs, &mut final_obs, &mut outcomes)?;
    }
    Ok(Array2::from_shape_vec((len * ROLLOUT_ENVS, o), pool)?)
}
