//! # pendulum-swingup
//!
//! A pole on a damped hinge, driven by a weak motor, must swing up and stay upright.
//! Mirrors dm_control `suite/pendulum.py` (`swingup`) and `suite/pendulum.xml`.
//!
//! ## Spaces
//! - Action (1): `torque` ∈ [−1, 1], motor gear 1 → hinge torque in N·m (less than the
//!   m·g·l = 4.9 N·m needed to hold the pole horizontal, so it must pump energy).
//! - Observation (3): `orientation` = [zz, xz] of the pole frame (= [cos θ, sin θ], θ = 0
//!   upright), `velocity` = [θ̇] (rad/s).
//!
//! ## Reward
//! One term, `upright` = tolerance(cos θ, bounds = (cos 8°, 1), margin = 0): 1 while the pole is
//! within 8° of vertical, else 0. reward = upright.
//!
//! ## Termination
//! None; truncated after 1000 control steps (20 s).
//!
//! ## Initial state
//! θ ~ U(−π, π), θ̇ = 0.
//!
//! ## Physics
//! Body at (0, 0, 0.6); hinge about +y, damping 0.1 N·m·s/rad; pole capsule and base cylinder
//! are massless; a 1 kg sphere of radius 0.05 at 0.5 m gives I = 0.4·m·r² + m·l² = 0.251 kg·m²
//! about the hinge. Timestep 0.02 s, one physics step per control step; no contacts.
//!
//! ## Differences from dm_control
//! - Integrator: rapier's semi-implicit Euler with implicit damping (MuJoCo: Euler with implicit
//!   damping). Same timestep; trajectories agree to O(dt) but are not identical.
//! - Random streams: ChaCha8 instead of NumPy's `RandomState`; distributions are the same.
//! - The massless decorative base cylinder is not modelled (it has no mass and no contacts).
//!
//! ## Version history
//! - v1: first version.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rapier3d::prelude::Vector;

use crate::env::{Reward, Task};
use crate::planar::{BodyId, Chain, ChainBuilder, DofParams, Geom, Joint, Shape};
use crate::render::{Picture, PlanarView, Scene, draw_chain};
use crate::spec::{EnvSpec, ObservationField};
use crate::state::{PhysicsState, StateError};
use crate::tolerance::{DEFAULT_VALUE_AT_MARGIN, Sigmoid, tolerance};

/// Chain DoF of each dm_control coordinate (the same order).
const ORDER: [usize; 1] = [0];

/// Task specification.
pub static SPEC: EnvSpec = EnvSpec {
    name: "pendulum-swingup",
    version: 1,
    observation: &[
        ObservationField {
            name: "orientation",
            size: 2,
        },
        ObservationField {
            name: "velocity",
            size: 1,
        },
    ],
    action: &["torque"],
    qpos: &["hinge"],
    qvel: &["hinge"],
    control_timestep: 0.02,
    substeps: 1,
    episode_length: 1000,
};

/// Half-angle of the "upright" cone, degrees (dm_control `_ANGLE_BOUND`).
pub const ANGLE_BOUND_DEG: f64 = 8.0;
/// Hinge damping, N·m·s/rad.
pub const HINGE_DAMPING: f32 = 0.1;

/// The pendulum swing-up task.
pub struct PendulumSwingup {
    chain: Chain,
    pole: BodyId,
}

impl Default for PendulumSwingup {
    fn default() -> Self {
        Self::new()
    }
}

impl PendulumSwingup {
    /// Builds the pendulum with dm_control's parameters.
    pub fn new() -> Self {
        Self::with_damping(HINGE_DAMPING)
    }

    /// Builds the pendulum with another hinge damping (0 for passive-physics checks).
    pub fn with_damping(damping: f32) -> Self {
        let mut b = ChainBuilder::new(SPEC.control_timestep as f32);
        let hinge = DofParams {
            damping,
            ..DofParams::new(Vector::Y)
        };
        let pole = b.body(
            None,
            Vector::new(0.0, 0.0, 0.6),
            Joint::Hinge(hinge),
            &[
                Geom {
                    shape: Shape::Capsule {
                        a: Vector::ZERO,
                        b: Vector::new(0.0, 0.0, 0.5),
                        radius: 0.02,
                    },
                    mass: 0.0,
                    friction: None,
                },
                Geom {
                    shape: Shape::Sphere {
                        center: Vector::new(0.0, 0.0, 0.5),
                        radius: 0.05,
                    },
                    mass: 1.0,
                    friction: None,
                },
            ],
        );
        b.actuator(pole, 1.0);
        PendulumSwingup {
            chain: b.build(),
            pole,
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

    /// The pole body.
    pub fn pole(&self) -> BodyId {
        self.pole
    }

    /// [zz, xz] of the pole frame: cos and sin of the angle from upright.
    fn orientation(&self) -> [f32; 2] {
        let z = self.chain.pose(self.pole).rotation * Vector::Z;
        [z.z, z.x]
    }
}

impl Task for PendulumSwingup {
    fn spec(&self) -> &'static EnvSpec {
        &SPEC
    }

    fn reset(&mut self, rng: &mut ChaCha8Rng) {
        let theta = rng.random_range(-std::f32::consts::PI..std::f32::consts::PI);
        self.chain.set_state(&[theta], &[0.0]);
    }

    fn advance(&mut self, action: &[f32]) {
        self.chain.set_ctrl(action);
        for _ in 0..SPEC.substeps {
            self.chain.step();
        }
    }

    fn observe(&self, obs: &mut [f32]) {
        let [zz, xz] = self.orientation();
        obs[0] = zz;
        obs[1] = xz;
        obs[2] = self.chain.qvel(0);
    }

    fn reward(&self) -> Reward {
        let cos_bound = ANGLE_BOUND_DEG.to_radians().cos();
        let zz = self.orientation()[0] as f64;
        let upright = tolerance(
            zz,
            (cos_bound, 1.0),
            0.0,
            Sigmoid::Gaussian,
            DEFAULT_VALUE_AT_MARGIN,
        );
        Reward::new(upright, &[("upright", upright)])
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

impl Picture for PendulumSwingup {
    fn draw(&self, scene: &mut Scene) {
        let view = PlanarView {
            half_width: 0.8,
            center_z: 0.6,
            track: false,
            ground: false,
        };
        draw_chain(&self.chain, view, scene);
    }
}
