//! # cartpole-swingup
//!
//! A cart on a rail carries an unactuated pole that starts hanging down; push the cart to swing
//! the pole up and balance it. Mirrors dm_control `suite/cartpole.py` (`swingup`) and
//! `suite/cartpole.xml`.
//!
//! ## Spaces
//! - Action (1): `slide` ∈ [−1, 1], gear 10 → force on the cart in N.
//! - Observation (5): `position` = [cart x (m), pole zz = cos θ, pole xz = sin θ],
//!   `velocity` = [ẋ (m/s), θ̇ (rad/s)]; θ = 0 is upright.
//!
//! ## Reward
//! reward = `upright` · `centered` · `small_control` · `small_velocity`, with tol = tolerance
//! (bounds (0, 0)):
//! - `upright` = (cos θ + 1) / 2;
//! - `centered` = (1 + tol(x, margin 2, gaussian)) / 2;
//! - `small_control` = (4 + tol(u, margin 1, quadratic, value_at_margin 0)) / 5;
//! - `small_velocity` = (1 + tol(θ̇, margin 5, gaussian)) / 2.
//!
//! ## Termination
//! None; truncated after 1000 control steps (10 s).
//!
//! ## Initial state
//! x = 0.01·N(0,1), θ = π + 0.01·N(0,1), [ẋ, θ̇] = 0.01·N(0,1) each (in that draw order).
//!
//! ## Physics
//! Cart: 1 kg box, half-extents (0.2, 0.15, 0.1), at (0, 0, 1); slider along x, range ±1.8 m,
//! damping 5e-4 N·s/m. Pole: 0.1 kg capsule from the cart origin to (0, 0, 1), radius 0.045;
//! hinge about +y, damping 2e-6 N·m·s/rad. No contacts. Timestep 0.01 s, one physics step per
//! control step.
//!
//! ## Differences from dm_control
//! - Integrator: dm_control uses RK4 at 0.01 s; rapier integrates with semi-implicit Euler,
//!   here with 8 solver substeps of 1.25 ms per 0.01 s step (dynamics recomputed each substep).
//!   Its energy error is a bounded oscillation proportional to the substep: 0.7 % of m·g·l
//!   over 10 s for a frictionless cart released with the pole horizontal (7 % with 1 substep).
//! - The slider's end stops are MuJoCo's soft limit (`solreflimit` 0.08 1, default
//!   `solimplimit`) as an explicit force once per 10 ms step ([`crate::planar::SoftLimit`]),
//!   with the unconstrained acceleration from the mass matrix (actuator, damping and the
//!   pole's coupling; v2 used the actuator alone). v1 used rapier's hard limit, which
//!   stopped the cart at 1.804 m where MuJoCo's travels to 1.89 m.
//! - Random streams: ChaCha8 instead of NumPy's `RandomState`; distributions are the same.
//!
//! ## Version history
//! - v1: first version.
//! - v2: soft end stops on the slider, as MuJoCo's (was rapier's hard limit).
//! - v3: the soft stop's unconstrained acceleration includes damping and the pole's coupling
//!   through the mass matrix, and its regulariser uses MuJoCo's `dof_invweight0`.
//! - v4: the unconstrained acceleration a₀ of the soft constraints includes MuJoCo's velocity-
//!   product (Coriolis and centrifugal) forces (`[ENV:Eq.bias-force]`; they were left out).
//! - v5: round-off only: the soft stop's a₀ comes from a Cholesky factor of the mass matrix
//!   (was LU), so episodes that reach the rail differ in the last bits (100-episode random
//!   return 27.65 ± 22.06, as v4's to the printed digits).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rapier3d::prelude::Vector;

use crate::env::{Reward, Task};
use crate::planar::{BodyId, Chain, ChainBuilder, DofParams, Geom, Joint, Shape, SoftLimit};
use crate::render::{Picture, PlanarView, Scene, draw_chain};
use crate::spec::{EnvSpec, ObservationField};
use crate::state::{PhysicsState, StateError};
use crate::tolerance::{DEFAULT_VALUE_AT_MARGIN, Sigmoid, tolerance};

/// Chain DoF of each dm_control coordinate (the same order).
const ORDER: [usize; 2] = [0, 1];

/// Task specification.
pub static SPEC: EnvSpec = EnvSpec {
    name: "cartpole-swingup",
    version: 5,
    observation: &[
        ObservationField {
            name: "position",
            size: 3,
        },
        ObservationField {
            name: "velocity",
            size: 2,
        },
    ],
    action: &["slide"],
    qpos: &["slider", "hinge_1"],
    qvel: &["slider", "hinge_1"],
    control_timestep: 0.01,
    substeps: 1,
    episode_length: 1000,
};

