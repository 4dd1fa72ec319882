//! # fish-swim and fish-upright (dm_control `suite/fish.py`, `fish.xml`)
//!
//! A free-floating fish (torso, two-segment tail, two fins; 7 hinges) in a fluid of density
//! 5000 kg/m³ ([`crate::fluid`], MuJoCo's inertia-based model). Gravity and all constraints are
//! off in dm_control (`<flag gravity="disable" constraint="disable"/>`): no contacts, no joint
//! limits, so buoyancy never matters. Physics timestep 0.004 s, 10 substeps: control timestep
//! 0.04 s; 1000 control steps (40 s).
//!
//! Bodies (masses from density 1000; geoms marked `mass="0"` in the XML are visual only):
//! torso = box half-extents (0.002, 0.06, 0.03), 28.8 g; tail1 ellipsoid (0.001, 0.008, 0.016);
//! tail2 ellipsoid (0.001, 0.018, 0.035); fins ellipsoids (0.02, 0.015, 0.001) centred 0.015 m
//! outboard. Every hinge has damping 2e-5 N·m·s; tail2 has stiffness 8e-5 N·m/rad; the fin rolls
//! are coupled by the `fins_sym` tendon (stiffness 1e-4 on ½(q_left + q_right)).
//!
//! ## Action space (5), each in [−1, 1]: position servos, torque = kp·(a − length)
//! | index | actuator | length | kp |
//! |---|---|---|---|
//! | 0 | `tail` | tail1 angle | 5e-4 |
//! | 1 | `tail_twist` | tail_twist angle | 1e-4 |
//! | 2 | `fins_flap` | ½(q_finright_roll − q_finleft_roll) | 3e-4 |
//! | 3 | `finleft_pitch` | finleft_pitch angle | 1e-4 |
//! | 4 | `finright_pitch` | finright_pitch angle | 1e-4 |
//!
//! ## Observation space (swim 24, upright 21), dm_control's order
//! | key | size | content |
//! |---|---|---|
//! | `joint_angles` | 7 | tail1, tail_twist, tail2, finright_roll, finright_pitch, finleft_roll, finleft_pitch (rad) |
//! | `upright` | 1 | z-component of the torso's z-axis |
//! | `target` | 3 | (swim only) target − mouth, in the mouth geom's frame (m) |
//! | `velocity` | 13 | torso linear velocity (world), torso angular velocity (torso frame), 7 hinge rates |
//!
//! ## Reward, in [0, 1]
//! - upright: `upright` = tolerance(upright, bounds (1, 1), margin 1) (Gaussian, 0.1 at margin).
//! - swim: `in_target` = tolerance(‖mouth_to_target‖, bounds (0, 0.045), margin 0.09) and
//!   `is_upright` = ½(upright + 1); reward = (7·in_target + is_upright)/8.
//!
//! ## Termination
//! Never; truncated after 1000 steps by [`crate::Env`].
//!
//! ## Initial state
//! Torso at (0, 0, 0.1) with orientation quaternion (w, x, y, z) = n/‖n‖, n ~ N(0, I₄); the 7
//! hinge angles ~ U(−0.2, 0.2); velocities 0. Swim then draws the target at
//! (U(−0.4, 0.4), U(−0.4, 0.4), U(0.1, 0.3)). Same draw order as dm_control.
//!
//! ## Differences from dm_control
//! - The dynamics are not rapier's: fish is a contact-free tree, and rapier's f32 multibody
//!   integrator (semi-implicit Coriolis) injected linear momentum: flapping in a *vacuum* moved
//!   the centre of mass 8–16 cm in 10 s, as far as the fish swims in the fluid. It runs on
//!   [`crate::articulated`] instead: MuJoCo's Euler scheme (damping implicit, everything else
//!   explicit) in f64 with exact bias forces, whose vacuum drift is Euler's own O(dt) error
//!   (2–30 mm in 10 s for random to bang-bang flapping, halving with dt).
//! - Actuators, the tail2 spring and the fin tendon are joint torques recomputed every physics
//!   step, as MuJoCo computes them; fluid forces use [`crate::fluid`] (f32 formulas, f64
//!   dynamics), also explicit and held for each 0.004 s step.
//! - Trajectories agree with MuJoCo's in kind, not to the digit (different floating-point order,
//!   MuJoCo's RNE vs this file's central-difference bias term).
//!
//! ## Version
//! 1: first port (MuJoCo-style Euler tree, inertia-box fluid).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rapier3d::glamx::{DQuat, DVec3};

use crate::articulated::{Kinematics, Tree, TreeState, Workspace};
use crate::env::{Reward, Task};
use crate::fluid::{Fluid, InertiaBox};
use crate::spec::EnvSpec;
use crate::state::{PhysicsState, StateError};
use crate::tolerance::{Sigmoid, tolerance};

use super::fish_model::build;
pub use super::fish_spec::{SUBSTEPS, SWIM_SPEC, UPRIGHT_SPEC};

#[path = "fish_picture.rs"]
mod picture;

