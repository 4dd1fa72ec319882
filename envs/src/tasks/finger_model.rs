//! The finger model of dm_control's `finger.xml` on rapier: a two-link finger (proximal and
//! distal hinges) and a free spinner, each a multibody on a fixed anchor. rapier makes no
//! contacts (every collision group is empty): the fingertip–spinner contacts are MuJoCo's soft
//! contacts of [`super::finger_contact`]. The task (observations, reward, reset) is in
//! [`super::finger`].

use rapier3d::prelude::*;

use crate::planar::{SoftContact, SoftLimit};
use crate::world::World;

pub(super) const PHYSICS_DT: Real = 0.01;
pub(super) const SUBSTEPS: usize = 2;
/// Hinge axis of every finger joint (MuJoCo's default `axis="0 -1 0"`).
pub(super) const AXIS: Vector = Vector::new(0.0, -1.0, 0.0);
pub(super) const GEAR: [Real; 2] = [30.0, 15.0];
pub(super) const LIMIT: Real = 110.0 * std::f32::consts::PI / 180.0;
/// finger.xml's hinge limits (±[`LIMIT`]) are MuJoCo's default soft limits.
pub(super) const JOINT_LIMIT: SoftLimit = SoftLimit::MUJOCO_DEFAULT;
pub(super) const FINGER_DAMPING: Real = 2.5;
pub(super) const DENSITY: Real = 1000.0;
/// Sliding friction of every finger.xml geom (MuJoCo's default `friction[0]`; a contact takes
/// the larger of its two geoms').
pub(super) const FRICTION: Real = 1.0;
/// finger.xml's geom defaults: `solref=".02 1"`, `solimp="0 0.9 0.01"` (mid 0.5 and power 2
/// are MuJoCo's defaults), friction 1, elliptic cone, `condim` 3.
pub(super) const FINGER_CONTACT: SoftContact = SoftContact {
    law: SoftLimit {
        solref: [0.02, 1.0],
        solimp: [0.0, 0.9, 0.01, 0.5, 2.0],
    },
    friction: FRICTION,
};
/// The fingertip capsule's segment in the distal frame and its radius, m.
pub(super) const TIP_SEGMENT: [Vector; 2] =
    [Vector::new(0.13, 0.0, 0.0), Vector::new(0.161, 0.0, 0.0)];
pub(super) const TIP_RADIUS: Real = 0.03;
/// The spinner capsules' (`cap1`, `cap2`) segments in the spinner frame and their radius, m.
pub(super) const SPINNER_SEGMENTS: [[Vector; 2]; 2] = [
    [Vector::new(0.02, 0.0, -0.09), Vector::new(0.02, 0.0, 0.09)],
    [
        Vector::new(-0.02, 0.0, -0.09),
        Vector::new(-0.02, 0.0, 0.09),
    ],
];
pub(super) const SPINNER_RADIUS: Real = 0.04;
pub(super) const PROXIMAL_ANCHOR: Vector = Vector::new(-0.2, 0.0, 0.4);
pub(super) const SPINNER_ANCHOR: Vector = Vector::new(0.2, 0.0, 0.4);
/// Spinner tip site in the spinner frame, and the target radius about the hinge (cap1 size sum).
pub(super) const TIP: Vector = Vector::new(0.0, 0.0, 0.13);
pub(super) const TARGET_ORBIT: Real = 0.13;
pub(super) const HARD_TARGET_RADIUS: Real = 0.03;
pub(super) const SPIN_VELOCITY: Real = 15.0;
/// Touch sites (centre in the distal frame, ellipsoid semi-axes).
pub(super) const TOUCH_SITES: [Vector; 2] =
    [Vector::new(0.17, 0.0, 0.01), Vector::new(0.17, 0.0, -0.01)];
pub(super) const TOUCH_SIZE: Vector = Vector::new(0.025, 0.03, 0.025);

pub(super) struct Handles {
    pub(super) proximal: RigidBodyHandle,
    pub(super) distal: RigidBodyHandle,
    pub(super) spinner: RigidBodyHandle,
    pub(super) finger_joint: MultibodyJointHandle,
    pub(super) spinner_joint: MultibodyJointHandle,
    pub(super) fingertip: ColliderHandle,
    pub(super) finger_colliders: [ColliderHandle; 3],
    pub(super) spinner_colliders: [ColliderHandle; 3],
}

/// No rapier contacts: the finger's contacts are [`super::finger_contact`]'s.
fn no_contacts() -> InteractionGroups {
    InteractionGroups::none()
}

