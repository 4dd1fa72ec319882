//! # cheetah-run
//!
//! A planar two-legged "half cheetah" must run forward as fast as possible.
//! Mirrors dm_control `suite/cheetah.py` (`run`) and `suite/cheetah.xml`.
//!
//! ## Spaces
//! - Action (6): `bthigh`, `bshin`, `bfoot`, `fthigh`, `fshin`, `ffoot` ∈ [−1, 1]; gears
//!   120, 90, 60, 90, 60, 30 → hinge torques in N·m.
//! - Observation (17): `position` (8) = `qpos[1:]` = [rootz (torso z − 0.7, m), rooty (pitch,
//!   rad), 6 hinge angles (rad)]; `velocity` (9) = qvel = [ẋ, ż, pitch rate, 6 hinge rates].
//!
//! ## Reward
//! One term, `speed` = tolerance(v, bounds = (10, ∞), margin = 10, linear, value_at_margin 0)
//! = clip(v / 10, 0, 1), where v is the x velocity of the centre of mass of the whole body
//! (dm_control's `torso_subtreelinvel`). reward = speed.
//!
//! ## Termination
//! None; truncated after 1000 control steps (10 s).
//!
//! ## Initial state
//! Each hinge uniform in its range (root at the origin pose, zero velocity), then 200 physics
//! steps (2 s) with zero action to let the body settle. A draw that does not settle (some
//! generalised velocity above [`SETTLED_SPEED_LIMIT`] after the 200 steps) is redrawn: about 1
//! in 1500 random poses folds the legs deep into the torso, and rapier resolves that
//! self-penetration explosively (velocities of 10¹³; MuJoCo's soft contacts do not). Found by a
//! `cpu`-preset run whose replay buffer held one such 1000-step episode.
//!
//! ## Physics
//! Torso capsule (−0.5…0.5 m along x, r 0.046) plus head; two legs of three capsules
//! (r 0.046); `settotalmass` 14 kg (uniform density). Hinges about +y with armature 0.1,
//! springs towards 0 (stiffness 240, 180, 120, 180, 120, 60 N·m/rad) and damping
//! (6, 4.5, 3, 4.5, 3, 1.5 N·m·s/rad); ranges (deg) bthigh [−30, 60], bshin [−50, 50],
//! bfoot [−230, 50], fthigh [−57, 0.4], fshin [−70, 50], ffoot [−28, 28]. Root joints are free
//! of damping and armature. Ground plane z = 0; contact friction max(0.4, 1) = 1 (MuJoCo mixes
//! by max). Non-adjacent body parts collide with each other, as in MuJoCo (contype =
//! conaffinity = 1). Timestep 0.01 s, one physics step per control step.
//!
//! ## Differences from dm_control
//! - Integrator: rapier's semi-implicit Euler (one solver iteration) for MuJoCo's Euler;
//!   springs are explicit and damping implicit in both. Trajectories differ; gait statistics
//!   should be similar.
//! - Ground contacts are MuJoCo's soft contacts (default `solref` 0.02 1, `solimp` 0.9 0.95
//!   0.001), two per capsule lying on the floor (one per end cap), all solved together once per
//!   10 ms step outside rapier ([`crate::planar::ChainBuilder::soft_ground`]) with MuJoCo's
//!   default pyramidal cone, as cheetah.xml has; rapier has no ground collider. Since v4 the
//!   contacts and the soft limits are one program with one M⁻¹ per step, as MuJoCo solves them
//!   ([`crate::planar::Chain::step`], `[ENV:Eq.soft-constraints]`). Body–body contacts stay
//!   rapier's.
//! - Joint limits are MuJoCo's soft limits (default `solreflimit` 0.02 1, `solimplimit`
//!   0.9 0.95 0.001) applied as an explicit force once per 10 ms step, as MuJoCo's Euler
//!   step applies them ([`crate::planar::SoftLimit`]), jointly with the ground contacts. v1 used
//!   rapier's hard limits (the front thigh, which rests past its 0.4° stop, was held at it).
//! - Torsional and rolling friction (condim 3 has none) are absent in both.
//! - Random streams: ChaCha8 instead of NumPy's `RandomState`; distributions are the same.
//!
//! ## Version history
//! - v1: first version.
//! - v2: MuJoCo's soft joint limits (were rapier's hard ones).
//! - v3: MuJoCo's soft ground contacts (were rapier's; feet slid 2× MuJoCo's speed).
//! - v4: ground contacts and soft limits solved jointly (were contacts, then limits): the
//!   random-policy return went from 4.74 ± 1.79 to 3.88 ± 1.41 (dm_control 3.77 ± 1.47).
//! - v5: the unconstrained acceleration a₀ of the soft constraints includes MuJoCo's velocity-
//!   product (Coriolis and centrifugal) forces (`[ENV:Eq.bias-force]`; they were left out).
//! - v6: round-off only: the constraint solve factors the mass matrix by Cholesky, solves each
//!   contact's 3 × 3 active sets by Cramer's rule (both were LU) and iterates its block
//!   Gauss–Seidel in f64 (in f32 one coupled step fell into a round-off 2-cycle above the
//!   sweep tolerance), so episodes differ in the last bits (20-episode random return
//!   3.53 ± 1.76, v5 3.54 ± 1.75).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rapier3d::prelude::Vector;

