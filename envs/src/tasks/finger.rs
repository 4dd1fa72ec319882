//! # finger-spin and finger-turn_hard (dm_control `suite/finger.py`, `finger.xml`)
//!
//! A planar two-link finger (proximal and distal hinges, axis −y, damping 2.5, range ±110°)
//! pushes a free-spinning body (two capsules of radius 0.04, half-length 0.09, hinge damping 0.5,
//! dry friction 0.1 N·m). Gravity is off. Physics timestep 0.01 s, 2 substeps: control timestep
//! 0.02 s; 1000 control steps (20 s).
//!
//! ## Action space (2), each in [−1, 1]
//! | index | actuator | effect |
//! |---|---|---|
//! | 0 | `proximal` | torque 30·a N·m on the proximal hinge |
//! | 1 | `distal` | torque 15·a N·m on the distal hinge |
//!
//! ## Observation space (spin 9, turn 12), dm_control's order
//! | key | size | content |
//! |---|---|---|
//! | `position` | 4 | proximal angle, distal angle (rad), tip (x, z) relative to the spinner hinge (m) |
//! | `velocity` | 3 | proximal, distal, spinner hinge angular velocities (rad/s) |
//! | `touch` | 2 | log(1 + normal contact force in N) inside the `touchtop` / `touchbottom` sites |
//! | `target_position` | 2 | (turn only) target (x, z) relative to the spinner hinge |
//! | `dist_to_target` | 1 | (turn only) ‖target − tip‖ − target radius (negative inside) |
//!
//! ## Reward (sparse, in {0, 1})
//! - spin: `spinning` = 1 if the spinner's hinge velocity ≤ −15 rad/s, else 0.
//! - turn_hard: `in_target` = 1 if `dist_to_target` ≤ 0 (tip within 0.03 m of the target), else 0.
//!
//! These are dm_control's `float(...)` indicators, i.e. `tolerance` with zero margin.
//!
//! ## Termination
//! Never; truncated after 1000 steps by [`crate::Env`].
//!
//! ## Initial state
//! Proximal and distal angles ~ U(−110°, 110°), spinner angle ~ U(−π, π), velocities 0, redrawn
//! until no finger geom touches the spinner (dm_control's `_set_random_joint_angles`). Turn first
//! draws the target angle α ~ U(−π, π) and places the target at hinge + 0.13·(sin α, cos α).
//! Spin lowers the spinner's damping to 0.03 (as dm_control does).
//!
//! ## Differences from dm_control
//! - Contacts are MuJoCo's soft contacts (solref 0.02 1, solimp 0 0.9 0.01, elliptic cone,
//!   μ = 1) between the fingertip and the spinner's capsules, computed by
//!   [`super::finger_contact`] and applied as an explicit force once per physics step, as
//!   MuJoCo's Euler step applies them; rapier makes no contacts. Torsional and rolling friction
//!   are absent (their Jacobian rows vanish for hinges about y or act on a 0.005 coefficient).
//!   The ground plane is never reached (the fingertip's lowest point is 2.9 cm above it) and is
//!   omitted. Contacts and limits are solved one after the other, not jointly.
//! - The `touch` sensors sum the normal forces of the last physics step's contacts inside the
//!   sensor ellipsoid, as MuJoCo's do.
//! - The spinner's dry friction uses rapier's per-DoF friction (`frictions_mut`), MuJoCo's
//!   `frictionloss` is a soft constraint; both cap the friction torque at 0.1 N·m.
//! - Joint limits are MuJoCo's soft limits (default `solreflimit`/`solimplimit`) applied as
//!   an explicit force every 10 ms physics step ([`crate::planar::SoftLimit`]); v1 used
//!   rapier's hard limits, and finger-spin's seed-11 sine run departed from MuJoCo by 0.07 rad
//!   within 10 steps once the distal joint met its −110° stop (MuJoCo holds it 4° past).
//!
//! ## Version
//! - 1: first rapier port.
//! - 2: MuJoCo's soft joint limits (were rapier's hard ones).
//! - 3: MuJoCo's soft contacts between fingertip and spinner (were rapier's, which let the tip
//!   sink under 1 mm where MuJoCo's sinks 5–7 mm and handed over about half the spin per touch).
//! - 4: the unconstrained acceleration a₀ of the soft constraints includes MuJoCo's velocity-
//!   product (Coriolis and centrifugal) forces (`[ENV:Eq.bias-force]`; they were left out).
//! - 5: round-off only: the mass matrix behind the contacts' and limits' a₀ and M⁻¹ is
//!   factored by Cholesky (was LU), so episodes differ in the last bits.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rapier3d::prelude::*;

