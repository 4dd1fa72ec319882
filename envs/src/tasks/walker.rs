//! # walker-walk, walker-run
//!
//! A planar biped (torso, two legs of thigh, leg and foot) must stand up and move forward at
//! 1 m/s (walk) or 8 m/s (run). Mirrors dm_control `suite/walker.py` (`walk`, `run`) and
//! `suite/walker.xml`.
//!
//! ## Spaces
//! - Action (6): `right_hip`, `right_knee`, `right_ankle`, `left_hip`, `left_knee`,
//!   `left_ankle` ∈ [−1, 1]; gears 100, 50, 20 (each leg) → hinge torques in N·m.
//! - Observation (24): `orientations` (14) = [xx, xz] of the frames of torso, right thigh,
//!   right leg, right foot, left thigh, left leg, left foot (cos and sin of each body's world
//!   pitch); `height` (1) = torso z (m); `velocity` (9) = qvel in MuJoCo order
//!   [rootz rate, rootx rate, rooty rate, 6 hinge rates].
//!
//! ## Reward
//! - `standing` = tolerance(torso z, bounds (1.2, ∞), margin 0.6, gaussian);
//! - `upright` = (1 + torso zz) / 2;
//! - `move` = tolerance(v, bounds (s, ∞), margin s/2, linear, value_at_margin 0.5) with s the
//!   target speed and v the x velocity of the centre of mass (`torso_subtreelinvel`).
//!
//! reward = (3·standing + upright)/4 · (5·move + 1)/6.
//!
//! ## Termination
//! None; truncated after 1000 control steps (25 s).
//!
//! ## Initial state
//! Torso frame at (0, 0, 1.3); pitch ~ U(−π, π) (the unlimited `rooty` hinge), then each hinge
//! uniform in its range (dm_control `randomize_limited_and_rotational_joints`), velocities 0.
//! The body may start partly below the floor; contacts push it out, as in MuJoCo.
//!
//! ## Physics
//! Capsules of density 1000: torso (r 0.07, half-length 0.3), thighs (0.05, 0.225), legs
//! (0.04, 0.25), feet (0.05, 0.1, along x). Hinges about −y, damping 0.1, armature 0.01;
//! ranges hip [−20°, 100°], knee [−150°, 0°], ankle [−45°, 45°]. Root joints have neither.
//! Robot geoms touch only the floor (conaffinity 0); friction 0.7 on both (walker.xml's default
//! geom class gives the floor `friction=".7 .1 .1"` too), so MuJoCo's max rule gives 0.7.
//! Timestep 2.5 ms, 10 physics steps per 25 ms control step, each one MuJoCo Euler step
//! (`[ENV:Eq.euler]`, [`Integrator::Euler`]); rapier only places the bodies.
//!
//! Ground contacts are MuJoCo's soft capsule–plane contacts with its default pyramidal cone
//! ([`crate::planar::ChainBuilder::soft_ground`]; walker.xml's geoms and floor take the default
//! `solref` 0.02 1 and `solimp` 0.9 0.95 0.001 0.5 2), computed outside rapier once per physics
//! step; rapier has no ground and the geoms no colliders. Joint limits are MuJoCo's soft limits
//! with walker.xml's `solimplimit` 0 0.99 0.01 (mid 0.5, power 2) and the default
//! `solreflimit` 0.02 1 ([`LIMIT`]): the impedance rises from zero (clamped to 10⁻⁴) at the stop
//! to 0.99 at 0.01 rad past it, so a joint meets almost no resistance at first and under
//! bang-bang actions goes about 30° past its range, as in MuJoCo.
//!
//! ## Differences from dm_control
//! - Integrator: MuJoCo's Euler (implicit damping) in f32 from the same mass matrix and forces
//!   the constraint solve uses. Trajectories differ once contacts make the motion chaotic.
//! - Contacts and limits are MuJoCo's soft constraints solved as one program, as MuJoCo does
//!   (`[ENV:Eq.soft-constraints]`), but applied as explicit forces from the state at the start
//!   of each 2.5 ms step. Under bang-bang actions hinges go 29.1° past their stops and feet sink
//!   9.8 cm (v5: 31.8°, 8.7 cm), inside MuJoCo's 28–38° and 7–14 cm
//!   (`tests/walker_contacts.rs`). Foot slip, ground fraction, speeds and random-policy returns
//!   agree with MuJoCo's (paper-notes/envs-vs-dm_control.md, "walker v4" and "walker v6").
//! - Speed: ten Euler steps, each with one mass matrix for the solve and the step (v5's rapier
//!   steps built a second one and ran at about half of dm_control's rate). In one sitting
//!   walker-walk ran 7,960–9,850 steps per CPU-second against dm_control's 3,000–3,600
//!   (paper-notes/envs-vs-dm_control.md, "walker v6").
//! - Torsional and rolling friction (condim 3 has none) are absent in both.
//! - Random streams: ChaCha8 instead of NumPy's `RandomState`; distributions are the same.
//!
//! ## Version history
//! - v1: first version.
//! - v2: collision detection every 12.5 ms (5 solver substeps of 2.5 ms per rapier step) with
//!   a 0.15 m contact margin, for speed; the integration timestep is unchanged.
//! - v3: floor friction 0.7 (was 1.0): walker.xml's default class sets `friction=".7 .1 .1"`
//!   for every geom, the floor included, so the max-combined coefficient is 0.7.
//! - v4: MuJoCo's soft ground contacts and soft joint limits (were rapier's contacts and hard
//!   limits, under which feet slid 2–5× MuJoCo's speed and hinges stopped within 8° of their
//!   ranges where MuJoCo's go 30° past); one rapier step per 2.5 ms physics step (v2's
//!   12.5 ms steps with 5 substeps would hold each soft force for five steps).
//! - v5: the unconstrained acceleration a₀ of the soft constraints includes MuJoCo's velocity-
//!   product (Coriolis and centrifugal) forces (`[ENV:Eq.bias-force]`; they were left out).
//! - v6: MuJoCo's Euler step (`[ENV:Eq.euler]`) instead of rapier's multibody step (its own
//!   mass matrix and factorisation every step, and semi-implicit Coriolis forces MuJoCo lacks);
//!   one mass matrix per physics step serves the constraint solve (Cholesky of M) and the step
//!   (Cholesky of M + hD).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rapier3d::prelude::Vector;

