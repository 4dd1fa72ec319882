//! [`solve_soft_constraints`]: a chain's ground contacts and soft joint limits of one physics
//! step, solved as one program, as MuJoCo's constraint solver does.
//!
//! [ENV:Eq.soft-constraints] MuJoCo stacks every active constraint of a step into one Jacobian
//! and solves one convex program for all their forces. Here a step's constraints are the ground
//! contacts' pyramid edge rows ([ENV:Eq.pyramidal-contact]: n + μt, n − μt, n, regulariser
//! R_py, R_py, R_py/2) and one row per joint past its range (±e_dof, +1 at the lower stop and
//! −1 at the upper, regulariser (1 − d)/d · dof_invweight0, [`super::SoftLimit`]). With Jₑ all
//! these rows, a₀ and M⁻¹ the unconstrained acceleration and inverse mass matrix of the state
//! ([`super::free_motion`], computed once per step),
//!
//! ```text
//!   min_x ½ xᵀ (Jₑ M⁻¹ Jₑᵀ + diag R) x − xᵀ (a_ref − Jₑ a₀)   subject to   x ≥ 0,
//! ```
//!
//! a_ref = −b (Jₑ q̇) − k d(r) r per row. The generalized constraint force is Jₑᵀ x: contacts'
//! (fₙ, fₜ) = (Σ x, μ (x₁ − x₂)) act at their points, a limit's ±x on its DoF. Solving them
//! one after the other (cheetah v3: contacts, then limits with the contact forces in their a₀)
//! is one Gauss–Seidel sweep of this program; a foot pressed down while its joint rests on a
//! stop couples the two, and one sweep is not the minimiser.

use rapier3d::na::{DMatrix, DVector};
use rapier3d::prelude::*;

use super::nonnegative_blocks::{Block, solve_nonnegative_blocks};
use super::{GroundTouch, SoftGround, SoftLimit, free_motion};

/// A joint past its range in the current state.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LimitRow {
    pub(crate) dof: usize,
    /// Signed distance r < 0 past the stop.
    pub(crate) dist: f32,
    /// +1 at the lower stop (the force pushes q up), −1 at the upper.
    pub(crate) sign: f32,
    pub(crate) limit: SoftLimit,
    /// `dof_invweight0` of the DoF.
    pub(crate) inv_weight0: f32,
}

/// The forces of a step's soft constraints.
#[derive(Debug, Default)]
pub(crate) struct SoftForces {
    /// Each ground contact's body and touch (force at its point).
    pub(crate) touches: Vec<(usize, GroundTouch)>,
    /// Each limited DoF's generalized force.
    pub(crate) limits: Vec<(usize, f32)>,
}

/// The forces of the ground contacts of `ground` (if any) and of the joints in `limits` under
/// applied generalized forces `tau`, from `mb`'s current state; none when nothing touches and
/// no joint is past its range, or if the mass matrix is singular.
pub(crate) fn solve_soft_constraints(
    mb: &mut Multibody,
    bodies: &RigidBodySet,
    gravity: Vector,
    tau: &[f32],
    ground: Option<&SoftGround>,
    limits: &[LimitRow],
) -> SoftForces {
    let contacts = ground.map_or_else(Vec::new, |g| g.touching(bodies));
    if contacts.is_empty() && limits.is_empty() {
        return SoftForces::default();
    }
    mb.forward_kinematics(bodies, false);
    let Some((a0, inv)) = free_motion(mb, bodies, gravity, tau) else {
        return SoftForces::default();
    };
    let n = mb.ndofs();
    let rows = 3 * contacts.len() + limits.len();
    let mut j = DMatrix::<f32>::zeros(rows, n);
    let mut reg = Vec::with_capacity(rows);
    let mut dist = Vec::with_capacity(rows);
    let mut law = Vec::with_capacity(rows);
    let mut blocks = Vec::with_capacity(contacts.len() + limits.len());
    if let Some(g) = ground {
        let mu = g.law.friction;
        for (i, &(k, r, p)) in contacts.iter().enumerate() {
            let (jn, jt) = g.contact_rows(mb, bodies, k, p);
            for (e, s) in [mu, -mu, 0.0].into_iter().enumerate() {
                for d in 0..n {
                    j[(3 * i + e, d)] = jn[d] + s * jt[d];
                }
            }
            let r_py = g.law.pyramid_regulariser(r, g.inv_weight[k]);
            reg.extend([r_py, r_py, 0.5 * r_py]);
            dist.extend([r; 3]);
            law.extend([g.law.law; 3]);
            blocks.push(Block {
                start: 3 * i,
                len: 3,
            });
        }
    }
    for (l, row) in limits.iter().enumerate() {
        let at = 3 * contacts.len() + l;
        j[(at, row.dof)] = row.sign;
        reg.push(row.limit.regulariser(row.dist, row.inv_weight0));
        dist.push(row.dist);
        law.push(row.limit);
        blocks.push(Block { start: at, len: 1 });
    }
    let v = DVector::from_column_slice(mb.generalized_velocity().as_slice());
    let (jv, ja) = (&j * &v, &j * &a0);
    let rhs: Vec<f32> = (0..rows)
        .map(|r| law[r].reference_acceleration(dist[r], dist[r], jv[r]) - ja[r])
        .collect();
    let mut h = &j * &inv * j.transpose();
    for (r, reg) in reg.iter().enumerate() {
        h[(r, r)] += reg;
    }
    let (x, sweeps) = solve_nonnegative_blocks(&h, &rhs, &blocks);
    let capsule_body = |k: usize| ground.map_or(0, |g| g.capsules[k].body);
    let mu = ground.map_or(0.0, |g| g.law.friction);
    SoftForces {
        touches: contacts
            .iter()
            .enumerate()
            .map(|(i, &(k, r, p))| {
                let e = &x[3 * i..3 * i + 3];
                let touch = GroundTouch {
                    position: p,
                    depth: -r,
                    force: [e[0] + e[1] + e[2], mu * (e[0] - e[1])],
                    sweeps,
                };
                (capsule_body(k), touch)
            })
            .collect(),
        limits: limits
            .iter()
            .enumerate()
            .map(|(l, row)| (row.dof, row.sign * x[3 * contacts.len() + l]))
            .collect(),
    }
}

#[cfg(test)]
#[path = "soft_constraints_tests.rs"]
mod tests;
