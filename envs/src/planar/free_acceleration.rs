//! [`free_acceleration`]: a multibody's unconstrained generalized acceleration, the `a₀` of
//! MuJoCo's constraint law that [`super::SoftLimit`] and the soft contacts apply.
//!
//! MuJoCo's soft limit cancels a fraction d ≈ 0.9–0.95 of the limited DoF's unconstrained
//! acceleration a₀ and lets the rest act against a stiff spring, so the depth a push holds the
//! joint at is (1 − d)·a₀ / (d·k): a 5 % error in a₀ doubles it. The DoF's own actuator alone
//! (cartpole's estimate) leaves out its damping force and the other DoFs' forces acting through
//! the mass matrix (finger: the proximal torque on the distal link); this computes MuJoCo's
//! `qacc_smooth`
//!
//! ```text
//!   a₀ = M(q)⁻¹ (τ − D q̇ − b(q, q̇))
//! ```
//!
//! with M = Σₖ Jₖᵀ diag(mₖ 1₃, Iₖ) Jₖ + diag(armature) assembled from rapier's per-link
//! centre-of-mass Jacobians Jₖ (linear rows first), as rapier's own mass matrix is, D the
//! per-DoF damping, τ the applied generalized forces and b MuJoCo's `qfrc_bias`: the
//! velocity-product (Coriolis and centrifugal) forces minus the weights Σₖ Jₖᵀ [mₖ g; 0]
//! ([`bias_force`]). Also returns diag(M⁻¹), the constraint's inverse inertia A
//! ([`free_motion`] returns all of M⁻¹, for constraints that couple DoFs, such as a contact),
//! and [`body_inv_weight`], MuJoCo's `body_invweight0` (the regulariser's scale of a contact).

use rapier3d::na::{Cholesky, DMatrix, DVector, Dyn};
use rapier3d::prelude::*;

use super::bias_force;

/// Unconstrained generalized accelerations and diag(M⁻¹) of `mb` at its current pose (run
/// forward kinematics first) and generalized velocity, under applied generalized forces `tau`
/// (one per DoF) and `gravity`. `None` if the mass matrix is singular.
pub(crate) fn free_acceleration(
    mb: &Multibody,
    bodies: &RigidBodySet,
    gravity: Vector,
    tau: &[f32],
) -> Option<(DVector<f32>, DVector<f32>)> {
    free_motion(mb, bodies, gravity, tau).map(|(acc, inv)| (acc, inv.diagonal()))
}

/// [`free_acceleration`] with the whole inverse mass matrix M⁻¹ instead of its diagonal.
///
/// # Panics
/// If `tau` does not have one entry per DoF.
#[track_caller]
pub fn free_motion(
    mb: &Multibody,
    bodies: &RigidBodySet,
    gravity: Vector,
    tau: &[f32],
) -> Option<(DVector<f32>, DMatrix<f32>)> {
    let s = SmoothDynamics::new(mb, bodies, gravity, tau);
    Some((s.free_acceleration()?, s.inverse_mass()?))
}

/// A state's smooth dynamics: M (MuJoCo's `qM`), the smooth generalized force
/// f = τ − D q̇ − b (MuJoCo's `qfrc_smooth`) and M's Cholesky factor L (M = L Lᵀ), computed once
/// per step for both the constraint solve and the integrator.
pub(crate) struct SmoothDynamics {
    /// The mass matrix M.
    pub(crate) mass: DMatrix<f32>,
    /// The smooth force f = τ − D q̇ − b.
    pub(crate) force: DVector<f32>,
    /// `None` if M is not positive definite (a degenerate chain).
    factor: Option<Cholesky<f32, Dyn>>,
}

impl SmoothDynamics {
    /// The dynamics of `mb` at its current pose (run forward kinematics first) and generalized
    /// velocity, under applied generalized forces `tau` (one per DoF) and `gravity`.
    ///
    /// # Panics
    /// If `tau` does not have one entry per DoF.
    #[track_caller]
    pub(crate) fn new(mb: &Multibody, bodies: &RigidBodySet, gravity: Vector, tau: &[f32]) -> Self {
        let n = mb.ndofs();
        assert_eq!(tau.len(), n, "one applied force per DoF");
        let mass = mass_matrix(mb, bodies);
        let mut force = DVector::<f32>::zeros(n);
        bias_force(mb, bodies, gravity, force.as_mut_slice());
        let v = mb.generalized_velocity();
        for i in 0..n {
            force[i] = tau[i] - mb.damping()[i] * v[i] - force[i];
        }
        let factor = Cholesky::new(mass.clone());
        SmoothDynamics {
            mass,
            force,
            factor,
        }
    }

    /// a₀ = M⁻¹ f (MuJoCo's `qacc_smooth`); `None` if M is not positive definite.
    pub(crate) fn free_acceleration(&self) -> Option<DVector<f32>> {
        Some(self.factor.as_ref()?.solve(&self.force))
    }

    /// M⁻¹; `None` if M is not positive definite.
    pub(crate) fn inverse_mass(&self) -> Option<DMatrix<f32>> {
        Some(self.factor.as_ref()?.inverse())
    }

    /// J M⁻¹ Jᵀ of constraint rows `j` (rows × DoFs) as YᵀY with Y = L⁻¹ Jᵀ; `None` if M is
    /// not positive definite.
    pub(crate) fn inverse_quadratic(&self, j: &DMatrix<f32>) -> Option<DMatrix<f32>> {
        let y = self
            .factor
            .as_ref()?
            .l_dirty()
            .solve_lower_triangular(&j.transpose())?;
        Some(y.transpose() * y)
    }
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

/// M = Σₖ Jₖᵀ diag(mₖ 1₃, Iₖ) Jₖ + diag(armature) of `mb` at its current pose (run forward
/// kinematics first), `ndofs × ndofs`: MuJoCo's `qM` of the same model.
pub fn mass_matrix(mb: &Multibody, bodies: &RigidBodySet) -> DMatrix<f32> {
    let n = mb.ndofs();
    let mut m = DMatrix::<f32>::zeros(n, n);
    for (k, link) in mb.links().enumerate() {
        let mp = bodies[link.rigid_body_handle()].mass_properties();
        let (mass, inertia) = (mp.effective_mass(), mp.effective_angular_inertia());
        let j = mb.body_jacobian(k);
        for c in 0..n {
            let col = j.column(c);
            let lin = mass * Vector::new(col[0], col[1], col[2]);
            let ang = inertia * Vector::new(col[3], col[4], col[5]);
            for r in 0..=c {
                let row = j.column(r);
                let e = row[0] * lin.x + row[1] * lin.y + row[2] * lin.z;
                m[(r, c)] += e + row[3] * ang.x + row[4] * ang.y + row[5] * ang.z;
            }
        }
    }
    for c in 0..n {
        for r in 0..c {
            m[(c, r)] = m[(r, c)];
        }
        m[(c, c)] += mb.armature()[c];
    }
    m
}