use crate::env::{Reward, Task};
use crate::planar::{body_inv_weight, free_acceleration};
use crate::spec::EnvSpec;
use crate::state::{PhysicsState, StateError};
use crate::world::World;

use super::finger_contact::{Touch, contact_forces, in_collision, tip_gap, touch_sensors};
use super::finger_model::{
    AXIS, GEAR, HARD_TARGET_RADIUS, Handles, JOINT_LIMIT, LIMIT, SPIN_VELOCITY, SPINNER_ANCHOR,
    SUBSTEPS, TARGET_ORBIT, TIP, build,
};
pub use super::finger_spec::{SPIN_SPEC, TURN_HARD_SPEC};

#[path = "finger_picture.rs"]
mod picture;

/// Which finger task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FingerVariant {
    /// Spin the body fast (hinge velocity ≤ −15 rad/s).
    Spin,
    /// Turn the body's tip into a 0.03 m target.
    TurnHard,
}

/// A finger task on rapier.
pub struct Finger {
    variant: FingerVariant,
    template: World,
    world: World,
    pipeline: PhysicsPipeline,
    h: Handles,
    /// Target (x, z) in world coordinates and its radius.
    target: [Real; 2],
    target_radius: Real,
    /// diag(M⁻¹) of the finger's two DoFs at q = 0 (MuJoCo's `dof_invweight0`).
    inv_weight0: [Real; 2],
    /// The distal link's plus the spinner's `body_invweight0`: a contact's regulariser scale.
    contact_weight: Real,
    /// The contacts of the last control step's physics steps, in order.
    touches: Vec<Touch>,
    /// Where the last physics step's contacts start in `touches`.
    last_step: usize,
    /// Whether a contact acted in any physics step of the last control step.
    touched: bool,
}

impl Finger {
    /// A finger task; call [`Task::reset`] before stepping.
    pub fn new(variant: FingerVariant) -> Self {
        let damping = match variant {
            FingerVariant::Spin => 0.03,
            FingerVariant::TurnHard => 0.5,
        };
        let (template, h) = build(damping);
        let (mb, _) = template
            .multibody_joints
            .get(h.finger_joint)
            .expect("finger");
        let (_, w0) = free_acceleration(mb, &template.bodies, template.gravity, &[0.0; 2])
            .expect("the finger's mass matrix is positive definite");
        // MuJoCo's `body_invweight0` at qpos0; the distal link's depends only on the distal
        // angle, 0 both here and at qpos0 (the proximal's `ref` turns the whole finger).
        let (sm, _) = template
            .multibody_joints
            .get(h.spinner_joint)
            .expect("spinner");
        let contact_weight = body_inv_weight(mb, &template.bodies, 2)
            .and_then(|d| Some(d + body_inv_weight(sm, &template.bodies, 1)?))
            .expect("positive definite mass matrices");
        Finger {
            inv_weight0: [w0[0], w0[1]],
            contact_weight,
            touches: Vec::new(),
            last_step: 0,
            touched: false,
            variant,
            world: template.clone(),
            pipeline: PhysicsPipeline::new(),
            template,
            h,
            target: [SPINNER_ANCHOR.x, SPINNER_ANCHOR.z + TARGET_ORBIT],
            target_radius: HARD_TARGET_RADIUS,
        }
    }

    /// diag(M⁻¹) of the proximal and distal DoFs at q = 0 (MuJoCo's `dof_invweight0`).
    pub fn inv_weight0(&self) -> [Real; 2] {
        self.inv_weight0
    }

    /// The distal link's plus the spinner's `body_invweight0` (MuJoCo's `efc_diagApprox` of a
    /// fingertip–spinner contact).
    pub fn contact_weight(&self) -> Real {
        self.contact_weight
    }

