//! MuJoCo's trajectories of `tests/data/mujoco_pairs.json` (see `tests/data/README.md`) and
//! their replay through rfm: the same starting state (`Env::set_state`) and the same actions.
#![allow(dead_code)]

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm_envs::{Env, PhysicsState, TaskId, make};
use serde_json::Value;

/// Control steps per recorded run.
pub const STEPS: usize = 300;

/// The three recorded action sequences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drive {
    /// All actions 0.
    Zero,
    /// Uniform in [−1, 1] (NumPy's generator; stored in the file).
    Random,
    /// a_j(t) = 0.5 sin(2π f t + 2π j / d), t = step · control dt.
    Sine,
}

/// qpos, qvel (one row per control step, the starting state first) and reward (one per step).
#[derive(Clone, Debug, Default)]
pub struct Trajectory {
    pub qpos: Vec<Vec<f64>>,
    pub qvel: Vec<Vec<f64>>,
    pub reward: Vec<f64>,
}

/// One recorded run: MuJoCo at dm_control's timestep and at half of it.
#[derive(Clone, Debug)]
pub struct Run {
    pub reset_seed: u64,
    pub drive: Drive,
    pub actions: Vec<Vec<f32>>,
    pub start: PhysicsState,
    pub mujoco: Trajectory,
    pub mujoco_half_dt: Trajectory,
}

/// A JSON array of numbers.
pub fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn rows(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().expect("array").iter().map(floats).collect()
}

fn trajectory(v: &Value) -> Trajectory {
    Trajectory {
        qpos: rows(&v["qpos"]),
        qvel: rows(&v["qvel"]),
        reward: floats(&v["reward"]),
    }
}

fn sine(d: usize, control_dt: f64, hz: f64, steps: usize) -> Vec<Vec<f32>> {
    use std::f64::consts::PI;
    (0..steps)
        .map(|i| {
            let t = i as f64 * control_dt;
            (0..d)
                .map(|j| (0.5 * (2.0 * PI * hz * t + 2.0 * PI * j as f64 / d as f64).sin()) as f32)
                .collect()
        })
        .collect()
}

/// Every recorded run of `task` in `tests/data/mujoco_pairs.json` (one of its five tasks).
///
/// # Panics
/// If the file is missing or malformed, or has no runs of `task`.
pub fn load(task: TaskId) -> Vec<Run> {
    load_file("mujoco_pairs.json", task)
}

/// Every recorded run of `task` in `tests/data/<file>` (runs of the file's `steps` control
/// steps, the layout of `mujoco_pairs.json`).
///
/// # Panics
/// If the file is missing or malformed, or has no runs of `task`.
pub fn load_file(file: &str, task: TaskId) -> Vec<Run> {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let all: Value = serde_json::from_str(&text).expect("valid JSON");
    let steps = all["steps"].as_u64().map_or(STEPS, |n| n as usize);
    let t = &all["tasks"][task.name()];
    let names: Vec<&str> = t["joint_names"]
        .as_array()
        .expect("joint names")
        .iter()
        .map(|n| n.as_str().expect("name"))
        .collect();
    assert_eq!(names, task.spec().qpos, "{}: joint order", task.name());
    let control_dt = t["control_dt"].as_f64().expect("control_dt");
    assert_eq!(control_dt, task.spec().control_timestep);
    let hz = t["sine_hz"].as_f64().expect("sine_hz");
    let d = task.spec().action_dim();
    t["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| {
            let drive = match r["actions_kind"].as_str().expect("kind") {
                "zero" => Drive::Zero,
                "random" => Drive::Random,
                "sine" => Drive::Sine,
                k => panic!("unknown drive {k}"),
            };
            let actions = match drive {
                Drive::Zero => vec![vec![0.0; d]; steps],
                Drive::Random => rows(&r["actions"])
                    .into_iter()
                    .map(|a| a.into_iter().map(|x| x as f32).collect())
                    .collect(),
                Drive::Sine => sine(d, control_dt, hz, steps),
            };
            Run {
                reset_seed: r["reset_seed"].as_u64().expect("seed"),
                drive,
                actions,
                start: PhysicsState {
                    qpos: floats(&r["qpos0"]),
                    qvel: floats(&r["qvel0"]),
                },
                mujoco: trajectory(&r["mujoco"]),
                mujoco_half_dt: trajectory(&r["mujoco_half_dt"]),
            }
        })
        .collect()
}

/// rfm's env for `task`, reset (any seed: the state is overwritten) and put in `start`.
pub fn env_at(task: TaskId, start: &PhysicsState) -> Env {
    let mut env = make(task);
    let mut obs = vec![0.0; env.spec().obs_dim()];
    env.reset(&mut ChaCha8Rng::seed_from_u64(0), &mut obs);
    env.set_state(start).expect("recorded state");
    env
}

/// rfm's trajectory from the run's starting state under its actions.
pub fn replay(task: TaskId, run: &Run) -> Trajectory {
    let mut env = env_at(task, &run.start);
    let mut obs = vec![0.0; env.spec().obs_dim()];
    let s = env.state();
    let mut out = Trajectory {
        qpos: vec![s.qpos],
        qvel: vec![s.qvel],
        reward: Vec::with_capacity(run.actions.len()),
    };
    for a in &run.actions {
        let r = env.step(a, &mut obs).expect("valid action");
        let s = env.state();
        out.qpos.push(s.qpos);
        out.qvel.push(s.qvel);
        out.reward.push(r.reward.total);
    }
    out
}

/// Largest |a − b| over coordinates `coords` and steps `steps` of two position histories.
pub fn max_error(
    a: &[Vec<f64>],
    b: &[Vec<f64>],
    steps: std::ops::Range<usize>,
    coords: std::ops::Range<usize>,
) -> f64 {
    steps
        .flat_map(|t| coords.clone().map(move |i| (a[t][i] - b[t][i]).abs()))
        .fold(0.0, f64::max)
}