use crate::env::{Reward, Task};
use crate::planar::{
    BodyId, Chain, ChainBuilder, DofParams, Geom, Integrator, Joint, Shape, SoftLimit,
};
use crate::render::{Picture, PlanarView, Scene, draw_chain};
use crate::spec::{EnvSpec, ObservationField};
use crate::state::{PhysicsState, StateError};
use crate::tolerance::{DEFAULT_VALUE_AT_MARGIN, Sigmoid, tolerance};

/// dm_control's joint order (qpos = qvel): `rootz` comes before `rootx` in walker.xml.
const WALKER_JOINTS: &[&str] = &[
    "rootz",
    "rootx",
    "rooty",
    "right_hip",
    "right_knee",
    "right_ankle",
    "left_hip",
    "left_knee",
    "left_ankle",
];

const OBSERVATION: &[ObservationField] = &[
    ObservationField {
        name: "orientations",
        size: 14,
    },
    ObservationField {
        name: "height",
        size: 1,
    },
    ObservationField {
        name: "velocity",
        size: 9,
    },
];
const ACTION: &[&str] = &[
    "right_hip",
    "right_knee",
    "right_ankle",
    "left_hip",
    "left_knee",
    "left_ankle",
];

/// Chain DoF of each dm_control coordinate (the chain's planar root is x, z, pitch; walker.xml lists rootz first).
const ORDER: [usize; 9] = [1, 0, 2, 3, 4, 5, 6, 7, 8];

