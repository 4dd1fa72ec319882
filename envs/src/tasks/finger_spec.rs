//! finger-spin's and finger-turn_hard's interface as dm_control names it: the joints (qpos =
//! qvel), the observation layouts, the actuators and the two specifications (dynamics in
//! [`super::finger`]).

use super::finger_model::SUBSTEPS;
use crate::spec::{EnvSpec, ObservationField};

const SPIN_OBS: &[ObservationField] = &[
    ObservationField {
        name: "position",
        size: 4,
    },
    ObservationField {
        name: "velocity",
        size: 3,
    },
    ObservationField {
        name: "touch",
        size: 2,
    },
];
const TURN_OBS: &[ObservationField] = &[
    ObservationField {
        name: "position",
        size: 4,
    },
    ObservationField {
        name: "velocity",
        size: 3,
    },
    ObservationField {
        name: "touch",
        size: 2,
    },
    ObservationField {
        name: "target_position",
        size: 2,
    },
    ObservationField {
        name: "dist_to_target",
        size: 1,
    },
];
/// dm_control's joint order (qpos = qvel).
const FINGER_JOINTS: &[&str] = &["proximal", "distal", "hinge"];
const ACTUATORS: &[&str] = &["proximal", "distal"];

/// finger-spin's specification.
pub static SPIN_SPEC: EnvSpec = EnvSpec {
    name: "finger-spin",
    version: 5,
    observation: SPIN_OBS,
    action: ACTUATORS,
    qpos: FINGER_JOINTS,
    qvel: FINGER_JOINTS,
    control_timestep: 0.02,
    substeps: SUBSTEPS,
    episode_length: 1000,
};

/// finger-turn_hard's specification.
pub static TURN_HARD_SPEC: EnvSpec = EnvSpec {
    name: "finger-turn_hard",
    version: 5,
    observation: TURN_OBS,
    action: ACTUATORS,
    qpos: FINGER_JOINTS,
    qvel: FINGER_JOINTS,
    control_timestep: 0.02,
    substeps: SUBSTEPS,
    episode_length: 1000,
};
