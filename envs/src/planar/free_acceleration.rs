//! [`free_acceleration`]: a multibody's unconstrained generalized acceleration, the `a₀` of
//! MuJoCo's constraint law that [`super::SoftLimit`] applies.
//!
//! MuJoCo's soft limit cancels a fraction d ≈ 0.9–0.95 of the limited DoF's unconstrained
//! acceleration a₀ and lets the rest act against a stiff spring, so the depth a push holds the
//! joint at is (1 − d)·a₀ / (d·k): a 5 % error in a₀ doubles it. The DoF's own actuator alone
//! (cartpole's estimate) leaves out its damping force and the other DoFs' forces acting through
//! the mass matrix (finger: the proximal torque on the distal link); this computes
//!
//! ```text
//!   a₀ = M(q)⁻¹ (τ − D q̇ + Σₖ Jₖᵀ [mₖ g; 0])
//! ```
//!
//! with M = Σₖ Jₖᵀ diag(mₖ 1₃, Iₖ) Jₖ + diag(armature) assembled from rapier's per-link
//! centre-of-mass Jacobians Jₖ (linear rows first), as rapier's own mass matrix is, D the
//! per-DoF damping and τ the applied generalized forces. Velocity-product (Coriolis and
//! centrifugal) terms are left out. Also returns diag(M⁻¹), the constraint's inverse inertia A
//! ([`free_motion`] returns all of M⁻¹, for constraints that couple DoFs, such as a contact),
//! and [`body_inv_weight`], MuJoCo's `body_invweight0` (the regulariser's scale of a contact).

use rapier3d::na::{DMatrix, DVector, Matrix3, Matrix6};
use rapier3d::prelude::*;

/// Unconstrained generalized accelerations and diag(M⁻¹) of `mb` at its current pose (run
/// forward kinematics first), under applied generalized forces `tau` (one per DoF) and
/// `gravity`. `None` if the mass matrix is singular.
pub(crate) fn free_acceleration(
    mb: &Multibody,
    bodies: &RigidBodySet,
    gravity: Vector,
    tau: &[f32],
) -> Option<(DVector<f32>, DVector<f32>)> {
    free_motion(mb, bodies, gravity, tau).map(|(acc, inv)| (acc, inv.diagonal()))
}

/// [`free_acceleration`] with the whole inverse mass matrix M⁻¹ instead of its diagonal.
pub(crate) fn free_motion(
    mb: &Multibody,
    bodies: &RigidBodySet,
    gravity: Vector,
    tau: &[f32],
) -> Option<(DVector<f32>, DMatrix<f32>)> {
    let m = mass_matrix(mb, bodies);
    let n = mb.ndofs();
    let mut f = DVector::from_fn(n, |i, _| {
        tau[i] - mb.damping()[i] * mb.generalized_velocity()[i]
    });
    for (k, link) in mb.links().enumerate() {
        let mass = bodies[link.rigid_body_handle()]
            .mass_properties()
            .effective_mass();
        let j = mb.body_jacobian(k);
        let weight = [mass.x * gravity.x, mass.y * gravity.y, mass.z * gravity.z];
        for i in 0..n {
            f[i] += (0..3).map(|r| j[(r, i)] * weight[r]).sum::<f32>();
        }
    }
    let lu = m.lu();
    let acc = lu.solve(&f)?;
    let inv = lu.try_inverse()?;
    Some((acc, inv))
}

/// MuJoCo's `body_invweight0` (translational) of link `link` of `mb` at its current pose:
/// tr(J M⁻¹ Jᵀ)/3 with J the link's centre-of-mass linear Jacobian (3 × ndofs), the mean
/// inverse mass a force at its centre of mass meets. MuJoCo evaluates it at `qpos0`.
/// `None` if the mass matrix is singular.
pub(crate) fn body_inv_weight(mb: &Multibody, bodies: &RigidBodySet, link: usize) -> Option<f32> {
    let inv = mass_matrix(mb, bodies).try_inverse()?;
    let j = mb.body_jacobian(link).rows(0, 3).into_owned();
    Some((&j * inv * j.transpose()).trace() / 3.0)
}

/// M = Σₖ Jₖᵀ diag(mₖ 1₃, Iₖ) Jₖ + diag(armature) at the current pose.
fn mass_matrix(mb: &Multibody, bodies: &RigidBodySet) -> DMatrix<f32> {
    let n = mb.ndofs();
    let mut m = DMatrix::<f32>::zeros(n, n);
    for (k, link) in mb.links().enumerate() {
        let rb = &bodies[link.rigid_body_handle()];
        let mp = rb.mass_properties();
        let mass = mp.effective_mass();
        let i = mp.effective_angular_inertia();
        let inertia = Matrix3::new(
            i.m11, i.m12, i.m13, i.m12, i.m22, i.m23, i.m13, i.m23, i.m33,
        );
        let mut w = Matrix6::<f32>::zeros();
        w[(0, 0)] = mass.x;
        w[(1, 1)] = mass.y;
        w[(2, 2)] = mass.z;
        w.fixed_view_mut::<3, 3>(3, 3).copy_from(&inertia);
        let j = mb.body_jacobian(k);
        m += j.transpose() * w * j;
    }
    for i in 0..n {
        m[(i, i)] += mb.armature()[i];
    }
    m
}
