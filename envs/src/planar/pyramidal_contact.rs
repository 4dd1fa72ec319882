//! [`SoftContact::solve_pyramidal`]: MuJoCo's soft contact with its default *pyramidal*
//! friction cone (`cone="pyramidal"`, what cheetah.xml and walker.xml use), for planar
//! contacts.
//!
//! [ENV:Eq.pyramidal-contact] With condim 3 MuJoCo replaces a contact's normal n and tangents
//! t₁, t₂ by four edge rows n ± μ t₁, n ± μ t₂, each with a force fₑ ≥ 0; the contact force is
//! fₙ = Σ fₑ, f_t₁ = μ (f₁ − f₂). Every edge has the normal's reference acceleration on its
//! own velocity, a_ref,e = −b (Jₑ q̇) − k d(r) r, and one regulariser
//! R_py = 2 μ² R₀ with R₀ = (1 − d)/d · (1 + μ²) w (MuJoCo's `mj_makeImpedance`: the
//! pyramid's `efc_diagApprox` (1 + μ²) w, w the bodies' `body_invweight0`, rescaled so that
//! the friction impedance matches the elliptic cone's). In the x–z plane t₂'s Jacobian row is
//! zero, so the last two edges are both the normal row n; two identical rows of regulariser
//! R_py carrying f₃ + f₄ = g are one row with R_py/2 (for a given g the cost ½R_py(f₃² + f₄²)
//! is least at f₃ = f₄). A contact is then three rows e = (n + μt, n − μt, n) with forces
//! x ≥ 0, and MuJoCo's forces solve
//!
//! ```text
//!   min_x ½ xᵀ (Aₑ + Rₑ) x − xᵀ (a_ref,e − Jₑ a₀)   subject to   x ≥ 0,
//! ```
//!
//! Aₑ = E A Eᵀ with E = [[1, μ], [1, −μ], [1, 0]] per contact, A the (n, t) Delassus matrix.
//! One contact's 3 × 3 block is solved exactly: the minimiser is the stationary point of its
//! active set, and the least objective among the 8 subsets' stationary points that are ≥ 0 is
//! it (every feasible point's objective is at least the minimiser's). Contacts are coupled by
//! block Gauss–Seidel on these blocks, which converges for the strictly convex program.

use rapier3d::na::{DMatrix, Matrix3, Vector3};

use super::soft_contact::{MAX_SWEEPS, SWEEP_TOLERANCE, check_shapes};
use super::{ContactPoint, SoftContact};

impl SoftContact {
    /// The regulariser R_py = 2 μ² (1 − d)/d (1 + μ²) w of every edge row of a contact at
    /// depth `r` whose bodies' `body_invweight0` sum is `inv_weight` (MuJoCo's `efc_R`).
    pub fn pyramid_regulariser(&self, r: f32, inv_weight: f32) -> f32 {
        let mu = self.friction;
        2.0 * mu * mu * self.law.regulariser(r, (1.0 + mu * mu) * inv_weight)
    }

