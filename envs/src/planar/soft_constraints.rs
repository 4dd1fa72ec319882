//! [`solve_soft_constraints`]: a chain's ground contacts and soft joint limits of one physics
//! step, solved as one program, as MuJoCo's constraint solver does.
//!
//! [ENV:Eq.soft-constraints] MuJoCo stacks every active constraint of a step into one Jacobian
//! and solves one convex program for all their forces. Here a step's constraints are the ground
//! contacts' pyramid edge rows ([ENV:Eq.pyramidal-contact]: n + μt, n − μt, n, regulariser
//! R_py, R_py, R_py/2) and one row per joint past its range (±e_dof, +1 at the lower stop and
//! −1 at the upper, regulariser (1 − d)/d · dof_invweight0, [`super::SoftLimit`]). With Jₑ all
//! these rows, a₀ and M⁻¹ the unconstrained acceleration and inverse mass matrix of the state
//! ([`super::SmoothDynamics`], computed once per step),
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
use super::{GroundTouch, SmoothDynamics, SoftGround, SoftLimit};

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
    /// The generalized constraint force Jₑᵀ x of all of them (MuJoCo's `qfrc_constraint`), one
    /// entry per DoF; empty when nothing acted.
    pub(crate) generalized: Vec<f32>,
}

/// The forces of `contacts` with `ground` and of the joints in `limits`, from `mb`'s current
/// state (forward kinematics done) and its smooth `dynamics`; none when nothing touches and no
/// joint is past its range, or if the mass matrix is singular.
pub(crate) fn solve_soft_constraints(
    mb: &Multibody,
    bodies: &RigidBodySet,
    dynamics: &SmoothDynamics,
    ground: Option<&SoftGround>,
    contacts: &[(usize, f32, Vector)],
    limits: &[LimitRow],
) -> SoftForces {
    if contacts.is_empty() && limits.is_empty() {
        return SoftForces::default();
    }
    let Some(a0) = dynamics.free_acceleration() else {
        return SoftForces::default();
    };
    let n = mb.ndofs();
    let m = contacts.len();
    let rows = 3 * m + limits.len();
    let mut j = DMatrix::<f32>::zeros(rows, n);
    let mut reg = Vec::with_capacity(rows);
    // Each block's rows, law and distance (its rows share both).
    let mut blocks = Vec::with_capacity(m + limits.len());
    let mut laws = Vec::with_capacity(m + limits.len());
    if let Some(g) = ground {
        for (i, &(k, r, p)) in contacts.iter().enumerate() {
            let (jn, jt) = g.contact_rows(mb, bodies, k, p);
            for (e, [cn, ct]) in g.law.pyramid_edges().into_iter().enumerate() {
                for d in 0..n {
                    j[(3 * i + e, d)] = cn * jn[d] + ct * jt[d];
                }
            }
            reg.extend(g.law.pyramid_regularisers(r, g.inv_weight[k]));
            blocks.push(Block {
                start: 3 * i,
                len: 3,
            });
            laws.push((g.law.law, r));
        }
    }
    for (l, row) in limits.iter().enumerate() {
        j[(3 * m + l, row.dof)] = row.sign;
        reg.push(row.limit.regulariser(row.dist, row.inv_weight0));
        blocks.push(Block {
            start: 3 * m + l,
            len: 1,
        });
        laws.push((row.limit, row.dist));
    }
    let v = DVector::from_column_slice(mb.generalized_velocity().as_slice());
    let (jv, ja) = (&j * &v, &j * &a0);
    let mut rhs = vec![0.0f32; rows];
    for (b, &(law, r)) in blocks.iter().zip(&laws) {
        for row in b.start..b.start + b.len {
            rhs[row] = law.reference_acceleration(r, r, jv[row]) - ja[row];
        }
    }
    let Some(mut h) = dynamics.inverse_quadratic(&j) else {
        return SoftForces::default();
    };
    for (r, reg) in reg.iter().enumerate() {
        h[(r, r)] += reg;
    }
    let (x, sweeps) = solve_nonnegative_blocks(&h, &rhs, &blocks);
    let touches = match ground {
        Some(g) => contacts
            .iter()
            .enumerate()
            .map(|(i, &(k, r, p))| {
                let touch = GroundTouch {
                    position: p,
                    depth: -r,
                    force: g.law.pyramid_force(&x[3 * i..3 * i + 3]),
                    sweeps,
                };
                (g.capsules[k].body, touch)
            })
            .collect(),
        None => Vec::new(),
    };
    let generalized = j.transpose() * DVector::from_column_slice(&x);
    SoftForces {
        touches,
        limits: limits
            .iter()
            .enumerate()
            .map(|(l, row)| (row.dof, row.sign * x[3 * m + l]))
            .collect(),
        generalized: generalized.iter().copied().collect(),
    }
}

#[cfg(test)]
#[path = "soft_constraints_tests.rs"]
mod tests;