/// walker-walk specification.
pub static SPEC_WALK: EnvSpec = EnvSpec {
    name: "walker-walk",
    version: 6,
    observation: OBSERVATION,
    action: ACTION,
    qpos: WALKER_JOINTS,
    qvel: WALKER_JOINTS,
    control_timestep: 0.025,
    substeps: 10,
    episode_length: 1000,
};

/// walker-run specification.
pub static SPEC_RUN: EnvSpec = EnvSpec {
    name: "walker-run",
    ..SPEC_WALK
};

/// Torso height above which `standing` is 1, m (dm_control `_STAND_HEIGHT`).
pub const STAND_HEIGHT: f64 = 1.2;
/// Target speed of walker-walk, m/s.
pub const WALK_SPEED: f64 = 1.0;
/// Target speed of walker-run, m/s.
pub const RUN_SPEED: f64 = 8.0;

const DENSITY: f32 = 1000.0;
const FRICTION: f32 = 0.7;
/// Hinge ranges in degrees: hip, knee, ankle.
const RANGES_DEG: [[f32; 2]; 3] = [[-20.0, 100.0], [-150.0, 0.0], [-45.0, 45.0]];
const GEARS: [f32; 3] = [100.0, 50.0, 20.0];
/// walker.xml's joint limits: `solimplimit="0 .99 .01"` (mid 0.5, power 2 by default) and
/// MuJoCo's default `solreflimit` (0.02, 1); margin 0. Read from the compiled dm_control model.
pub const LIMIT: SoftLimit = SoftLimit {
    solref: [0.02, 1.0],
    solimp: [0.0, 0.99, 0.01, 0.5, 2.0],
};
/// walker.xml's geoms and floor take MuJoCo's default contact `solref`/`solimp`.
pub const CONTACT: SoftLimit = SoftLimit::MUJOCO_DEFAULT;

/// The planar walker, walking or running.
pub struct Walker {
    spec: &'static EnvSpec,
    move_speed: f64,
    chain: Chain,
    /// torso, right thigh, leg, foot, left thigh, leg, foot (dm_control body order).
    bodies: [BodyId; 7],
}

impl Walker {
    /// walker-walk.
    pub fn walk() -> Self {
        Self::new(&SPEC_WALK, WALK_SPEED)
    }

    /// walker-run.
    pub fn run() -> Self {
        Self::new(&SPEC_RUN, RUN_SPEED)
    }

