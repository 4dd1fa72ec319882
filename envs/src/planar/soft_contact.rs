//! [`SoftContact`]: MuJoCo's soft frictional contact (`solref`, `solimp`, elliptic cone with
//! `condim` 3) between bodies moving in the x–z plane, computed outside rapier's solver.
//!
//! [ENV:Eq.soft-contact] MuJoCo turns a contact at signed distance r (negative when the geoms
//! interpenetrate) into three constraint rows: the normal n and two tangents. In a planar model
//! one tangent is the out-of-plane axis y, whose Jacobian row is zero for hinges about y, so it
//! carries no force: a contact is a normal row and one in-plane tangent row t. Each row has
//! MuJoCo's reference acceleration ([`SoftLimit::reference_acceleration`])
//!
//! ```text
//!   a_ref,n = −b vₙ − k d(r) r,   a_ref,t = −b vₜ,   b = 2/(d_max τ),   k = 1/(d_max² τ² ζ²)
//! ```
//!
//! with (τ, ζ) = `solref`, d(r) the impedance of `solimp` clamped to [10⁻⁴, 1 − 10⁻⁴]
//! ([`SoftLimit::impedance`]) — the friction row takes its normal's impedance — and one
//! regulariser R = (1 − d)/d · w for every row of the contact, w the sum of the two bodies'
//! `body_invweight0` (MuJoCo's `efc_diagApprox` of a contact; `impratio` = 1). With the contact
//! rows' inverse inertia A = J M⁻¹ Jᵀ (the Delassus matrix, all contacts together) and their
//! unconstrained accelerations a₀ = J M⁻¹ τ, MuJoCo's forces solve the cone-constrained
//! quadratic program
//!
//! ```text
//!   min_f ½ fᵀ (A + R) f − fᵀ (a_ref − a₀)   subject to   |fₜ| ≤ μ fₙ for every contact,
//! ```
//!
//! μ the contact's friction (the larger of the two geoms' `friction[0]`). A single contact's
//! 2 × 2 block is solved exactly: the unconstrained minimiser if it lies in the cone, else the
//! better of the cone's two edges fₜ = ±μ fₙ (each a one-dimensional clamp at fₙ ≥ 0), which
//! contains the apex f = 0 (no pull). Several contacts are coupled by A's off-diagonal blocks and
//! solved by block Gauss–Seidel on these exact blocks, which decreases the convex objective at
//! every block and converges to its minimiser. The forces are then applied once per physics
//! step from the state at its start, as MuJoCo's Euler step applies them.

use rapier3d::na::DMatrix;

use super::SoftLimit;

/// Most block Gauss–Seidel sweeps over coupled contacts.
pub const MAX_SWEEPS: usize = 50;
/// Sweeps stop when no force changes by more than this fraction of the largest force.
pub(super) const SWEEP_TOLERANCE: f32 = 1e-6;

/// One contact, in its normal–tangent frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ContactPoint {
    /// Signed distance (m): negative when the geoms interpenetrate; no force when ≥ 0.
    pub dist: f32,
    /// Normal (separating positive) and tangential relative velocity, J q̇ (m/s).
    pub velocity: [f32; 2],
    /// Normal and tangential unconstrained relative acceleration, J a₀ (m/s²).
    pub free_acceleration: [f32; 2],
}

/// MuJoCo's soft contact law of a geom pair: `solref`/`solimp` and the friction coefficient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SoftContact {
    /// `solref` and `solimp` of the contact (MuJoCo's semantics, as a limit's).
    pub law: SoftLimit,
    /// Sliding friction μ (MuJoCo's `friction[0]`, the larger of the two geoms').
    pub friction: f32,
}

impl SoftContact {
    /// The normal and tangential forces `[fₙ, fₜ]` of each contact (fₙ ≥ 0, |fₜ| ≤ μ fₙ, zero
    /// for a contact at `dist ≥ 0`), given the contacts' Delassus matrix `delassus` (2m × 2m,
    /// rows 2i and 2i + 1 the normal and tangent of contact i) and the bodies' summed
    /// `body_invweight0` `inv_weight`, the same for every contact ([`SoftContact::solve`]).
    ///
    /// # Panics
    /// If `delassus` is not 2m × 2m for m contacts.
    #[track_caller]
    pub fn forces(
        &self,
        contacts: &[ContactPoint],
        delassus: &DMatrix<f32>,
        inv_weight: f32,
    ) -> Vec<[f32; 2]> {
        self.solve(contacts, delassus, &vec![inv_weight; contacts.len()])
            .0
    }

