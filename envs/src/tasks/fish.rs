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
//! - rapier's multibodies allow one angular DoF per joint, so each 2-hinge body (tail1: tail1 +
//!   tail_twist; each fin: roll + pitch) is split into a chain through an intermediate link of
//!   negligible mass (1e-9 kg); the kinematics are MuJoCo's sequential hinges.
//! - Actuators, the tail2 spring and the fin tendon are explicit joint torques recomputed every
//!   physics step (MuJoCo's Euler integrator treats them explicitly too); the fluid forces are
//!   likewise explicit, held for each 0.004 s step.
//! - rapier integrates semi-implicit Euler over its multibody; MuJoCo uses Euler with implicit
//!   joint damping. Trajectories agree in kind, not to the digit.
//!
//! ## Version
//! 1: first rapier port.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rapier3d::prelude::*;

use crate::env::{Reward, Task};
use crate::fluid::{Fluid, InertiaBox};
use crate::render::scene::{Camera, Rgb, Scene};
use crate::spec::{EnvSpec, ObservationField};
use crate::tolerance::{Sigmoid, tolerance};
use crate::world::World;

const PHYSICS_DT: Real = 0.004;
const SUBSTEPS: usize = 10;
const FLUID: Fluid = Fluid {
    density: 5000.0,
    viscosity: 0.0,
};
const DENSITY: Real = 1000.0;
const JOINT_DAMPING: Real = 2e-5;
const TAIL2_STIFFNESS: Real = 8e-5;
const FINS_SYM_STIFFNESS: Real = 1e-4;
/// Servo gains: tail, tail_twist, fins_flap, finleft_pitch, finright_pitch.
const KP: [Real; 5] = [5e-4, 1e-4, 3e-4, 1e-4, 1e-4];
const TORSO_START: Vector = Vector::new(0.0, 0.0, 0.1);
/// Mouth capsule centre in the torso frame; mouth radius + target radius.
const MOUTH: Vector = Vector::new(0.0, 0.0745, 0.0);
const MOUTH_TARGET_RADII: f64 = 0.005 + 0.04;
const TINY_MASS: Real = 1e-9;

/// Hinge order of dm_control's `_JOINTS` (and of this task's multibody links 1..).
const JOINTS: [&str; 7] = [
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
    control_timestep: 0.04,
    substeps: SUBSTEPS,
    episode_length: 1000,
};

/// Which fish task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FishVariant {
    /// Turn the torso upright.
    Upright,
    /// Bring the mouth to a target.
    Swim,
}

/// One hinge: its link index in the multibody, child and parent bodies, axis (joint frame).
#[derive(Clone, Copy)]
struct Hinge {
    link: usize,
    child: RigidBodyHandle,
    parent: RigidBodyHandle,
    axis: Vector,
}

/// A fish task on rapier.
pub struct Fish {
    variant: FishVariant,
    template: World,
    world: World,
    pipeline: PhysicsPipeline,
    root: MultibodyJointHandle,
    torso: RigidBodyHandle,
    /// Bodies with mass (torso, tail1, tail2, finright, finleft) and their inertia boxes.
    swimmers: [(RigidBodyHandle, InertiaBox); 5],
    hinges: [Hinge; 7],
    /// Every body, for resetting forces.
    bodies: Vec<RigidBodyHandle>,
    target: Vector,
    action: [Real; 5],
}

/// Mass properties of a solid ellipsoid of semi-axes `r` centred at `com`.
fn ellipsoid(r: Vector, com: Vector) -> MassProperties {
    let m = DENSITY * 4.0 / 3.0 * std::f32::consts::PI * r.x * r.y * r.z;
    let i = m / 5.0
        * Vector::new(
            r.y * r.y + r.z * r.z,
            r.z * r.z + r.x * r.x,
            r.x * r.x + r.y * r.y,
        );
    MassProperties::new(com, m, i)
}

struct Built {
    world: World,
    root: MultibodyJointHandle,
    torso: RigidBodyHandle,
    swimmers: [(RigidBodyHandle, InertiaBox); 5],
    hinges: [Hinge; 7],
    bodies: Vec<RigidBodyHandle>,
}