const PHYSICS_DT: f64 = 0.004;
/// dm_control's medium: `<option density="5000"/>`, viscosity 0.
pub const FLUID: Fluid = Fluid {
    density: 5000.0,
    viscosity: 0.0,
};
const TAIL2_STIFFNESS: f64 = 8e-5;
const FINS_SYM_STIFFNESS: f64 = 1e-4;
/// Servo gains: tail, tail_twist, fins_flap, finleft_pitch, finright_pitch.
const KP: [f64; 5] = [5e-4, 1e-4, 3e-4, 1e-4, 1e-4];
const TORSO_START: DVec3 = DVec3::new(0.0, 0.0, 0.1);
/// Mouth capsule centre in the torso frame; mouth radius + target radius.
const MOUTH: DVec3 = DVec3::new(0.0, 0.0745, 0.0);
const MOUTH_TARGET_RADII: f64 = 0.005 + 0.04;

/// Hinge order of dm_control's `_JOINTS` (and of the tree's hinges).
pub const JOINTS: [&str; 7] = [
    "tail1",
    "tail_twist",
    "tail2",
    "finright_roll",
    "finright_pitch",
    "finleft_roll",
    "finleft_pitch",
];

/// Which fish task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FishVariant {
    /// Turn the torso upright.
    Upright,
    /// Bring the mouth to a target.
    Swim,
}

/// A fish task: a 5-body tree ([`crate::articulated`]) in the fluid.
pub struct Fish {
    variant: FishVariant,
    tree: Tree,
    state: TreeState,
    /// Kinematics of `state` (refreshed after each control step).
    kin: Kinematics,
    ws: Workspace,
    /// Each body's equivalent inertia box for the fluid.
    boxes: Vec<InertiaBox>,
    target: DVec3,
    action: [f64; 5],
    fluid: Fluid,
}

impl Fish {
    /// A fish task; call [`Task::reset`] before stepping.
    pub fn new(variant: FishVariant) -> Self {
        Self::with_fluid(variant, FLUID)
    }

    /// A fish in another medium (e.g. density 0: a vacuum, for conservation checks).
    pub fn with_fluid(variant: FishVariant, fluid: Fluid) -> Self {
        let tree = build();
        let boxes = tree
            .bodies()
            .iter()
            .map(|b| InertiaBox::from_mass_inertia(b.mass as f32, b.inertia.as_vec3()))
            .collect();
        let state = tree.rest(TORSO_START, DQuat::IDENTITY);
        let mut kin = Kinematics::default();
        tree.kinematics(&state, &mut kin);
        Fish {
            variant,
            tree,
            state,
            kin,
            ws: Workspace::default(),
            boxes,
            target: DVec3::new(0.0, 0.4, 0.1),
            action: [0.0; 5],
            fluid,
        }
    }

    /// The 7 hinge angles (rad) and rates (rad/s), in [`JOINTS`] order.
    pub fn joints(&self) -> (&[f64], &[f64]) {
        (&self.state.q, &self.state.v[6..])
    }

    /// The simulation state (root pose, hinge angles, velocities).
    pub fn state(&self) -> &TreeState {
        &self.state
    }

    /// z-component of the torso's z-axis (1 when upright).
    pub fn upright(&self) -> f64 {
        (self.state.root_rot * DVec3::Z).z
    }

    /// Target minus mouth, in the mouth capsule's frame (x = torso x, y = torso z, z = −torso y).
    pub fn mouth_to_target(&self) -> DVec3 {
        let r = self.state.root_rot;
        let d = self.target - (self.state.root_pos + r * MOUTH);
        DVec3::new(
            d.dot(r * DVec3::X),
            d.dot(r * DVec3::Z),
            -d.dot(r * DVec3::Y),
        )
    }

    /// The fish's centre of mass (world, m).
    pub fn center_of_mass(&self) -> DVec3 {
        let bodies = self.tree.bodies();
        let m: f64 = bodies.iter().map(|b| b.mass).sum();
        (0..bodies.len())
            .map(|b| bodies[b].mass * self.tree.com(&self.kin, b))
            .sum::<DVec3>()
            / m
    }

    /// Linear momentum (kg·m/s) and kinetic energy (J).
    pub fn momentum_and_energy(&self) -> (DVec3, f64) {
        let vel = self.tree.body_velocities(&self.kin, &self.state.v);
        let (mut p, mut e) = (DVec3::ZERO, 0.0);
        for ((lin, ang), (b, rot)) in vel.iter().zip(self.tree.bodies().iter().zip(&self.kin.rot)) {
            p += b.mass * *lin;
            let w = rot.inverse() * *ang;
            e += 0.5 * b.mass * lin.length_squared() + 0.5 * w.dot(b.inertia * w);
        }
        (p, e)
    }