use super::cheetah_model::{LEGS, RADIUS, capsule, v3};
use crate::env::{Reward, Task};
use crate::planar::{BodyId, Chain, ChainBuilder, DofParams, Geom, Joint, Shape, SoftLimit};
use crate::render::{Picture, PlanarView, Scene, draw_chain};
use crate::spec::{EnvSpec, ObservationField};
use crate::state::{PhysicsState, StateError};
use crate::tolerance::{Sigmoid, tolerance};

/// dm_control's joint order (qpos = qvel): the planar root, then back and front legs.
const CHEETAH_JOINTS: &[&str] = &[
    "rootx", "rootz", "rooty", "bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot",
];

/// Chain DoF of each dm_control coordinate (the same order).
const ORDER: [usize; 9] = [0, 1, 2, 3, 4, 5, 6, 7, 8];

/// Task specification.
pub static SPEC: EnvSpec = EnvSpec {
    name: "cheetah-run",
    version: 6,
    observation: &[
        ObservationField {
            name: "position",
            size: 8,
        },
        ObservationField {
            name: "velocity",
            size: 9,
        },
    ],
    action: &["bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot"],
    qpos: CHEETAH_JOINTS,
    qvel: CHEETAH_JOINTS,
    control_timestep: 0.01,
    substeps: 1,
    episode_length: 1000,
};

/// Speed above which the reward is 1, m/s (dm_control `_RUN_SPEED`).
pub const RUN_SPEED: f64 = 10.0;
/// Total mass, kg (MJCF `settotalmass`).
pub const TOTAL_MASS: f32 = 14.0;
/// Physics steps with zero action after the joints are randomised.
pub const SETTLE_STEPS: usize = 200;
/// A settled initial state with a generalised velocity above this (m/s or rad/s) is not a
/// physical one and is redrawn: over 3000 draws, the ordinary settled states stay below 0.6,
/// while the two that went wrong reached 10¹³ (see the module's "Initial state").
pub const SETTLED_SPEED_LIMIT: f32 = 10.0;
/// Draws before [`CheetahRun::reset`] gives up (each fails with probability ≈ 1e-3).
const MAX_DRAWS: usize = 100;

const FRICTION: f32 = 0.4;

/// The cheetah run task.
pub struct CheetahRun {
    chain: Chain,
    torso: BodyId,
    feet: [BodyId; 2],
    ranges: [[f32; 2]; 6],
}

impl Default for CheetahRun {
    fn default() -> Self {
        Self::new()
    }
}