    /// [`SoftContact::forces`] with each contact's own summed `body_invweight0`
    /// (`inv_weights[i]` for contact i), and the number of block Gauss–Seidel sweeps taken
    /// (at most [`MAX_SWEEPS`]; 1 for a single contact, which is solved exactly).
    ///
    /// # Panics
    /// If `delassus` is not 2m × 2m, or `inv_weights` does not have m entries, for m contacts.
    #[track_caller]
    pub fn solve(
        &self,
        contacts: &[ContactPoint],
        delassus: &DMatrix<f32>,
        inv_weights: &[f32],
    ) -> (Vec<[f32; 2]>, usize) {
        let m = contacts.len();
        check_shapes(m, delassus, inv_weights);
        let mut f = vec![[0.0f32; 2]; m];
        let active: Vec<usize> = (0..m).filter(|&i| contacts[i].dist < 0.0).collect();
        // a_ref − a₀ and the regularised diagonal block of each active contact.
        let rhs: Vec<[f32; 2]> = contacts
            .iter()
            .map(|c| {
                let r = c.dist;
                [
                    self.law.reference_acceleration(r, r, c.velocity[0]) - c.free_acceleration[0],
                    self.law.reference_acceleration(r, 0.0, c.velocity[1]) - c.free_acceleration[1],
                ]
            })
            .collect();
        let max_sweeps = if active.len() <= 1 { 1 } else { MAX_SWEEPS };
        let mut sweeps = 0;
        for _ in 0..max_sweeps {
            sweeps += 1;
            let mut change = 0.0f32;
            for &i in &active {
                let reg = self.law.regulariser(contacts[i].dist, inv_weights[i]);
                let mut g = rhs[i];
                for &j in active.iter().filter(|&&j| j != i) {
                    for (a, gi) in g.iter_mut().enumerate() {
                        *gi -= (0..2)
                            .map(|b| delassus[(2 * i + a, 2 * j + b)] * f[j][b])
                            .sum::<f32>();
                    }
                }
                let h = [
                    [delassus[(2 * i, 2 * i)] + reg, delassus[(2 * i, 2 * i + 1)]],
                    [
                        delassus[(2 * i + 1, 2 * i)],
                        delassus[(2 * i + 1, 2 * i + 1)] + reg,
                    ],
                ];
                let new = cone_block(h, g, self.friction);
                change = change.max((new[0] - f[i][0]).abs().max((new[1] - f[i][1]).abs()));
                f[i] = new;
            }
            let scale = f.iter().map(|x| x[0]).fold(0.0f32, f32::max);
            if change <= SWEEP_TOLERANCE * scale {
                break;
            }
        }
        (f, sweeps)
    }
}

/// Panics unless `delassus` is 2m × 2m and `inv_weights` has m entries, for m contacts.
#[track_caller]
pub(super) fn check_shapes(m: usize, delassus: &DMatrix<f32>, inv_weights: &[f32]) {
    assert_eq!(
        delassus.shape(),
        (2 * m, 2 * m),
        "Delassus matrix of {m} contacts"
    );
    assert_eq!(inv_weights.len(), m, "one body_invweight0 per contact");
}

/// argmin of ½ fᵀ h f − gᵀ f over the cone |f₁| ≤ μ f₀ (h symmetric positive definite).
fn cone_block(h: [[f32; 2]; 2], g: [f32; 2], mu: f32) -> [f32; 2] {
    let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
    let free = [
        (h[1][1] * g[0] - h[0][1] * g[1]) / det,
        (h[0][0] * g[1] - h[1][0] * g[0]) / det,
    ];
    if free[0] >= 0.0 && free[1].abs() <= mu * free[0] {
        return free;
    }
    // The minimiser is on the boundary: the better of the two edges e = (1, ±μ), λ ≥ 0.
    let mut best = ([0.0f32; 2], 0.0f32);
    for s in [1.0f32, -1.0] {
        let e = [1.0, s * mu];
        let ge = g[0] * e[0] + g[1] * e[1];
        let ehe =
            e[0] * (h[0][0] * e[0] + h[0][1] * e[1]) + e[1] * (h[1][0] * e[0] + h[1][1] * e[1]);
        if ge > 0.0 {
            let lambda = ge / ehe;
            let value = -0.5 * ge * lambda;
            if value < best.1 {
                best = ([lambda, lambda * e[1]], value);
            }
        }
    }
    best.0
}