    /// Joint torques of the servos, the tail2 spring and the fin tendons, in [`JOINTS`] order.
    fn joint_torques(&self) -> [f64; 7] {
        let (u, q) = (&self.action, &self.state.q);
        let flap_len = 0.5 * (q[3] - q[5]);
        let flap = KP[2] * (u[2] - flap_len);
        let sym = -FINS_SYM_STIFFNESS * 0.5 * (q[3] + q[5]);
        [
            KP[0] * (u[0] - q[0]),
            KP[1] * (u[1] - q[1]),
            -TAIL2_STIFFNESS * q[2],
            0.5 * flap + 0.5 * sym,
            KP[4] * (u[4] - q[4]),
            -0.5 * flap + 0.5 * sym,
            KP[3] * (u[3] - q[6]),
        ]
    }

    fn physics_step(&mut self) {
        let mut tau = [0.0; 13];
        tau[6..].copy_from_slice(&self.joint_torques());
        let (fluid, boxes) = (&self.fluid, &self.boxes);
        self.tree.step(
            &mut self.state,
            &tau,
            &mut self.ws,
            PHYSICS_DT,
            |b, rot, lin, ang| {
                let inv = rot.inverse();
                let local =
                    fluid.local_wrench(&boxes[b], (inv * lin).as_vec3(), (inv * ang).as_vec3());
                (rot * local.force.as_dvec3(), rot * local.torque.as_dvec3())
            },
        );
    }

    /// Advances one control step with `action` (already validated and clipped).
    pub fn advance_with(&mut self, action: &[f32]) {
        for (a, &x) in self.action.iter_mut().zip(action) {
            *a = f64::from(x);
        }
        for _ in 0..SUBSTEPS {
            self.physics_step();
        }
        self.tree.kinematics(&self.state, &mut self.kin);
    }
}

impl Task for Fish {
    fn spec(&self) -> &'static EnvSpec {
        match self.variant {
            FishVariant::Upright => &UPRIGHT_SPEC,
            FishVariant::Swim => &SWIM_SPEC,
        }
    }

    fn reset(&mut self, rng: &mut ChaCha8Rng) {
        let n: [f64; 4] = std::array::from_fn(|_| rng.sample(StandardNormal));
        let quat = DQuat::from_xyzw(n[1], n[2], n[3], n[0]).normalize();
        self.state = self.tree.rest(TORSO_START, quat);
        for q in self.state.q.iter_mut() {
            *q = rng.random_range(-0.2..0.2);
        }
        if self.variant == FishVariant::Swim {
            self.target = DVec3::new(
                rng.random_range(-0.4..0.4),
                rng.random_range(-0.4..0.4),
                rng.random_range(0.1..0.3),
            );
        }
        self.action = [0.0; 5];
        self.tree.kinematics(&self.state, &mut self.kin);
    }

    fn advance(&mut self, action: &[f32]) {
        self.advance_with(action);
    }

    fn state(&self) -> PhysicsState {
        let s = &self.state;
        let r = s.root_rot;
        let mut qpos = s.root_pos.to_array().to_vec();
        qpos.extend([r.w, r.x, r.y, r.z]);
        qpos.extend(&s.q);
        PhysicsState {
            qpos,
            qvel: s.v.clone(),
        }
    }

    /// The quaternion is normalised (as MuJoCo does in `mj_normalizeQuat`).
    fn set_state(&mut self, state: &PhysicsState) -> Result<(), StateError> {
        let p = &state.qpos;
        let quat = DQuat::from_xyzw(p[4], p[5], p[6], p[3]);
        if quat.length_squared() == 0.0 {
            return Err(StateError::ZeroQuaternion {
                task: self.spec().name,
            });
        }
        self.state.root_pos = DVec3::new(p[0], p[1], p[2]);
        self.state.root_rot = quat.normalize();
        self.state.q.copy_from_slice(&p[7..]);
        self.state.v.copy_from_slice(&state.qvel);
        self.tree.kinematics(&self.state, &mut self.kin);
        Ok(())
    }

    fn observe(&self, obs: &mut [f32]) {
        let s = &self.state;
        for (o, q) in obs[..7].iter_mut().zip(&s.q) {
            *o = *q as f32;
        }
        obs[7] = self.upright() as f32;
        let mut i = 8;
        if self.variant == FishVariant::Swim {
            obs[8..11].copy_from_slice(&self.mouth_to_target().as_vec3().to_array());
            i = 11;
        }
        for (o, v) in obs[i..i + 13].iter_mut().zip(&s.v) {
            *o = *v as f32;
        }
    }

    fn reward(&self) -> Reward {
        let upright = self.upright();
        match self.variant {
            FishVariant::Upright => {
                let r = tolerance(upright, (1.0, 1.0), 1.0, Sigmoid::Gaussian, 0.1);
                Reward::new(r, &[("upright", r)])
            }
            FishVariant::Swim => {
                let dist = self.mouth_to_target().length();
                let in_target = tolerance(
                    dist,
                    (0.0, MOUTH_TARGET_RADII),
                    2.0 * MOUTH_TARGET_RADII,
                    Sigmoid::Gaussian,
                    0.1,
                );
                let is_upright = 0.5 * (upright + 1.0);
                let r = (7.0 * in_target + is_upright) / 8.0;
                Reward::new(r, &[("in_target", in_target), ("is_upright", is_upright)])
            }
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