    fn new(spec: &'static EnvSpec, move_speed: f64) -> Self {
        let geom = |shape: Shape| Geom::with_density(shape, DENSITY, Some(FRICTION));
        let along_z =
            |pos: Vector, half: f32, r: f32| Shape::capsule_along(pos, Vector::Z, half, r);
        let mut b = ChainBuilder::new(spec.control_timestep as f32 / spec.substeps as f32);
        b.soft_ground(0.0, FRICTION, CONTACT);
        b.integrator(Integrator::Euler);
        let torso = b.body(
            None,
            Vector::new(0.0, 0.0, 1.3),
            Joint::Planar,
            &[geom(along_z(Vector::ZERO, 0.3, 0.07))],
        );
        let hinge = |range: [f32; 2], pos: Vector| {
            Joint::Hinge(DofParams {
                pos,
                range: Some(range.map(f32::to_radians)),
                soft_limit: Some(LIMIT),
                damping: 0.1,
                armature: 0.01,
                ..DofParams::new(Vector::NEG_Y)
            })
        };
        let mut bodies = [torso; 7];
        let mut k = 1;
        for side_y in [-0.05, 0.05] {
            let thigh = b.body(
                Some(torso),
                Vector::new(0.0, side_y, -0.3),
                hinge(RANGES_DEG[0], Vector::ZERO),
                &[geom(along_z(Vector::new(0.0, 0.0, -0.225), 0.225, 0.05))],
            );
            let leg = b.body(
                Some(thigh),
                Vector::new(0.0, 0.0, -0.7),
                hinge(RANGES_DEG[1], Vector::new(0.0, 0.0, 0.25)),
                &[geom(along_z(Vector::ZERO, 0.25, 0.04))],
            );
            let foot = b.body(
                Some(leg),
                Vector::new(0.06, 0.0, -0.25),
                hinge(RANGES_DEG[2], Vector::new(-0.06, 0.0, 0.0)),
                &[geom(Shape::capsule_along(
                    Vector::ZERO,
                    Vector::X,
                    0.1,
                    0.05,
                ))],
            );
            for (body, gear) in [thigh, leg, foot].into_iter().zip(GEARS) {
                b.actuator(body, gear);
                bodies[k] = body;
                k += 1;
            }
        }
        Walker {
            spec,
            move_speed,
            chain: b.build(),
            bodies,
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

    /// Bodies in dm_control order: torso, right thigh, leg, foot, left thigh, leg, foot.
    pub fn bodies(&self) -> [BodyId; 7] {
        self.bodies
    }

    fn torso_height(&self) -> f32 {
        self.chain.pose(self.bodies[0]).translation.z
    }

    fn torso_upright(&self) -> f32 {
        (self.chain.pose(self.bodies[0]).rotation * Vector::Z).z
    }
}

impl Task for Walker {
    fn spec(&self) -> &'static EnvSpec {
        self.spec
    }

    fn reset(&mut self, rng: &mut ChaCha8Rng) {
        let mut qpos = [0.0f32; 9];
        qpos[2] = rng.random_range(-std::f32::consts::PI..std::f32::consts::PI);
        for i in 0..6 {
            let r = RANGES_DEG[i % 3].map(f32::to_radians);
            qpos[3 + i] = rng.random_range(r[0]..r[1]);
        }
        self.chain.set_state(&qpos, &[0.0; 9]);
    }

    fn advance(&mut self, action: &[f32]) {
        self.chain.set_ctrl(action);
        for _ in 0..self.spec.substeps {
            self.chain.step();
        }
    }

    fn observe(&self, obs: &mut [f32]) {
        for (i, &body) in self.bodies.iter().enumerate() {
            let r = self.chain.pose(body).rotation;
            obs[2 * i] = (r * Vector::X).x;
            obs[2 * i + 1] = (r * Vector::Z).x;
        }
        obs[14] = self.torso_height();
        // MuJoCo's joint order is rootz, rootx, rooty; the planar joint's is x, z, pitch.
        obs[15] = self.chain.qvel(1);
        obs[16] = self.chain.qvel(0);
        for i in 2..9 {
            obs[15 + i] = self.chain.qvel(i);
        }
    }

    fn reward(&self) -> Reward {
        let standing = tolerance(
            self.torso_height() as f64,
            (STAND_HEIGHT, f64::INFINITY),
            STAND_HEIGHT / 2.0,
            Sigmoid::Gaussian,
            DEFAULT_VALUE_AT_MARGIN,
        );
        let upright = (1.0 + self.torso_upright() as f64) / 2.0;
        let v = self.chain.com_velocity().x as f64;
        let s = self.move_speed;
        let moving = tolerance(v, (s, f64::INFINITY), s / 2.0, Sigmoid::Linear, 0.5);
        let total = (3.0 * standing + upright) / 4.0 * (5.0 * moving + 1.0) / 6.0;
        Reward::new(
            total,
            &[
                ("standing", standing),
                ("upright", upright),
                ("move", moving),
            ],
        )
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

impl Picture for Walker {
    fn draw(&self, scene: &mut Scene) {
        let view = PlanarView {
            half_width: 1.6,
            center_z: 1.0,
            track: true,
            ground: true,
        };
        draw_chain(&self.chain, view, scene);
    }
}
