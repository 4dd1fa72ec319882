//! [`PhysicsState`]: a task's physical state in dm_control's coordinates.
//!
//! `qpos` and `qvel` are what dm_control's `physics.data.qpos` / `physics.data.qvel` hold for
//! the same task, in the same order and units: one entry per joint coordinate in MJCF order.
//! A free joint (fish's root) contributes 7 positions — origin (x, y, z) and the orientation
//! quaternion (w, x, y, z) — and 6 velocities: the origin's linear velocity in the world frame
//! and the angular velocity in the body frame. A slide joint without `ref` reads 0 at the
//! MJCF body position (cheetah's `rootz` is torso z − 0.7, walker's torso z − 1.3).
//!
//! The names of the coordinates are [`crate::EnvSpec::qpos`] / [`crate::EnvSpec::qvel`].

/// qpos and qvel as dm_control's `physics.data` has them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PhysicsState {
    /// Generalized coordinates (m, rad; quaternions as w, x, y, z).
    pub qpos: Vec<f64>,
    /// Generalized velocities (m/s, rad/s).
    pub qvel: Vec<f64>,
}

/// Which half of a [`PhysicsState`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateField {
    /// `qpos`.
    Qpos,
    /// `qvel`.
    Qvel,
}

impl std::fmt::Display for StateField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StateField::Qpos => "qpos",
            StateField::Qvel => "qvel",
        })
    }
}

/// A rejected [`PhysicsState`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StateError {
    /// `qpos` or `qvel` has the wrong number of entries.
    #[error("{field} for {task} has {got} entries; {task} has exactly {expected}")]
    WrongLength {
        task: &'static str,
        field: StateField,
        got: usize,
        expected: usize,
    },
    /// An entry is NaN or infinite.
    #[error(
        "{field}[{index}] ({name}) for {task} is {value}; allowed: finite values (a free joint's quaternion is normalised)"
    )]
    NonFinite {
        task: &'static str,
        field: StateField,
        index: usize,
        name: &'static str,
        value: f64,
    },
    /// A free joint's quaternion is zero and has no orientation.
    #[error("the root quaternion for {task} is zero; allowed: any non-zero (w, x, y, z)")]
    ZeroQuaternion { task: &'static str },
}