/// Solver substeps per physics step (see "Differences from dm_control").
pub const SOLVER_SUBSTEPS: usize = 8;

/// The cartpole swing-up task.
pub struct CartpoleSwingup {
    chain: Chain,
    pole: BodyId,
    control: f32,
}

impl Default for CartpoleSwingup {
    fn default() -> Self {
        Self::new()
    }
}

impl CartpoleSwingup {
    /// Builds the cartpole with dm_control's parameters.
    pub fn new() -> Self {
        Self::with_damping(5e-4, 2e-6)
    }

    /// Builds the cartpole with other slider and hinge damping (0, 0 for energy checks).
    pub fn with_damping(slider_damping: f32, hinge_damping: f32) -> Self {
        let mut b = ChainBuilder::new(SPEC.control_timestep as f32 / SPEC.substeps as f32);
        b.world_mut().params.num_solver_iterations = SOLVER_SUBSTEPS;
        let slider = DofParams {
            range: Some([-1.8, 1.8]),
            soft_limit: Some(SoftLimit::with_solref(0.08, 1.0)),
            damping: slider_damping,
            ..DofParams::new(Vector::X)
        };
        let cart = b.body(
            None,
            Vector::new(0.0, 0.0, 1.0),
            Joint::Slide(slider),
            &[Geom {
                shape: Shape::Cuboid {
                    half: Vector::new(0.2, 0.15, 0.1),
                },
                mass: 1.0,
                friction: None,
            }],
        );
        let hinge = DofParams {
            damping: hinge_damping,
            ..DofParams::new(Vector::Y)
        };
        let pole = b.body(
            Some(cart),
            Vector::ZERO,
            Joint::Hinge(hinge),
            &[Geom {
                shape: Shape::Capsule {
                    a: Vector::ZERO,
                    b: Vector::new(0.0, 0.0, 1.0),
                    radius: 0.045,
                },
                mass: 0.1,
                friction: None,
            }],
        );
        b.actuator(cart, 10.0);
        CartpoleSwingup {
            chain: b.build(),
            pole,
            control: 0.0,
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

    fn pole_zz_xz(&self) -> (f32, f32) {
        let z = self.chain.pose(self.pole).rotation * Vector::Z;
        (z.z, z.x)
    }
}

impl Task for CartpoleSwingup {
    fn spec(&self) -> &'static EnvSpec {
        &SPEC
    }

    fn reset(&mut self, rng: &mut ChaCha8Rng) {
        self.control = 0.0;
        let mut n = || 0.01 * rng.sample::<f32, _>(StandardNormal);
        let x = n();
        let theta = std::f32::consts::PI + n();
        let v = [n(), n()];
        self.chain.set_state(&[x, theta], &v);
    }

    fn advance(&mut self, action: &[f32]) {
        self.control = action[0];
        self.chain.set_ctrl(action);
        for _ in 0..SPEC.substeps {
            self.chain.step();
        }
    }

    fn observe(&self, obs: &mut [f32]) {
        let (zz, xz) = self.pole_zz_xz();
        obs[0] = self.chain.qpos(0);
        obs[1] = zz;
        obs[2] = xz;
        obs[3] = self.chain.qvel(0);
        obs[4] = self.chain.qvel(1);
    }

    fn reward(&self) -> Reward {
        let g = Sigmoid::Gaussian;
        let (zz, _) = self.pole_zz_xz();
        let upright = (zz as f64 + 1.0) / 2.0;
        let x = self.chain.qpos(0) as f64;
        let centered = (1.0 + tolerance(x, (0.0, 0.0), 2.0, g, DEFAULT_VALUE_AT_MARGIN)) / 2.0;
        let u = self.control as f64;
        let small_control = (4.0 + tolerance(u, (0.0, 0.0), 1.0, Sigmoid::Quadratic, 0.0)) / 5.0;
        let w = self.chain.qvel(1) as f64;
        let small_velocity =
            (1.0 + tolerance(w, (0.0, 0.0), 5.0, g, DEFAULT_VALUE_AT_MARGIN)) / 2.0;
        Reward::new(
            upright * centered * small_control * small_velocity,
            &[
                ("upright", upright),
                ("centered", centered),
                ("small_control", small_control),
                ("small_velocity", small_velocity),
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

impl Picture for CartpoleSwingup {
    fn draw(&self, scene: &mut Scene) {
        let view = PlanarView {
            half_width: 2.4,
            center_z: 0.8,
            track: false,
            ground: true,
        };
        draw_chain(&self.chain, view, scene);
    }
}
