//! [`SoftGround`]: a chain's capsules against a ground plane z = h as MuJoCo's soft contacts
//! ([`SoftContact`]), computed outside rapier's solver (the chain's geoms have no rapier
//! contact with the ground).
//!
//! [ENV:Eq.capsule-plane-contact] MuJoCo's capsule–plane collision (`mjc_PlaneCapsule`) is two
//! sphere–plane tests, one per end of the capsule's segment: the end cap at e (world) has signed
//! distance r = (e_z − h) − ρ (ρ the radius) and makes a contact when r ≤ 0 (margin 0), at the
//! point midway through the overlap, p = e − ẑ (ρ + r/2), with normal ẑ and tangents −x̂, −ŷ.
//! A capsule lying flat therefore touches at both ends, a tilted one at its lower end; the
//! segment's interior is never nearer the plane than its lower end (a linear function on a
//! segment is extreme at an end), so these two are the only candidates. In the x–z plane the
//! ŷ tangent has a zero Jacobian row, so each contact is a normal row and the x̂ row, as
//! [`SoftContact`] solves. The rows are the point Jacobian of the body at p,
//! J_p = J_com + J_ω × (p − c) per DoF (c the body's centre of mass, J_com and J_ω its linear
//! and angular Jacobian rows), dotted with ẑ and x̂.
//!
//! All contacts of a step are solved together under MuJoCo's default pyramidal cone
//! ([`SoftContact::solve_pyramidal`]'s rows), jointly with the chain's soft limits
//! ([`super::soft_constraints`]), from the state at the step's start, and applied as world
//! forces at the contact points, which is Jᵀf in generalized coordinates.

use rapier3d::prelude::*;

use super::SoftContact;

/// The end caps of the capsule [a, b] with radius `radius` (world frame) that touch the
/// plane z = `height`: for each, the signed distance r ≤ 0 and the contact point.
pub fn capsule_plane_contacts(
    a: Vector,
    b: Vector,
    radius: f32,
    height: f32,
) -> Vec<(f32, Vector)> {
    [a, b]
        .into_iter()
        .filter_map(|e| {
            let r = e.z - height - radius;
            (r <= 0.0).then(|| (r, e - Vector::Z * (radius + 0.5 * r)))
        })
        .collect()
}

/// A capsule of a chain body, in the body's frame.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GroundCapsule {
    /// Index of the body (a multibody link).
    pub(crate) body: usize,
    /// Rigid body handle of the link.
    pub(crate) handle: RigidBodyHandle,
    /// Multibody link id.
    pub(crate) link: usize,
    /// Segment ends in the body frame, and radius.
    pub(crate) a: Vector,
    pub(crate) b: Vector,
    pub(crate) radius: f32,
}

/// A ground plane under MuJoCo's soft contact law with the pyramidal cone.
#[derive(Clone, Debug)]
pub(crate) struct SoftGround {
    pub(crate) height: f32,
    pub(crate) law: SoftContact,
    pub(crate) capsules: Vec<GroundCapsule>,
    /// `body_invweight0` of each capsule's body (the ground's is 0).
    pub(crate) inv_weight: Vec<f32>,
}

/// One ground contact of a physics step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GroundTouch {
    /// Contact point (world), m.
    pub position: Vector,
    /// Interpenetration depth −r ≥ 0, m.
    pub depth: f32,
    /// Normal and tangential (along x̂) force, N.
    pub force: [f32; 2],
    /// Block Gauss–Seidel sweeps the step's solve took.
    pub sweeps: usize,
}

impl SoftGround {
    /// The end caps touching the ground in the current poses: (capsule index, signed distance
    /// r ≤ 0, contact point), capsules in order.
    pub(crate) fn touching(&self, bodies: &RigidBodySet) -> Vec<(usize, f32, Vector)> {
        let mut out = Vec::new();
        for (k, c) in self.capsules.iter().enumerate() {
            let pose = bodies[c.handle].position();
            for (r, p) in capsule_plane_contacts(pose * c.a, pose * c.b, c.radius, self.height) {
                out.push((k, r, p));
            }
        }
        out
    }

    /// The normal and tangent (x̂) Jacobian rows of a contact at `p` on capsule `k`: the
    /// body's point Jacobian J_com + J_ω × (p − c), dotted with ẑ and x̂, one entry per DoF
    /// (forward kinematics must be current).
    pub(crate) fn contact_rows(
        &self,
        mb: &Multibody,
        bodies: &RigidBodySet,
        k: usize,
        p: Vector,
    ) -> (Vec<f32>, Vec<f32>) {
        let c = &self.capsules[k];
        let jac = mb.body_jacobian(c.link);
        let arm = p - bodies[c.handle].center_of_mass();
        (0..mb.ndofs())
            .map(|d| {
                let lin = Vector::new(jac[(0, d)], jac[(1, d)], jac[(2, d)]);
                let ang = Vector::new(jac[(3, d)], jac[(4, d)], jac[(5, d)]);
                let u = lin + ang.cross(arm);
                (u.z, u.x)
            })
            .unzip()
    }
}
