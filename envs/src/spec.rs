//! Observation and action specifications of a task.

/// One named block of the flattened observation, in dm_control's key order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObservationField {
    /// dm_control's observation key (e.g. `"position"`, `"velocity"`).
    pub name: &'static str,
    /// Number of scalars this key contributes to the flattened observation.
    pub size: usize,
}

/// Static description of a task: what an agent sees, what it controls, how time passes.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvSpec {
    /// Task name as the CLI spells it, e.g. `"cheetah-run"`.
    pub name: &'static str,
    /// Version of dynamics and reward; bumped whenever either changes.
    pub version: u32,
    /// Observation blocks in flattening order.
    pub observation: &'static [ObservationField],
    /// Actuator names, one per action dimension. Every action lies in [−1, 1].
    pub action: &'static [&'static str],
    /// Names of the generalized coordinates, dm_control's `physics.data.qpos` order (a free
    /// joint's seven are `root_x`, …, `root_qw`, …; see [`crate::PhysicsState`]).
    pub qpos: &'static [&'static str],
    /// Names of the generalized velocities, dm_control's `physics.data.qvel` order.
    pub qvel: &'static [&'static str],
    /// Seconds of simulated time per control step (physics timestep × substeps).
    pub control_timestep: f64,
    /// Physics substeps per control step.
    pub substeps: usize,
    /// Control steps per episode; the episode is truncated after this many.
    pub episode_length: usize,
}

impl EnvSpec {
    /// Length of the flattened observation vector.
    pub fn obs_dim(&self) -> usize {
        self.observation.iter().map(|f| f.size).sum()
    }
    /// Number of action dimensions.
    pub fn action_dim(&self) -> usize {
        self.action.len()
    }
}