    /// Whether the fingertip and the spinner interpenetrated (a MuJoCo contact existed) at the
    /// start of any physics step of the last control step.
    pub fn touched(&self) -> bool {
        self.touched
    }

    /// The fingertip–spinner contacts of every physics step of the last control step, in
    /// order (how deep the soft contact lets the tip sink, and its force).
    pub fn contacts(&self) -> &[Touch] {
        &self.touches
    }

    /// Joint angles (proximal, distal, spinner hinge) in radians.
    pub fn angles(&self) -> [Real; 3] {
        let mb = &self.world.multibody_joints;
        let (f, _) = mb.get(self.h.finger_joint).expect("finger");
        let (s, _) = mb.get(self.h.spinner_joint).expect("spinner");
        [
            f.link(1).expect("proximal").joint().coords()[3],
            f.link(2).expect("distal").joint().coords()[3],
            s.link(1).expect("spinner").joint().coords()[3],
        ]
    }

    /// Joint velocities (proximal, distal, spinner hinge) in rad/s.
    pub fn velocities(&self) -> [Real; 3] {
        let mb = &self.world.multibody_joints;
        let (f, _) = mb.get(self.h.finger_joint).expect("finger");
        let (s, _) = mb.get(self.h.spinner_joint).expect("spinner");
        let fv = f.generalized_velocity();
        [fv[0], fv[1], s.generalized_velocity()[0]]
    }

    fn tip_world(&self) -> Vector {
        self.world.bodies[self.h.spinner].position() * TIP
    }

    fn dist_to_target(&self) -> Real {
        let tip = self.tip_world();
        let d = [self.target[0] - tip.x, self.target[1] - tip.z];
        (d[0] * d[0] + d[1] * d[1]).sqrt() - self.target_radius
    }

    /// Normal contact force (N) at the two touch sites during the last physics step.
    fn touch(&self) -> [Real; 2] {
        let distal = self.world.bodies[self.h.distal].position();
        touch_sensors(&self.touches[self.last_step..], distal)
    }

    /// Signed distance (m) between the fingertip and the nearest spinner geom at the bodies'
    /// current poses: negative when they interpenetrate (MuJoCo's contact `dist`), `None` if
    /// further apart than `within` metres.
    pub fn tip_gap(&self, within: Real) -> Option<Real> {
        tip_gap(&self.world, &self.h, within)
    }

    /// Whether any finger geom overlaps a spinner geom (poses from the bodies' current poses).
    pub fn in_collision(&self) -> bool {
        in_collision(&self.world, &self.h)
    }

    /// Puts the joints at angles `q` and rates `v` (proximal, distal, spinner hinge) from the
    /// construction-time snapshot, so no contact or limit data of earlier steps survives.
    fn set_joints(&mut self, q: [Real; 3], v: [Real; 3]) {
        self.world.clone_from(&self.template);
        self.touches.clear();
        self.last_step = 0;
        self.touched = false;
        let w = &mut self.world;
        let (f, _) = w
            .multibody_joints
            .get_mut(self.h.finger_joint)
            .expect("finger");
        f.apply_displacements(&[q[0], q[1]]);
        f.generalized_velocity_mut().copy_from_slice(&[v[0], v[1]]);
        f.forward_kinematics(&w.bodies, false);
        f.update_rigid_bodies(&mut w.bodies, false);
        let (s, _) = w
            .multibody_joints
            .get_mut(self.h.spinner_joint)
            .expect("spinner");
        s.apply_displacements(&[q[2]]);
        s.generalized_velocity_mut()[0] = v[2];
        s.forward_kinematics(&w.bodies, false);
        s.update_rigid_bodies(&mut w.bodies, false);
    }
}

