//! Evaluation: `n` episodes on fixed task seeds (`0..n`, the same for every evaluation and
//! every training seed, as the authors do), deterministic actions, undiscounted returns.

use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm_envs::{Reward, StepOutcome, TaskId, VecActionError, VecEnv};

use super::agent::{ActMode, Agent};

/// Base seed of the evaluation envs (env `i` uses stream `i`).
pub const EVAL_BASE_SEED: u64 = 0;

/// Returns of one evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalResult {
    /// One undiscounted return per episode.
    pub returns: Vec<f64>,
}

impl EvalResult {
    /// Mean return.
    pub fn mean(&self) -> f64 {
        self.returns.iter().sum::<f64>() / self.returns.len() as f64
    }
    /// Sample standard deviation (0 for one episode).
    pub fn std(&self) -> f64 {
        let n = self.returns.len() as f64;
        if n < 2.0 {
            return 0.0;
        }
        let m = self.mean();
        (self.returns.iter().map(|r| (r - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    }
    /// `[mean, std, min, max, episodes]` for `eval.csv`.
    pub fn row(&self) -> [f64; 5] {
        let min = self.returns.iter().copied().fold(f64::INFINITY, f64::min);
        let max = self
            .returns
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        [self.mean(), self.std(), min, max, self.returns.len() as f64]
    }
    /// Column names of [`EvalResult::row`].
    pub const COLUMNS: [&'static str; 5] = [
        "return_mean",
        "return_std",
        "return_min",
        "return_max",
        "episodes",
    ];
}

/// Runs `episodes` evaluation episodes of at most `max_steps` steps (0 = the task's length)
/// with `agent` in [`ActMode::Evaluate`]; `action_seed` seeds the sampler's noise.
///
/// # Errors
/// An action the env rejects (a non-finite action from a diverged policy).
pub fn evaluate(
    agent: &mut dyn Agent<f32>,
    task: TaskId,
    episodes: usize,
    max_steps: usize,
    action_seed: u64,
) -> Result<EvalResult, VecActionError> {
    let spec = task.spec();
    let (o, d) = (spec.obs_dim(), spec.action_dim());
    let len = if max_steps == 0 {
        spec.episode_length
    } else {
        max_steps.min(spec.episode_length)
    };
    let mut envs = VecEnv::new(task, episodes, EVAL_BASE_SEED);
    let mut obs = vec![0f32; episodes * o];
    let mut final_obs = vec![0f32; episodes * o];
    let mut outcomes = vec![
        StepOutcome {
            reward: Reward::new(0.0, &[]),
            terminated: false,
            truncated: false
        };
        episodes
    ];
    envs.reset(&mut obs);
    let mut rng = ChaCha8Rng::seed_from_u64(action_seed);
    let mut returns = vec![0f64; episodes];
    let mut actions = Array2::<f32>::zeros((episodes, d));
    for _ in 0..len {
        let obs_arr = Array2::from_shape_vec((episodes, o), obs.clone()).expect("obs shape");
        agent.act(
            obs_arr.view(),
            ActMode::Evaluate,
            &mut rng,
            actions.view_mut(),
        );
        envs.step(
            actions.as_slice().expect("contiguous"),
            &mut obs,
            &mut final_obs,
            &mut outcomes,
        )?;
        for (r, out) in returns.iter_mut().zip(&outcomes) {
            *r += out.reward.total;
        }
    }
    Ok(EvalResult { returns })
}
