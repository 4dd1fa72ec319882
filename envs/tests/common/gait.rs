//! Statistics of a trajectory measured with rfm's own kinematics, so that MuJoCo's recorded
//! states and rfm's replays are measured by the same code: each state is put into a task with
//! `set_state` and its bodies are read.
#![allow(dead_code)]

use rfm_envs::tasks::cheetah::CheetahRun;
use rfm_envs::tasks::finger::{Finger, FingerVariant};
use rfm_envs::tasks::walker::Walker;
use rfm_envs::{PhysicsState, Task, TaskId};

use super::pairs::{self, Drive, Trajectory};

/// A foot point counts as on the ground when it is at most this high, m. MuJoCo's soft
/// contacts let feet rest a few mm deep, and so do rfm's (cheetah v3 and walker v4 use the same
/// soft contact law); rapier's, which the legged tasks used before, kept them within about 1 mm.
pub const GROUND_HEIGHT: f32 = 0.005;
/// The fingertip touches the spinner when their gap is at most this, m.
pub const TOUCH_GAP: f32 = 0.001;

pub fn state(t: &Trajectory, i: usize) -> PhysicsState {
    PhysicsState {
        qpos: t.qpos[i].clone(),
        qvel: t.qvel[i].clone(),
    }
}

/// A legged task's physics, to measure its feet.
pub enum Legged {
    Cheetah(CheetahRun),
    Walker(Walker),
}

impl Legged {
    pub fn new(task: TaskId) -> Self {
        match task {
            TaskId::CheetahRun => Legged::Cheetah(CheetahRun::new()),
            TaskId::WalkerWalk => Legged::Walker(Walker::walk()),
            t => panic!("{} has no feet", t.name()),
        }
    }

    /// Puts the state in and returns each foot's lowest point (world, body frame) and, for the
    /// body-frame point `track[k]` of foot k, its world position now.
    fn feet(
        &mut self,
        s: &PhysicsState,
        track: &[rapier3d::prelude::Vector],
    ) -> Vec<[rapier3d::prelude::Vector; 3]> {
        let (chain, feet) = match self {
            Legged::Cheetah(c) => {
                c.set_state(s).expect("state");
                (c.chain(), c.feet())
            }
            Legged::Walker(w) => {
                w.set_state(s).expect("state");
                let b = w.bodies();
                (w.chain(), [b[3], b[6]])
            }
        };
        feet.iter()
            .enumerate()
            .map(|(k, &f)| {
                let (world, local) = chain.lowest_point(f).expect("foot geom");
                let tracked = track.get(k).map_or(world, |p| chain.pose(f) * *p);
                [world, local, tracked]
            })
            .collect()
    }
}

/// Foot slip: the mean horizontal speed (m/s) of the material point at a foot's bottom over
/// control steps that start with that point on the ground, and the fraction of (foot, step)
/// samples on the ground.
pub fn foot_slip(task: TaskId, t: &Trajectory, control_dt: f64) -> (f64, f64) {
    let mut legs = Legged::new(task);
    let (mut sum, mut n, mut all) = (0.0, 0usize, 0usize);
    let mut before = legs.feet(&state(t, 0), &[]);
    for i in 1..t.qpos.len() {
        let track: Vec<_> = before.iter().map(|f| f[1]).collect();
        let now = legs.feet(&state(t, i), &track);
        for (b, a) in before.iter().zip(&now) {
            all += 1;
            if b[0].z <= GROUND_HEIGHT {
                sum += f64::from((a[2].x - b[0].x).abs()) / control_dt;
                n += 1;
            }
        }
        before = now;
    }
    (sum / n.max(1) as f64, n as f64 / all as f64)
}

/// Mean velocity of generalized coordinate `coord` over the run (e.g. forward speed).
pub fn mean_rate(t: &Trajectory, coord: usize) -> f64 {
    t.qvel[1..].iter().map(|v| v[coord]).sum::<f64>() / (t.qvel.len() - 1) as f64
}

/// First step at which any colliding geom of the legged `task` is within [`GROUND_HEIGHT`] of
/// the ground, or the length if none is.
pub fn first_ground_contact(task: TaskId, t: &Trajectory) -> usize {
    let mut legs = Legged::new(task);
    (0..t.qpos.len())
        .find(|&i| {
            let chain = match &mut legs {
                Legged::Cheetah(c) => {
                    c.set_state(&state(t, i)).expect("state");
                    c.chain()
                }
                Legged::Walker(w) => {
                    w.set_state(&state(t, i)).expect("state");
                    w.chain()
                }
            };
            chain.geoms().any(|(_, pose, g)| {
                g.friction.is_some() && g.shape.lowest_point(pose).z <= GROUND_HEIGHT
            })
        })
        .unwrap_or(t.qpos.len())
}

