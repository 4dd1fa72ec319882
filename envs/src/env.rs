//! The episode wrapper shared by every task.
//!
//! dm_control splits a task into *physics* and *task*; here a [`Task`] owns both its rapier
//! world and its reward, and [`Env`] adds what every task shares: action validation and
//! clipping, step counting and truncation after `episode_length` control steps.
//!
//! Actions: a wrong-length action or a non-finite entry is an [`ActionError`]; finite values
//! outside [−1, 1] are clipped to the box (as dm_control's actuators with `ctrlrange` do).

use rand_chacha::ChaCha8Rng;

use crate::spec::EnvSpec;
use crate::state::{PhysicsState, StateError, StateField};

/// Most reward terms any task reports.
pub const MAX_REWARD_TERMS: usize = 4;

/// A step's reward and the named terms it is built from (each in [0, 1]).
/// The default is a zero reward with no terms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reward {
    /// The reward, in [0, 1].
    pub total: f64,
    /// Named terms; only the first `len` are meaningful.
    pub terms: [(&'static str, f64); MAX_REWARD_TERMS],
    /// Number of terms in use.
    pub len: usize,
}

impl Reward {
    /// A reward with the given terms.
    ///
    /// # Panics
    /// If more than [`MAX_REWARD_TERMS`] terms are given.
    #[track_caller]
    pub fn new(total: f64, terms: &[(&'static str, f64)]) -> Self {
        assert!(
            terms.len() <= MAX_REWARD_TERMS,
            "at most {MAX_REWARD_TERMS} reward terms"
        );
        let mut t = [("", 0.0); MAX_REWARD_TERMS];
        t[..terms.len()].copy_from_slice(terms);
        Reward {
            total,
            terms: t,
            len: terms.len(),
        }
    }
    /// The terms in use.
    pub fn terms(&self) -> &[(&'static str, f64)] {
        &self.terms[..self.len]
    }
}

impl Default for Reward {
    fn default() -> Self {
        Reward::new(0.0, &[])
    }
}

/// What one control step returns besides the observation (default: zero reward, not done;
/// handy for sizing a [`crate::VecEnv`] outcome buffer).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StepOutcome {
    /// The reward and its terms.
    pub reward: Reward,
    /// The episode reached a terminal state (never, for the dm_control tasks).
    pub terminated: bool,
    /// The episode was cut by the time limit.
    pub truncated: bool,
}

/// A rejected action.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ActionError {
    /// The action has the wrong number of entries.
    #[error(
        "action for {task} has {got} entries; {task} takes exactly {expected} (one per actuator)"
    )]
    WrongLength {
        task: &'static str,
        got: usize,
        expected: usize,
    },
    /// An entry is NaN or infinite.
    #[error(
        "action for {task} has non-finite value {value} at index {index} ({actuator}); allowed: finite values, clipped to [-1, 1]"
    )]
    NonFinite {
        task: &'static str,
        index: usize,
        actuator: &'static str,
        value: f32,
    },
    /// `step` was called after the episode ended without `reset`.
    #[error("{task}: step called after the episode ended; call reset first")]
    EpisodeOver { task: &'static str },
}

/// A control task: its physics and its reward. Implemented once per task file.
pub trait Task: Send {
    /// The task's static specification.
    fn spec(&self) -> &'static EnvSpec;
    /// Draws a new initial state from dm_control's initial-state distribution.
    fn reset(&mut self, rng: &mut ChaCha8Rng);
    /// Applies a validated, clipped action and advances one control step (all substeps).
    fn advance(&mut self, action: &[f32]);
    /// Writes the flattened observation; `obs.len() == spec().obs_dim()`.
    fn observe(&self, obs: &mut [f32]);
    /// The reward of the current state (after the last `advance`).
    fn reward(&self) -> Reward;
    /// The physical state in dm_control's coordinates (see [`PhysicsState`]).
    fn state(&self) -> PhysicsState;
    /// Puts the physics in `state` (lengths and finiteness already checked against the spec)
    /// with no memory of earlier steps: contact manifolds, warm-start impulses and limit rows
    /// from before are dropped, as dm_control's `reset_context` does. Controls are kept.
    ///
    /// # Errors
    /// A state the task cannot represent (e.g. a zero quaternion).
    fn set_state(&mut self, state: &PhysicsState) -> Result<(), StateError>;
    /// The task as [`Any`](std::any::Any), so that parts outside the physics can reach its
    /// concrete type; every task returns `self`.
    fn as_any(&self) -> &dyn std::any::Any;
}

/// An episode of a [`Task`]: validation, clipping and truncation.
pub struct Env {
    task: Box<dyn Task>,
    clipped: Vec<f32>,
    t: usize,
    over: bool,
}