fn build() -> Built {
    let mut w = World::new(PHYSICS_DT);
    w.gravity = Vector::ZERO;
    let mut boxes = Vec::new();
    let mut body = |w: &mut World, mp: MassProperties| {
        boxes.push(InertiaBox::of_mass_properties(&mp));
        w.bodies.insert(
            RigidBodyBuilder::dynamic()
                .translation(TORSO_START)
                .can_sleep(false)
                .additional_mass_properties(mp),
        )
    };
    let h = Vector::new(0.002, 0.06, 0.03);
    let m_torso = DENSITY * 8.0 * h.x * h.y * h.z;
    let i_torso = m_torso / 3.0
        * Vector::new(
            h.y * h.y + h.z * h.z,
            h.z * h.z + h.x * h.x,
            h.x * h.x + h.y * h.y,
        );
    let torso = body(&mut w, MassProperties::new(Vector::ZERO, m_torso, i_torso));
    let tiny = MassProperties::new(Vector::ZERO, TINY_MASS, Vector::splat(TINY_MASS * 1e-6));
    let tail_a = body(&mut w, tiny);
    let tail1 = body(
        &mut w,
        ellipsoid(Vector::new(0.001, 0.008, 0.016), Vector::ZERO),
    );
    let tail2 = body(
        &mut w,
        ellipsoid(Vector::new(0.001, 0.018, 0.035), Vector::ZERO),
    );
    let fin_r_a = body(&mut w, tiny);
    let fin_r = body(
        &mut w,
        ellipsoid(
            Vector::new(0.02, 0.015, 0.001),
            Vector::new(0.015, 0.0, 0.0),
        ),
    );
    let fin_l_a = body(&mut w, tiny);
    let fin_l = body(
        &mut w,
        ellipsoid(
            Vector::new(0.02, 0.015, 0.001),
            Vector::new(-0.015, 0.0, 0.0),
        ),
    );

    let (x, y, z) = (Vector::X, Vector::Y, Vector::Z);
    // (parent, child, axis, anchor in parent, anchor in child): MuJoCo body pos + joint pos.
    let chain = [
        (torso, tail_a, z, Vector::new(0.0, -0.08, 0.0), Vector::ZERO),
        (tail_a, tail1, y, Vector::ZERO, Vector::new(0.0, 0.01, 0.0)),
        (
            tail1,
            tail2,
            z,
            Vector::new(0.0, -0.008, 0.0),
            Vector::new(0.0, 0.02, 0.0),
        ),
        (torso, fin_r_a, y, Vector::new(0.01, 0.0, 0.0), Vector::ZERO),
        (
            fin_r_a,
            fin_r,
            x,
            Vector::new(0.0, 0.005, 0.0),
            Vector::new(0.0, 0.005, 0.0),
        ),
        (
            torso,
            fin_l_a,
            y,
            Vector::new(-0.01, 0.0, 0.0),
            Vector::ZERO,
        ),
        (
            fin_l_a,
            fin_l,
            x,
            Vector::new(0.0, 0.005, 0.0),
            Vector::new(0.0, 0.005, 0.0),
        ),
    ];
    let mut root = None;
    let mut hinges = [Hinge {
        link: 0,
        child: torso,
        parent: torso,
        axis: z,
    }; 7];
    for (k, &(parent, child, axis, a1, a2)) in chain.iter().enumerate() {
        let joint = RevoluteJointBuilder::new(axis)
            .local_anchor1(a1)
            .local_anchor2(a2)
            .contacts_enabled(false);
        let handle = w
            .multibody_joints
            .insert(parent, child, joint, true)
            .expect("fish hinge");
        root.get_or_insert(handle);
        hinges[k] = Hinge {
            link: k + 1,
            child,
            parent,
            axis,
        };
    }
    let root = root.expect("fish has hinges");
    let (mb, _) = w.multibody_joints.get_mut(root).expect("fish");
    mb.forward_kinematics(&w.bodies, true);
    mb.update_rigid_bodies(&mut w.bodies, true);
    let n = mb.ndofs();
    assert_eq!(n, 13, "free root (6) + 7 hinges");
    mb.damping_mut().fill(JOINT_DAMPING);
    mb.damping_mut().rows_mut(0, 6).fill(0.0);
    mb.armature_mut().fill(0.0);
    let bodies = vec![torso, tail_a, tail1, tail2, fin_r_a, fin_r, fin_l_a, fin_l];
    let swimmers = [0, 2, 3, 5, 7].map(|k| (bodies[k], boxes[k]));
    Built {
        world: w,
        root,
        torso,
        swimmers,
        hinges,
        bodies,
    }
}

