//! [`bias_force`]: MuJoCo's `qfrc_bias` of a rapier multibody, the velocity-product (Coriolis
//! and centrifugal) and gravity terms of its equation of motion M(q) q̈ = τ − D q̇ − b(q, q̇).
//!
//! [ENV:Eq.bias-force] MuJoCo computes b = `qfrc_bias` by recursive Newton–Euler with q̈ = 0 and
//! the base accelerating at −g: with cₖ the centre of mass of link k, vₖ = ċₖ and ωₖ its
//! velocities and aₖ, αₖ their accelerations when q̈ = 0 (aₖ = J̇ₖ q̇ for the linear and angular
//! rows of its centre-of-mass Jacobian Jₖ),
//!
//! ```text
//!   b(q, q̇) = Σₖ Jₖᵀ [ mₖ (aₖ − g) ;  Iₖ αₖ + ωₖ × Iₖ ωₖ ]
//! ```
//!
//! (Iₖ the world inertia about cₖ), the Coriolis and centrifugal forces c = C(q, q̇) q̇ minus the
//! weights Σₖ Jₖᵀ [mₖ g; 0]. The accelerations come from one pass from the root outwards. A
//! link hangs from its parent p through a joint whose anchor o is fixed in the link; the joint
//! moves the link relative to the parent's joint frame by a linear velocity u and an angular
//! velocity ω_r, both along axes fixed in that frame (rapier's joint Jacobian: slides, the planar
//! root's slides and hinge, hinges), so that with s = o − c_p and r = cₖ − o
//!
//! ```text
//!   ωₖ = ω_p + ω_r,                          vₖ = v_p + ω_p × s + u + ωₖ × r,
//!   αₖ = α_p + ω_p × ω_r,
//!   aₖ = a_p + α_p × s + ω_p × (ω_p × s) + 2 ω_p × u + αₖ × r + ωₖ × (ωₖ × r),
//! ```
//!
//! the time derivative at q̈ = 0 (s is fixed in the parent but for the slide u, r is fixed in
//! the link, u and ω_r rotate with the parent: d/dt u = ω_p × u). The root link's parent is
//! the world at rest. These are rapier's own bias accelerations (`Multibody::update_acceleration`,
//! which keeps them private); the velocities are propagated here from the generalized velocity
//! rather than read from the rigid bodies, whose velocities `Multibody::forward_kinematics`
//! and `update_rigid_bodies` do not set. Derivation: `proofs/env-bias-force.md`.

use rapier3d::prelude::*;

/// Motion of one link's centre of mass at q̈ = 0, world frame.
#[derive(Clone, Copy)]
struct LinkMotion {
    com: Vector,
    w: Vector,
    a: Vector,
    alpha: Vector,
}

const AT_REST: LinkMotion = LinkMotion {
    com: Vector::ZERO,
    w: Vector::ZERO,
    a: Vector::ZERO,
    alpha: Vector::ZERO,
};

/// Most links handled without a heap allocation (planar chains have at most 8).
const STACK_LINKS: usize = 16;

/// Writes MuJoCo's `qfrc_bias` b(q, q̇) of `mb` (see the module) into `out`, one entry per DoF,
/// at its current pose (run forward kinematics first), generalized velocity and `gravity`.
/// Uses the links' mass properties as rapier's mass matrix does (the rigid bodies' world
/// inertia at the current pose).
///
/// # Panics
/// If `out` does not have `mb.ndofs()` entries.
#[track_caller]
pub fn bias_force(mb: &Multibody, bodies: &RigidBodySet, gravity: Vector, out: &mut [f32]) {
    let n = mb.ndofs();
    assert_eq!(out.len(), n, "one bias force per DoF");
    out.fill(0.0);
    let qvel = mb.generalized_velocity();
    let mut stack = [AT_REST; STACK_LINKS];
    let mut heap = Vec::new();
    let motion: &mut [LinkMotion] = if mb.num_links() <= STACK_LINKS {
        &mut stack[..mb.num_links()]
    } else {
        heap.resize(mb.num_links(), AT_REST);
        &mut heap
    };
    for (k, link) in mb.links().enumerate() {
        let mp = bodies[link.rigid_body_handle()].mass_properties();
        let pose = link.local_to_world();
        let joint = link.joint();
        let (parent, frame) = match link.parent_id() {
            Some(p) => (
                motion[p],
                mb.link(p).expect("parent").local_to_world().rotation,
            ),
            None => (AT_REST, Rotation::IDENTITY),
        };
        let com = *pose * mp.local_mprops.local_com;
        let anchor = *pose * joint.data.local_frame2.translation;
        let rel = joint.jacobian_mul_coordinates(&qvel.as_slice()[link.assembly_id()..]);
        let axes = frame * joint.data.local_frame1.rotation;
        let (u, w_rel) = (axes * rel.linvel, axes * rel.angvel);
        let (s, r) = (anchor - parent.com, com - anchor);
        let w = parent.w + w_rel;
        // [ENV:Eq.bias-force] the accelerations at q̈ = 0
        let alpha = parent.alpha + parent.w.cross(w_rel);
        let a = parent.a
            + parent.alpha.cross(s)
            + parent.w.cross(parent.w.cross(s))
            + 2.0 * parent.w.cross(u)
            + alpha.cross(r)
            + w.cross(w.cross(r));
        motion[k] = LinkMotion { com, w, a, alpha };
        let inertia = mp.effective_angular_inertia();
        let force = mp.effective_mass() * (a - gravity);
        let torque = inertia * alpha + w.cross(inertia * w);
        let j = mb.body_jacobian(k);
        for (d, b) in out.iter_mut().enumerate() {
            let col = j.column(d);
            *b += col[0] * force.x + col[1] * force.y + col[2] * force.z;
            *b += col[3] * torque.x + col[4] * torque.y + col[5] * torque.z;
        }
    }
}