    /// The normal and tangential forces `[fₙ, fₜ]` of each contact under MuJoCo's pyramidal
    /// cone (see the module), given the (n, t) Delassus matrix `delassus` (2m × 2m) and each
    /// contact's `body_invweight0` sum `inv_weights`; and the block Gauss–Seidel sweeps taken.
    ///
    /// # Panics
    /// If `delassus` is not 2m × 2m, or `inv_weights` does not have m entries.
    #[track_caller]
    pub fn solve_pyramidal(
        &self,
        contacts: &[ContactPoint],
        delassus: &DMatrix<f32>,
        inv_weights: &[f32],
    ) -> (Vec<[f32; 2]>, usize) {
        let m = contacts.len();
        check_shapes(m, delassus, inv_weights);
        let mu = self.friction;
        let e = [[1.0, mu], [1.0, -mu], [1.0, 0.0]];
        // Edge-space block (i, j): E B_ij Eᵀ.
        let block = |i: usize, j: usize| -> [[f32; 3]; 3] {
            let b = |a: usize, c: usize| delassus[(2 * i + a, 2 * j + c)];
            let mut out = [[0.0; 3]; 3];
            for (p, ep) in e.iter().enumerate() {
                for (q, eq) in e.iter().enumerate() {
                    out[p][q] = (0..2)
                        .map(|a| (0..2).map(|c| ep[a] * b(a, c) * eq[c]).sum::<f32>())
                        .sum();
                }
            }
            out
        };
        let active: Vec<usize> = (0..m).filter(|&i| contacts[i].dist < 0.0).collect();
        let rhs: Vec<[f32; 3]> = contacts
            .iter()
            .map(|c| {
                let r = c.dist;
                let row = |ep: [f32; 2]| {
                    let v = ep[0] * c.velocity[0] + ep[1] * c.velocity[1];
                    let a0 = ep[0] * c.free_acceleration[0] + ep[1] * c.free_acceleration[1];
                    self.law.reference_acceleration(r, r, v) - a0
                };
                [row(e[0]), row(e[1]), row(e[2])]
            })
            .collect();
        // Each active pair's edge block once (the sweeps reuse them); diagonal blocks
        // regularised.
        let n = active.len();
        let blocks: Vec<[[f32; 3]; 3]> = (0..n * n)
            .map(|k| {
                let (i, j) = (active[k / n], active[k % n]);
                let mut h = block(i, j);
                if i == j {
                    let r_py = self.pyramid_regulariser(contacts[i].dist, inv_weights[i]);
                    for (p, reg) in [r_py, r_py, 0.5 * r_py].into_iter().enumerate() {
                        h[p][p] += reg;
                    }
                }
                h
            })
            .collect();
        let mut x = vec![[0.0f32; 3]; m];
        let max_sweeps = if active.len() <= 1 { 1 } else { MAX_SWEEPS };
        let mut sweeps = 0;
        for _ in 0..max_sweeps {
            sweeps += 1;
            let mut change = 0.0f32;
            for (ki, &i) in active.iter().enumerate() {
                let h = blocks[ki * n + ki];
                let mut g = rhs[i];
                for (kj, &j) in active.iter().enumerate().filter(|&(kj, _)| kj != ki) {
                    let bij = &blocks[ki * n + kj];
                    for (p, gp) in g.iter_mut().enumerate() {
                        *gp -= (0..3).map(|q| bij[p][q] * x[j][q]).sum::<f32>();
                    }
                }
                let new = nonnegative_block(h, g);
                for p in 0..3 {
                    change = change.max((new[p] - x[i][p]).abs());
                }
                x[i] = new;
            }
            let scale = x.iter().map(|v| v[0] + v[1] + v[2]).fold(0.0f32, f32::max);
            if change <= SWEEP_TOLERANCE * scale {
                break;
            }
        }
        let f = x
            .iter()
            .map(|v| [v[0] + v[1] + v[2], mu * (v[0] - v[1])])
            .collect();
        (f, sweeps)
    }
}

/// argmin of ½ xᵀ h x − gᵀ x over x ≥ 0 (h symmetric positive definite, 3 × 3): the least
/// objective among the non-negative stationary points of the 8 active sets.
fn nonnegative_block(h: [[f32; 3]; 3], g: [f32; 3]) -> [f32; 3] {
    let mut best = ([0.0f32; 3], 0.0f32);
    for set in 1u8..8 {
        let on = |k: usize| set & (1 << k) != 0;
        // The active set's system, padded with identity rows for the inactive forces (x = 0).
        let hs = Matrix3::from_fn(|a, b| {
            if on(a) && on(b) {
                h[a][b]
            } else if a == b {
                1.0
            } else {
                0.0
            }
        });
        let gs = Vector3::from_fn(|a, _| if on(a) { g[a] } else { 0.0 });
        let Some(sol) = hs.lu().solve(&gs) else {
            continue;
        };
        if sol.iter().any(|&v| v < 0.0) {
            continue;
        }
        let xv = [sol[0], sol[1], sol[2]];
        let value = 0.5
            * (0..3)
                .map(|p| xv[p] * (0..3).map(|q| h[p][q] * xv[q]).sum::<f32>())
                .sum::<f32>()
            - (0..3).map(|p| g[p] * xv[p]).sum::<f32>();
        if value < best.1 {
            best = (xv, value);
        }
    }
    best.0
}