impl Fish {
    /// A fish task; call [`Task::reset`] before stepping.
    pub fn new(variant: FishVariant) -> Self {
        let b = build();
        Fish {
            variant,
            world: b.world.clone(),
            template: b.world,
            pipeline: PhysicsPipeline::new(),
            root: b.root,
            torso: b.torso,
            swimmers: b.swimmers,
            hinges: b.hinges,
            bodies: b.bodies,
            target: Vector::new(0.0, 0.4, 0.1),
            action: [0.0; 5],
        }
    }

    /// The 7 hinge angles (rad) and rates (rad/s), in [`JOINTS`] order.
    pub fn joints(&self) -> ([Real; 7], [Real; 7]) {
        let (mb, _) = self.world.multibody_joints.get(self.root).expect("fish");
        let v = mb.generalized_velocity();
        let mut q = [0.0; 7];
        let mut qd = [0.0; 7];
        for (k, h) in self.hinges.iter().enumerate() {
            let link = mb.link(h.link).expect("hinge link");
            q[k] = link.joint().coords()[3];
            qd[k] = v[link.assembly_id()];
        }
        (q, qd)
    }

    /// The names of the hinges, in observation order.
    pub fn joint_names() -> [&'static str; 7] {
        JOINTS
    }

    /// z-component of the torso's z-axis (1 when upright).
    pub fn upright(&self) -> Real {
        (*self.world.bodies[self.torso].rotation() * Vector::Z).z
    }

    /// Target minus mouth, in the mouth capsule's frame (x = torso x, y = torso z, z = −torso y).
    pub fn mouth_to_target(&self) -> Vector {
        let pose = self.world.bodies[self.torso].position();
        let d = self.target - pose * MOUTH;
        let r = pose.rotation;
        Vector::new(
            d.dot(r * Vector::X),
            d.dot(r * Vector::Z),
            -d.dot(r * Vector::Y),
        )
    }

    /// Joint torques of the servos, the tail2 spring and the fin tendons, in [`JOINTS`] order.
    fn joint_torques(&self, q: &[Real; 7]) -> [Real; 7] {
        let u = &self.action;
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
        let (q, _) = self.joints();
        let tau = self.joint_torques(&q);
        let b = &mut self.world.bodies;
        for &h in &self.bodies {
            b[h].reset_forces(false);
            b[h].reset_torques(false);
        }
        for (hinge, t) in self.hinges.iter().zip(tau) {
            let axis = *b[hinge.child].rotation() * hinge.axis;
            b[hinge.child].add_torque(t * axis, false);
            b[hinge.parent].add_torque(-t * axis, false);
        }
        for (h, shape) in &self.swimmers {
            FLUID.apply(&mut b[*h], shape);
        }
        self.world.step(&mut self.pipeline);
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
        let n: [f32; 4] = std::array::from_fn(|_| rng.sample(StandardNormal));
        let quat = Rotation::from_xyzw(n[1], n[2], n[3], n[0]).normalize();
        let q: [Real; 7] = std::array::from_fn(|_| rng.random_range(-0.2..0.2));
        if self.variant == FishVariant::Swim {
            self.target = Vector::new(
                rng.random_range(-0.4..0.4),
                rng.random_range(-0.4..0.4),
                rng.random_range(0.1..0.3),
            );
        }
        self.world.clone_from(&self.template);
        self.action = [0.0; 5];
        let w = &mut self.world;
        w.bodies[self.torso].set_position(Pose::from_parts(TORSO_START, quat), true);
        let (mb, _) = w.multibody_joints.get_mut(self.root).expect("fish");
        let mut disp = [0.0; 13];
        for (h, a) in self.hinges.iter().zip(q) {
            disp[mb.link(h.link).expect("hinge link").assembly_id()] = a;
        }
        mb.apply_displacements(&disp);
        mb.forward_kinematics(&w.bodies, true);
        mb.update_rigid_bodies(&mut w.bodies, false);
    }

