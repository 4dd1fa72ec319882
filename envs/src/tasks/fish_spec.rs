//! fish-swim's and fish-upright's interface as dm_control names it: qpos and qvel, the
//! observation layouts, the actuators and the two specifications (dynamics in [`super::fish`]).

use crate::spec::{EnvSpec, ObservationField};

/// Physics substeps per control step (timestep 0.004 s, control timestep 0.04 s).
pub const SUBSTEPS: usize = 10;

/// dm_control's qpos names: the free root (origin, quaternion w x y z), then [`JOINTS`].
const FISH_QPOS: &[&str] = &[
    "root_x",
    "root_y",
    "root_z",
    "root_qw",
    "root_qx",
    "root_qy",
    "root_qz",
    "tail1",
    "tail_twist",
    "tail2",
    "finright_roll",
    "finright_pitch",
    "finleft_roll",
    "finleft_pitch",
];
/// dm_control's qvel names: root linear velocity (world), angular velocity (body), hinges.
const FISH_QVEL: &[&str] = &[
    "root_vx",
    "root_vy",
    "root_vz",
    "root_wx",
    "root_wy",
    "root_wz",
    "tail1",
    "tail_twist",
    "tail2",
    "finright_roll",
    "finright_pitch",
    "finleft_roll",
    "finleft_pitch",
];

const UPRIGHT_OBS: &[ObservationField] = &[
    ObservationField {
        name: "joint_angles",
        size: 7,
    },
    ObservationField {
        name: "upright",
        size: 1,
    },
    ObservationField {
        name: "velocity",
        size: 13,
    },
];
const SWIM_OBS: &[ObservationField] = &[
    ObservationField {
        name: "joint_angles",
        size: 7,
    },
    ObservationField {
        name: "upright",
        size: 1,
    },
    ObservationField {
        name: "target",
        size: 3,
    },
    ObservationField {
        name: "velocity",
        size: 13,
    },
];
const ACTUATORS: &[&str] = &[
    "tail",
    "tail_twist",
    "fins_flap",
    "finleft_pitch",
    "finright_pitch",
];

/// fish-upright's specification.
pub static UPRIGHT_SPEC: EnvSpec = EnvSpec {
    name: "fish-upright",
    version: 1,
    observation: UPRIGHT_OBS,
    action: ACTUATORS,
    qpos: FISH_QPOS,
    qvel: FISH_QVEL,
    control_timestep: 0.04,
    substeps: SUBSTEPS,
    episode_length: 1000,
};

/// fish-swim's specification.
pub static SWIM_SPEC: EnvSpec = EnvSpec {
    name: "fish-swim",
    version: 1,
    observation: SWIM_OBS,
    action: ACTUATORS,
    qpos: FISH_QPOS,
    qvel: FISH_QVEL,
    control_timestep: 0.04,
    substeps: SUBSTEPS,
    episode_length: 1000,
};