impl Task for Finger {
    fn spec(&self) -> &'static EnvSpec {
        match self.variant {
            FingerVariant::Spin => &SPIN_SPEC,
            FingerVariant::TurnHard => &TURN_HARD_SPEC,
        }
    }

    fn reset(&mut self, rng: &mut ChaCha8Rng) {
        if self.variant == FingerVariant::TurnHard {
            let a: Real = rng.random_range(-std::f32::consts::PI..std::f32::consts::PI);
            self.target = [
                SPINNER_ANCHOR.x + TARGET_ORBIT * a.sin(),
                SPINNER_ANCHOR.z + TARGET_ORBIT * a.cos(),
            ];
        }
        for _ in 0..1000 {
            let q = [
                rng.random_range(-LIMIT..LIMIT),
                rng.random_range(-LIMIT..LIMIT),
                rng.random_range(-std::f32::consts::PI..std::f32::consts::PI),
            ];
            self.set_joints(q, [0.0; 3]);
            if !self.in_collision() {
                return;
            }
        }
        panic!("finger: no collision-free initial state in 1000 draws");
    }

    fn advance(&mut self, action: &[f32]) {
        let tau = [GEAR[0] * action[0], GEAR[1] * action[1]];
        self.touched = false;
        self.touches.clear();
        for _ in 0..SUBSTEPS {
            // The joints' generalized forces: actuators, MuJoCo's soft contacts, then its soft
            // limits (their a₀ includes the contact forces).
            let contacts = contact_forces(&mut self.world, &self.h, tau, self.contact_weight);
            let mut f = [tau[0] + contacts.finger[0], tau[1] + contacts.finger[1]];
            let (q, v) = (self.angles(), self.velocities());
            let w = &mut self.world;
            if q[..2].iter().any(|a| a.abs() > LIMIT) {
                let (mb, _) = w
                    .multibody_joints
                    .get_mut(self.h.finger_joint)
                    .expect("finger");
                mb.forward_kinematics(&w.bodies, false);
                if let Some((a0, inv_mass)) = free_acceleration(mb, &w.bodies, w.gravity, &f) {
                    for i in 0..2 {
                        f[i] += JOINT_LIMIT.generalized_force(
                            [-LIMIT, LIMIT],
                            q[i],
                            v[i],
                            a0[i],
                            inv_mass[i],
                            self.inv_weight0[i],
                        );
                    }
                }
            }
            for h in [self.h.proximal, self.h.distal, self.h.spinner] {
                w.bodies[h].reset_torques(false);
            }
            // Body-torque pairs: +f on the child, −f on the parent (the ground ignores it).
            w.bodies[self.h.proximal].add_torque(f[0] * AXIS - f[1] * AXIS, false);
            w.bodies[self.h.distal].add_torque(f[1] * AXIS, false);
            w.bodies[self.h.spinner].add_torque(contacts.spinner * AXIS, false);
            w.step(&mut self.pipeline);
            self.touched |= !contacts.touches.is_empty();
            self.last_step = self.touches.len();
            self.touches.extend(contacts.touches);
        }
    }

    fn observe(&self, obs: &mut [f32]) {
        let q = self.angles();
        let v = self.velocities();
        let tip = self.tip_world();
        let touch = self.touch();
        obs[0] = q[0];
        obs[1] = q[1];
        obs[2] = tip.x - SPINNER_ANCHOR.x;
        obs[3] = tip.z - SPINNER_ANCHOR.z;
        obs[4..7].copy_from_slice(&v);
        obs[7] = touch[0].ln_1p();
        obs[8] = touch[1].ln_1p();
        if self.variant == FingerVariant::TurnHard {
            obs[9] = self.target[0] - SPINNER_ANCHOR.x;
            obs[10] = self.target[1] - SPINNER_ANCHOR.z;
            obs[11] = self.dist_to_target();
        }
    }

    fn reward(&self) -> Reward {
        match self.variant {
            FingerVariant::Spin => {
                let r = f64::from(u8::from(self.velocities()[2] <= -SPIN_VELOCITY));
                Reward::new(r, &[("spinning", r)])
            }
            FingerVariant::TurnHard => {
                let r = f64::from(u8::from(self.dist_to_target() <= 0.0));
                Reward::new(r, &[("in_target", r)])
            }
        }
    }

    fn state(&self) -> PhysicsState {
        PhysicsState {
            qpos: self.angles().map(f64::from).to_vec(),
            qvel: self.velocities().map(f64::from).to_vec(),
        }
    }

    fn set_state(&mut self, state: &PhysicsState) -> Result<(), StateError> {
        let f = |x: &[f64]| [x[0] as Real, x[1] as Real, x[2] as Real];
        self.set_joints(f(&state.qpos), f(&state.qvel));
        Ok(())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
#[path = "finger_tests.rs"]
mod tests;