/// What a finger run does to the spinner.
#[derive(Clone, Copy, Debug, Default)]
pub struct FingerStats {
    /// Fraction of control steps with the fingertip touching the spinner.
    pub touching: f64,
    /// Mean |spinner rate|, rad/s.
    pub spin: f64,
    /// Mean |change of spinner rate| over a touching step, rad/s.
    pub kick: f64,
    /// First touching step (the run's length if none).
    pub first_touch: usize,
}

pub fn finger_stats(variant: FingerVariant, t: &Trajectory) -> FingerStats {
    let mut f = Finger::new(variant);
    let (mut touch, mut kick, mut first) = (0usize, 0.0, None);
    for i in 0..t.qpos.len() {
        f.set_state(&state(t, i)).expect("state");
        if f.in_collision() || f.tip_gap(0.01).is_some_and(|g| g <= TOUCH_GAP) {
            first.get_or_insert(i);
            if i > 0 {
                touch += 1;
                kick += (t.qvel[i][2] - t.qvel[i - 1][2]).abs();
            }
        }
    }
    let n = (t.qpos.len() - 1) as f64;
    FingerStats {
        touching: touch as f64 / n,
        spin: t.qvel[1..].iter().map(|v| v[2].abs()).sum::<f64>() / n,
        kick: kick / touch.max(1) as f64,
        first_touch: first.unwrap_or(t.qpos.len()),
    }
}

/// The three seeds' values (reset seeds 11, 12, 13 of `mujoco_pairs.json`) of one gait
/// statistic: rfm, MuJoCo, MuJoCo at dt/2.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sample {
    pub rfm: [f64; 3],
    pub mujoco: [f64; 3],
    pub half_dt: [f64; 3],
}

impl Sample {
    pub fn mean(x: &[f64; 3]) -> f64 {
        x.iter().sum::<f64>() / 3.0
    }

    /// MuJoCo's own spread: its largest change with half the timestep on one seed, plus two
    /// standard deviations of a difference of two 3-seed means, √(2/3) s, with s MuJoCo's
    /// seed-to-seed standard deviation (rfm's seeds are taken to scatter as MuJoCo's do).
    pub fn tolerance(&self) -> f64 {
        let dt = (0..3)
            .map(|i| (self.mujoco[i] - self.half_dt[i]).abs())
            .fold(0.0, f64::max);
        let m = Self::mean(&self.mujoco);
        let var = self.mujoco.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 2.0;
        dt + 2.0 * (2.0 / 3.0 * var).sqrt()
    }

    /// |rfm's 3-seed mean − MuJoCo's|.
    pub fn gap(&self) -> f64 {
        (Self::mean(&self.rfm) - Self::mean(&self.mujoco)).abs()
    }
}

/// Foot slip, ground fraction and mean forward speed (generalized velocity `forward`) of every
/// recorded run of the legged `task`, replayed through rfm: per drive, one [`Sample`] per
/// statistic in that order.
pub fn gait_samples(task: TaskId, forward: usize) -> Vec<(Drive, [Sample; 3])> {
    let dt = task.spec().control_timestep;
    let mut stats: Vec<(Drive, [Sample; 3])> = Vec::new();
    for run in pairs::load(task) {
        let rfm = pairs::replay(task, &run);
        let measure = |t: &Trajectory| {
            let (slip, ground) = foot_slip(task, t, dt);
            [slip, ground, mean_rate(t, forward)]
        };
        let (r, m, h) = (
            measure(&rfm),
            measure(&run.mujoco),
            measure(&run.mujoco_half_dt),
        );
        let seed = (run.reset_seed - 11) as usize;
        let entry = match stats.iter_mut().find(|s| s.0 == run.drive) {
            Some(e) => e,
            None => {
                stats.push((run.drive, [Sample::default(); 3]));
                stats.last_mut().expect("just pushed")
            }
        };
        for k in 0..3 {
            entry.1[k].rfm[seed] = r[k];
            entry.1[k].mujoco[seed] = m[k];
            entry.1[k].half_dt[seed] = h[k];
        }
    }
    stats
}