impl CheetahRun {
    /// Builds the cheetah with dm_control's parameters.
    pub fn new() -> Self {
        let torso_shapes = [
            Shape::Capsule {
                a: Vector::new(-0.5, 0.0, 0.0),
                b: Vector::new(0.5, 0.0, 0.0),
                radius: RADIUS,
            },
            capsule([0.6, 0.0, 0.1], 50.0, 0.15),
        ];
        // settotalmass: one density for every geom so that the total is 14 kg.
        let volume: f32 = torso_shapes.iter().map(Shape::volume).sum::<f32>()
            + LEGS
                .iter()
                .flatten()
                .map(|s| capsule(s.2, s.3, s.4).volume())
                .sum::<f32>();
        let density = TOTAL_MASS / volume;
        let geom = |shape: Shape| Geom::with_density(shape, density, Some(FRICTION));

        let mut b = ChainBuilder::new(SPEC.control_timestep as f32 / SPEC.substeps as f32);
        b.self_collisions(true);
        // cheetah.xml's geoms and ground take MuJoCo's default solref/solimp.
        b.soft_ground(0.0, 1.0, SoftLimit::MUJOCO_DEFAULT);
        let torso = b.body(
            None,
            Vector::new(0.0, 0.0, 0.7),
            Joint::Planar,
            &torso_shapes.map(geom),
        );
        let mut ranges = [[0.0; 2]; 6];
        let mut segments = Vec::with_capacity(6);
        for leg in &LEGS {
            let mut parent = torso;
            for s in leg {
                let (_, pos, gpos, euler, half, range, stiffness, damping, _) = *s;
                let hinge = DofParams {
                    range: Some(range.map(f32::to_radians)),
                    soft_limit: Some(SoftLimit::MUJOCO_DEFAULT),
                    damping,
                    armature: 0.1,
                    stiffness,
                    ..DofParams::new(Vector::Y)
                };
                parent = b.body(
                    Some(parent),
                    v3(pos),
                    Joint::Hinge(hinge),
                    &[geom(capsule(gpos, euler, half))],
                );
                ranges[segments.len()] = range.map(f32::to_radians);
                segments.push((parent, s.8));
            }
        }
        let feet = [segments[2].0, segments[5].0];
        for (body, gear) in segments {
            b.actuator(body, gear);
        }
        CheetahRun {
            chain: b.build(),
            torso,
            feet,
            ranges,
        }
    }

    /// The physics (for tests and rendering).
    pub fn chain(&self) -> &Chain {
        &self.chain
    }

    /// Mutable physics (for tests).
    pub fn chain_mut(&mut self) -> &mut Chain {
        &mut self.chain
    }

    /// The torso body.
    pub fn torso(&self) -> BodyId {
        self.torso
    }

    /// The feet (back, front).
    pub fn feet(&self) -> [BodyId; 2] {
        self.feet
    }
}

impl Task for CheetahRun {
    fn spec(&self) -> &'static EnvSpec {
        &SPEC
    }

    fn reset(&mut self, rng: &mut ChaCha8Rng) {
        for _ in 0..MAX_DRAWS {
            let mut qpos = [0.0f32; 9];
            for (q, r) in qpos[3..].iter_mut().zip(&self.ranges) {
                *q = rng.random_range(r[0]..r[1]);
            }
            self.chain.set_state(&qpos, &[0.0; 9]);
            self.chain.set_ctrl(&[0.0; 6]);
            for _ in 0..SETTLE_STEPS {
                self.chain.step();
            }
            let settled = (0..9).all(|i| self.chain.qvel(i).abs() <= SETTLED_SPEED_LIMIT);
            if settled {
                return;
            }
        }
        panic!("cheetah-run: {MAX_DRAWS} initial poses in a row failed to settle");
    }

    fn advance(&mut self, action: &[f32]) {
        self.chain.set_ctrl(action);
        for _ in 0..SPEC.substeps {
            self.chain.step();
        }
    }

    fn observe(&self, obs: &mut [f32]) {
        for i in 1..9 {
            obs[i - 1] = self.chain.qpos(i);
        }
        for i in 0..9 {
            obs[8 + i] = self.chain.qvel(i);
        }
    }

    fn reward(&self) -> Reward {
        let v = self.chain.com_velocity().x as f64;
        let speed = tolerance(
            v,
            (RUN_SPEED, f64::INFINITY),
            RUN_SPEED,
            Sigmoid::Linear,
            0.0,
        );
        Reward::new(speed, &[("speed", speed)])
    }

    fn state(&self) -> PhysicsState {
        self.chain.physics_state(&ORDER)
    }

    fn set_state(&mut self, state: &PhysicsState) -> Result<(), StateError> {
        self.chain.set_physics_state(&ORDER, state);
        Ok(())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Picture for CheetahRun {
    fn draw(&self, scene: &mut Scene) {
        let view = PlanarView {
            half_width: 1.6,
            center_z: 0.6,
            track: true,
            ground: true,
        };
        draw_chain(&self.chain, view, scene);
    }
}
