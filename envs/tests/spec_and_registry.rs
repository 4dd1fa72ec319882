//! Specs match dm_control's flattened observation and action sizes; the registry parses and
//! prints CLI names.

use rfm_envs::{TaskId, make};

/// (task, obs dim, action dim, control timestep s) from dm_control 1.0.34
/// (dm_control 1.0.34 suite definitions; pendulum from suite/pendulum.py).
const DM_CONTROL: &[(&str, usize, usize, f64)] = &[
    ("pendulum-swingup", 3, 1, 0.02),
    ("cartpole-swingup", 5, 1, 0.01),
    ("cheetah-run", 17, 6, 0.01),
    ("walker-walk", 24, 6, 0.025),
    ("walker-run", 24, 6, 0.025),
];

#[test]
fn dims_and_timesteps_equal_dm_control() {
    for &(name, obs, act, dt) in DM_CONTROL {
        let id: TaskId = name.parse().unwrap();
        let spec = id.spec();
        assert_eq!(spec.obs_dim(), obs, "{name} obs dim");
        assert_eq!(spec.action_dim(), act, "{name} action dim");
        assert_eq!(spec.control_timestep, dt, "{name} control dt");
        assert_eq!(spec.episode_length, 1000, "{name} episode length");
        // The built task reports the same spec as the registry.
        assert_eq!(make(id).spec(), spec);
    }
}

#[test]
fn names_round_trip_and_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for &id in TaskId::all() {
        assert_eq!(id.to_string().parse::<TaskId>().unwrap(), id);
        assert_eq!(id.name(), id.spec().name);
        assert!(seen.insert(id.name()), "duplicate name {}", id.name());
    }
}

#[test]
fn unknown_name_lists_the_allowed_ones() {
    let err = "cheetah-walk".parse::<TaskId>().unwrap_err().to_string();
    assert!(err.contains("cheetah-walk"), "{err}");
    for id in TaskId::all() {
        assert!(err.contains(id.name()), "{err} misses {id}");
    }
}