impl Env {
    /// Wraps a task. Call [`Env::reset`] before the first step.
    pub fn new(task: Box<dyn Task>) -> Self {
        let d = task.spec().action_dim();
        Env {
            task,
            clipped: vec![0.0; d],
            t: 0,
            over: true,
        }
    }
    /// The task's specification.
    pub fn spec(&self) -> &'static EnvSpec {
        self.task.spec()
    }
    /// The task being run.
    pub fn task(&self) -> &dyn Task {
        self.task.as_ref()
    }
    /// The physical state in dm_control's coordinates.
    pub fn state(&self) -> PhysicsState {
        self.task.state()
    }
    /// Puts the physics in `state` (dm_control's `qpos`, `qvel`), forgetting contacts from
    /// earlier steps. The episode's step count is unchanged: call [`Env::reset`] first to start
    /// an episode, then `set_state` to replay from a recorded state.
    ///
    /// # Errors
    /// [`StateError::WrongLength`] if a vector does not have one entry per name in
    /// [`EnvSpec::qpos`] / [`EnvSpec::qvel`], [`StateError::NonFinite`] for NaN or infinite
    /// entries, or the task's own error (a zero quaternion).
    pub fn set_state(&mut self, state: &PhysicsState) -> Result<(), StateError> {
        let spec = self.spec();
        for (field, values, names) in [
            (StateField::Qpos, &state.qpos, spec.qpos),
            (StateField::Qvel, &state.qvel, spec.qvel),
        ] {
            if values.len() != names.len() {
                return Err(StateError::WrongLength {
                    task: spec.name,
                    field,
                    got: values.len(),
                    expected: names.len(),
                });
            }
            if let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(StateError::NonFinite {
                    task: spec.name,
                    field,
                    index,
                    name: names[index],
                    value,
                });
            }
        }
        self.task.set_state(state)
    }
    /// Writes the observation of the current state (e.g. after [`Env::set_state`]).
    ///
    /// # Panics
    /// If `obs.len()` differs from the observation dimension.
    #[track_caller]
    pub fn observe(&self, obs: &mut [f32]) {
        assert_eq!(
            obs.len(),
            self.spec().obs_dim(),
            "observation buffer length"
        );
        self.task.observe(obs);
    }
    /// The reward of the current state.
    pub fn reward(&self) -> Reward {
        self.task.reward()
    }
    /// Control steps taken in the current episode.
    pub fn elapsed_steps(&self) -> usize {
        self.t
    }
    /// Starts an episode with randomness from `rng` and writes the first observation.
    ///
    /// # Panics
    /// If `obs.len()` differs from the observation dimension.
    #[track_caller]
    pub fn reset(&mut self, rng: &mut ChaCha8Rng, obs: &mut [f32]) {
        assert_eq!(
            obs.len(),
            self.spec().obs_dim(),
            "observation buffer length"
        );
        self.task.reset(rng);
        self.t = 0;
        self.over = false;
        self.task.observe(obs);
    }
    /// Checks an action without using it: the right length and every entry finite.
    ///
    /// # Errors
    /// [`ActionError::WrongLength`] or [`ActionError::NonFinite`].
    pub fn check_action(&self, action: &[f32]) -> Result<(), ActionError> {
        let spec = self.spec();
        if action.len() != spec.action_dim() {
            return Err(ActionError::WrongLength {
                task: spec.name,
                got: action.len(),
                expected: spec.action_dim(),
            });
        }
        if let Some((i, &a)) = action.iter().enumerate().find(|(_, a)| !a.is_finite()) {
            return Err(ActionError::NonFinite {
                task: spec.name,
                index: i,
                actuator: spec.action[i],
                value: a,
            });
        }
        Ok(())
    }

    /// Takes one control step: checks and clips the action, advances, writes the observation.
    ///
    /// # Panics
    /// If `obs.len()` differs from the observation dimension.
    #[track_caller]
    pub fn step(&mut self, action: &[f32], obs: &mut [f32]) -> Result<StepOutcome, ActionError> {
        let spec = self.spec();
        assert_eq!(obs.len(), spec.obs_dim(), "observation buffer length");
        if self.over {
            return Err(ActionError::EpisodeOver { task: spec.name });
        }
        self.check_action(action)?;
        for (&a, c) in action.iter().zip(self.clipped.iter_mut()) {
            *c = a.clamp(-1.0, 1.0);
        }
        self.task.advance(&self.clipped);
        self.t += 1;
        self.task.observe(obs);
        let truncated = self.t >= spec.episode_length;
        self.over = truncated;
        Ok(StepOutcome {
            reward: self.task.reward(),
            terminated: false,
            truncated,
        })
    }
}