pub(super) fn build(spinner_damping: Real) -> (World, Handles) {
    let mut w = World::new(PHYSICS_DT);
    w.gravity = Vector::ZERO;
    let ground = w.bodies.insert(RigidBodyBuilder::fixed());
    let dynamic = |p: Vector| RigidBodyBuilder::dynamic().translation(p).can_sleep(false);
    // The proximal link's frame is the XML's rotated by the joint's `ref` (−90°): at angle 0 the
    // finger points along +x, so rapier's angle equals MuJoCo's qpos.
    let proximal = w.bodies.insert(dynamic(PROXIMAL_ANCHOR));
    let distal = w
        .bodies
        .insert(dynamic(PROXIMAL_ANCHOR + Vector::new(0.18, 0.0, 0.0)));
    let capsule = |a: Vector, b: Vector, r: Real| {
        ColliderBuilder::capsule_from_endpoints(a, b, r)
            .density(DENSITY)
            .collision_groups(no_contacts())
    };
    let cylinder_y = |half: Real, r: Real| {
        ColliderBuilder::cylinder(half, r)
            .density(DENSITY)
            .collision_groups(no_contacts())
    };
    let c = &mut w.colliders;
    let prox_deco = c.insert_with_parent(cylinder_y(0.033, 0.034), proximal, &mut w.bodies);
    let prox_cap = c.insert_with_parent(
        capsule(Vector::ZERO, Vector::new(0.17, 0.0, 0.0), 0.03),
        proximal,
        &mut w.bodies,
    );
    // The distal capsule has contype = conaffinity = 0: mass only (and no finger geom makes
    // rapier contacts).
    c.insert_with_parent(
        capsule(Vector::ZERO, Vector::new(0.16, 0.0, 0.0), 0.028),
        distal,
        &mut w.bodies,
    );
    let fingertip = c.insert_with_parent(
        capsule(TIP_SEGMENT[0], TIP_SEGMENT[1], TIP_RADIUS),
        distal,
        &mut w.bodies,
    );
    let spinner = w.bodies.insert(dynamic(SPINNER_ANCHOR));
    let [s1, s2] = SPINNER_SEGMENTS;
    let spin1 = c.insert_with_parent(
        capsule(s1[0], s1[1], SPINNER_RADIUS),
        spinner,
        &mut w.bodies,
    );
    let spin2 = c.insert_with_parent(
        capsule(s2[0], s2[1], SPINNER_RADIUS),
        spinner,
        &mut w.bodies,
    );
    let spin_deco = c.insert_with_parent(cylinder_y(0.045, 0.02), spinner, &mut w.bodies);

    // Limits are soft and applied by the task ([`JOINT_LIMIT`]), not rapier's hard ones.
    let hinge = |anchor: Vector| {
        RevoluteJointBuilder::new(AXIS)
            .local_anchor1(anchor)
            .local_anchor2(Vector::ZERO)
            .contacts_enabled(false)
    };
    let mb = &mut w.multibody_joints;
    let finger_joint = mb
        .insert(ground, proximal, hinge(PROXIMAL_ANCHOR), true)
        .expect("proximal hinge");
    mb.insert(proximal, distal, hinge(Vector::new(0.18, 0.0, 0.0)), true)
        .expect("distal hinge");
    let spinner_anchor = w.bodies.insert(RigidBodyBuilder::fixed());
    let spinner_joint = w
        .multibody_joints
        .insert(spinner_anchor, spinner, hinge(SPINNER_ANCHOR), true)
        .expect("spinner hinge");

    let (fmb, _) = w.multibody_joints.get_mut(finger_joint).expect("finger");
    fmb.forward_kinematics(&w.bodies, true);
    fmb.damping_mut().fill(FINGER_DAMPING);
    fmb.armature_mut().fill(0.0);
    let (smb, _) = w.multibody_joints.get_mut(spinner_joint).expect("spinner");
    smb.forward_kinematics(&w.bodies, true);
    smb.damping_mut().fill(spinner_damping);
    smb.armature_mut().fill(0.0);
    smb.frictions_mut().fill(0.1);
    let h = Handles {
        proximal,
        distal,
        spinner,
        finger_joint,
        spinner_joint,
        fingertip,
        finger_colliders: [prox_deco, prox_cap, fingertip],
        spinner_colliders: [spin1, spin2, spin_deco],
    };
    (w, h)
}
