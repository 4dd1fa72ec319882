//! A vectorised runner: `N` episodes of one task stepped in parallel with rayon.
//!
//! Env `i` draws its randomness from ChaCha8 seeded with `base_seed` on stream `i`
//! ([`env_rng`]), so a run depends only on `(task, N, base_seed)` and the actions, never on
//! the number of threads. Episodes reset automatically in the step that ends them
//! (Gymnasium's "same-step" autoreset): that row of `obs` then holds the new episode's first
//! observation and the same row of `final_obs` holds the last observation of the old one.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::env::{ActionError, Env, StepOutcome};
use crate::registry::{TaskId, make};
use crate::spec::EnvSpec;

/// The random stream of env `index` in a runner seeded with `base_seed`.
pub fn env_rng(base_seed: u64, index: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(base_seed);
    rng.set_stream(index as u64);
    rng
}

/// An action rejected by one env of a [`VecEnv`]; no env was stepped.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("env {index}: {source}")]
pub struct VecActionError {
    /// Which env (row of the action batch).
    pub index: usize,
    /// What was wrong.
    #[source]
    pub source: ActionError,
}

struct Slot {
    env: Env,
    rng: ChaCha8Rng,
}

/// `N` independent episodes of one task.
pub struct VecEnv {
    task: TaskId,
    slots: Vec<Slot>,
}

impl VecEnv {
    /// `num_envs` envs of `task`, env `i` seeded by [`env_rng`]`(base_seed, i)`.
    /// Call [`VecEnv::reset`] before stepping.
    pub fn new(task: TaskId, num_envs: usize, base_seed: u64) -> Self {
        let slots = (0..num_envs)
            .map(|i| Slot {
                env: make(task),
                rng: env_rng(base_seed, i),
            })
            .collect();
        VecEnv { task, slots }
    }

    /// The task.
    pub fn task(&self) -> TaskId {
        self.task
    }

    /// The task's specification.
    pub fn spec(&self) -> &'static EnvSpec {
        self.task.spec()
    }

    /// Number of envs.
    pub fn num_envs(&self) -> usize {
        self.slots.len()
    }

    /// Starts a new episode in every env; `obs` is `num_envs × obs_dim`, row-major.
    ///
    /// # Panics
    /// If `obs` has the wrong length.
    #[track_caller]
    pub fn reset(&mut self, obs: &mut [f32]) {
        let d = self.spec().obs_dim();
        assert_eq!(
            obs.len(),
            self.num_envs() * d,
            "obs must be num_envs × obs_dim"
        );
        self.slots
            .par_iter_mut()
            .zip(obs.par_chunks_mut(d))
            .for_each(|(s, o)| s.env.reset(&mut s.rng, o));
    }

    /// Steps every env with its row of `actions` (`num_envs × action_dim`, row-major), writes
    /// observations into `obs`, and for envs whose episode ended the last observation into
    /// `final_obs` (other rows of `final_obs` are left untouched), then resets those envs.
    ///
    /// Every action row is validated before any env moves.
    ///
    /// # Errors
    /// A [`VecActionError`] naming the first bad row (wrong length, NaN or infinity).
    ///
    /// # Panics
    /// If `obs`, `final_obs` or `outcomes` has the wrong length.
    #[track_caller]
    pub fn step(
        &mut self,
        actions: &[f32],
        obs: &mut [f32],
        final_obs: &mut [f32],
        outcomes: &mut [StepOutcome],
    ) -> Result<(), VecActionError> {
        let spec = self.spec();
        let (n, d, a) = (self.num_envs(), spec.obs_dim(), spec.action_dim());
        assert_eq!(obs.len(), n * d, "obs must be num_envs × obs_dim");
        assert_eq!(
            final_obs.len(),
            n * d,
            "final_obs must be num_envs × obs_dim"
        );
        assert_eq!(outcomes.len(), n, "one outcome per env");
        if actions.len() != n * a {
            return Err(VecActionError {
                index: actions.len() / a.max(1),
                source: ActionError::WrongLength {
                    task: spec.name,
                    got: actions.len(),
                    expected: n * a,
                },
            });
        }
        for (i, (s, row)) in self.slots.iter().zip(actions.chunks(a)).enumerate() {
            s.env
                .check_action(row)
                .map_err(|source| VecActionError { index: i, source })?;
        }
        // One contiguous block of envs per thread: a step is a barrier, so finer splitting only
        // adds scheduling overhead.
        let block = n.div_ceil(rayon::current_num_threads()).max(1);
        self.slots
            .par_iter_mut()
            .zip(actions.par_chunks(a))
            .zip(obs.par_chunks_mut(d))
            .zip(final_obs.par_chunks_mut(d))
            .zip(outcomes.par_iter_mut())
            .with_min_len(block)
            .for_each(|((((s, act), o), fo), out)| {
                *out = s.env.step(act, o).expect("validated above");
                if out.terminated || out.truncated {
                    fo.copy_from_slice(o);
                    s.env.reset(&mut s.rng, o);
                }
            });
        Ok(())
    }
}