    fn advance(&mut self, action: &[f32]) {
        self.action.copy_from_slice(action);
        for _ in 0..SUBSTEPS {
            self.physics_step();
        }
    }

    fn observe(&self, obs: &mut [f32]) {
        let (q, qd) = self.joints();
        obs[..7].copy_from_slice(&q);
        obs[7] = self.upright();
        let mut i = 8;
        if self.variant == FishVariant::Swim {
            obs[8..11].copy_from_slice(&self.mouth_to_target().to_array());
            i = 11;
        }
        let torso = &self.world.bodies[self.torso];
        let w_local = torso.rotation().inverse() * torso.angvel();
        obs[i..i + 3].copy_from_slice(&torso.linvel().to_array());
        obs[i + 3..i + 6].copy_from_slice(&w_local.to_array());
        obs[i + 6..i + 13].copy_from_slice(&qd);
    }

    fn reward(&self) -> Reward {
        let upright = f64::from(self.upright());
        match self.variant {
            FishVariant::Upright => {
                let r = tolerance(upright, (1.0, 1.0), 1.0, Sigmoid::Gaussian, 0.1);
                Reward::new(r, &[("upright", r)])
            }
            FishVariant::Swim => {
                let dist = f64::from(self.mouth_to_target().length());
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

    fn draw(&self, scene: &mut Scene) {
        scene.camera = Camera::Perspective {
            eye: [0.0, -1.1, 0.9],
            target: [0.0, 0.0, 0.12],
            up: [0.0, 0.0, 1.0],
            fovy: 45.0,
        };
        scene.polygon(
            &[
                [-0.6, -0.6, 0.0],
                [0.6, -0.6, 0.0],
                [0.6, 0.6, 0.0],
                [-0.6, 0.6, 0.0],
            ],
            Rgb::GROUND,
        );
        if self.variant == FishVariant::Swim {
            scene.sphere(self.target.to_array(), 0.04, Rgb::TARGET);
        }
        let b = &self.world.bodies;
        let ell = |scene: &mut Scene, h: RigidBodyHandle, c: Vector, r: Vector, color: Rgb| {
            let p = b[h].position();
            let axes = [
                p.rotation * (r.x * Vector::X),
                p.rotation * (r.y * Vector::Y),
                p.rotation * (r.z * Vector::Z),
            ];
            scene.ellipsoid((p * c).to_array(), axes.map(|a| a.to_array()), color);
        };
        let [_, tail1, tail2, fin_r, fin_l] = self.swimmers.map(|s| s.0);
        ell(
            scene,
            self.torso,
            Vector::ZERO,
            Vector::new(0.01, 0.08, 0.04),
            Rgb::SELF,
        );
        ell(
            scene,
            self.torso,
            Vector::new(0.0, -0.03, 0.03),
            Vector::new(0.001, 0.03, 0.015),
            Rgb::EFFECTOR,
        );
        ell(
            scene,
            tail1,
            Vector::ZERO,
            Vector::new(0.001, 0.008, 0.016),
            Rgb::SELF,
        );
        ell(
            scene,
            tail2,
            Vector::ZERO,
            Vector::new(0.001, 0.018, 0.035),
            Rgb::SELF,
        );
        ell(
            scene,
            fin_r,
            Vector::new(0.015, 0.0, 0.0),
            Vector::new(0.02, 0.015, 0.001),
            Rgb::SELF,
        );
        ell(
            scene,
            fin_l,
            Vector::new(-0.015, 0.0, 0.0),
            Vector::new(0.02, 0.015, 0.001),
            Rgb::SELF,
        );
        let p = b[self.torso].position();
        let mouth = (
            p * Vector::new(0.0, 0.079, 0.0),
            p * Vector::new(0.0, 0.07, 0.0),
        );
        scene.capsule(mouth.0.to_array(), mouth.1.to_array(), 0.005, Rgb::EFFECTOR);
        for side in [-1.0, 1.0] {
            scene.sphere(
                (p * Vector::new(side * 0.008, 0.055, 0.015)).to_array(),
                0.008,
                Rgb(20, 20, 20),
            );
        }
    }
}
