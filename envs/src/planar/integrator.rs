//! [`Integrator`]: how a chain advances one physics step, and [`euler_step`], MuJoCo's.
//!
//! [ENV:Eq.euler] MuJoCo's default integrator (`mj_Euler`) is semi-implicit Euler with the
//! joints' damping taken implicitly: with M the mass matrix, D = diag(damping), f the smooth
//! force τ − D q̇ − b ([`super::SmoothDynamics`]) and Jₑᵀx the constraint force,
//!
//! ```text
//!   (M + h D) a = f + Jₑᵀ x,     q̇' = q̇ + h a,     q' = q + h q̇'.
//! ```
//!
//! Planar chains have no quaternions, so q' = q + h q̇' coordinate by coordinate.

use rapier3d::na::DVector;
use rapier3d::prelude::*;

use super::SmoothDynamics;

/// How a [`super::Chain`] advances a physics step (MJCF `<option integrator>`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Integrator {
    /// rapier's multibody step (its own mass matrix, semi-implicit Coriolis forces, its contact
    /// and hard-limit solver): for chains whose rapier colliders touch something (cheetah's
    /// self-collisions) or that have hard limits.
    #[default]
    Rapier,
    /// MuJoCo's Euler step [ENV:Eq.euler], from the mass matrix and forces the step's
    /// constraint solve already has; rapier only places the bodies. For chains with no rapier
    /// collider and no hard limit.
    Euler,
}

/// One [ENV:Eq.euler] step of length `h` of `mb` from its smooth `dynamics` and the
/// generalized constraint force `constraint` (empty if none acted); places the bodies
/// ([`place_bodies`]) in the new state.
///
/// # Panics
/// If `constraint` is neither empty nor one entry per DoF.
#[track_caller]
pub(crate) fn euler_step(
    mb: &mut Multibody,
    bodies: &mut RigidBodySet,
    dynamics: &SmoothDynamics,
    constraint: &[f32],
    h: f32,
) {
    let n = mb.ndofs();
    let mut force = dynamics.force.clone();
    if !constraint.is_empty() {
        assert_eq!(constraint.len(), n, "one constraint force per DoF");
        force += DVector::from_column_slice(constraint);
    }
    let mut damped = dynamics.mass.clone();
    for i in 0..n {
        damped[(i, i)] += h * mb.damping()[i];
    }
    let acc = damped
        .cholesky()
        .expect("M + hD is positive definite when M is")
        .solve(&force);
    let mut v = mb.generalized_velocity_mut();
    v.axpy(h, &acc, 1.0);
    let disp: Vec<f32> = v.iter().map(|v| v * h).collect();
    mb.apply_displacements(&disp);
    place_bodies(mb, bodies);
}

/// Runs `mb`'s forward kinematics and sets its rigid bodies' poses, world mass properties and
/// velocities (centre-of-mass linear and angular, J q̇ with each link's Jacobian J) from its
/// generalized coordinates and velocities.
pub(crate) fn place_bodies(mb: &mut Multibody, bodies: &mut RigidBodySet) {
    mb.forward_kinematics(bodies, false);
    mb.update_rigid_bodies(bodies, true);
    let v = mb.generalized_velocity();
    for link in mb.links() {
        let j = mb.body_jacobian(link.link_id());
        let u = j * v;
        let rb = &mut bodies[link.rigid_body_handle()];
        rb.set_linvel(Vector::new(u[0], u[1], u[2]), false);
        rb.set_angvel(Vector::new(u[3], u[4], u[5]), false);
    }
}
