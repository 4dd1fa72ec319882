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
//! One contact's 3 × 3 block is solved exactly and contacts are coupled by block Gauss–Seidel
//! ([`super::nonnegative_blocks`]), which converges for the strictly convex program. A chain's
//! step solves these rows together with its soft limits ([`super::soft_constraints`]).

use rapier3d::na::DMatrix;

use super::nonnegative_blocks::{Block, solve_nonnegative_blocks};
use super::soft_contact::check_shapes;
use super::{ContactPoint, SoftContact};

impl SoftContact {
    /// The regulariser R_py = 2 μ² (1 − d)/d (1 + μ²) w of every edge row of a contact at
    /// depth `r` whose bodies' `body_invweight0` sum is `inv_weight` (MuJoCo's `efc_R`).
    pub fn pyramid_regulariser(&self, r: f32, inv_weight: f32) -> f32 {
        let mu = self.friction;
        2.0 * mu * mu * self.law.regulariser(r, (1.0 + mu * mu) * inv_weight)
    }

    /// The edge rows (n + μt, n − μt, n) as (n, t) coefficients.
    pub fn pyramid_edges(&self) -> [[f32; 2]; 3] {
        let mu = self.friction;
        [[1.0, mu], [1.0, -mu], [1.0, 0.0]]
    }

    /// The regularisers of a contact's three edge rows, (R_py, R_py, R_py/2) (the last row
    /// carries two of MuJoCo's four edges; see the module).
    pub fn pyramid_regularisers(&self, r: f32, inv_weight: f32) -> [f32; 3] {
        let r_py = self.pyramid_regulariser(r, inv_weight);
        [r_py, r_py, 0.5 * r_py]
    }

    /// The contact force `[fₙ, fₜ]` = (x₁ + x₂ + x₃, μ (x₁ − x₂)) of edge forces `x` (three).
    pub fn pyramid_force(&self, x: &[f32]) -> [f32; 2] {
        [x[0] + x[1] + x[2], self.friction * (x[0] - x[1])]
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
        let e = self.pyramid_edges();
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
        // The active contacts' edge program: the (i, j) edge block E B_ij Eᵀ, regularised on
        // the diagonal.
        let n = active.len();
        let mut h = DMatrix::<f32>::zeros(3 * n, 3 * n);
        for (ki, &i) in active.iter().enumerate() {
            for (kj, &j) in active.iter().enumerate() {
                let b = block(i, j);
                for p in 0..3 {
                    for q in 0..3 {
                        h[(3 * ki + p, 3 * kj + q)] = b[p][q];
                    }
                }
            }
            let regs = self.pyramid_regularisers(contacts[i].dist, inv_weights[i]);
            for (p, reg) in regs.into_iter().enumerate() {
                h[(3 * ki + p, 3 * ki + p)] += reg;
            }
        }
        let g: Vec<f32> = active.iter().flat_map(|&i| rhs[i]).collect();
        let blocks: Vec<Block> = (0..n)
            .map(|k| Block {
                start: 3 * k,
                len: 3,
            })
            .collect();
        let (x, sweeps) = solve_nonnegative_blocks(&h, &g, &blocks);
        let mut f = vec![[0.0f32; 2]; m];
        for (k, &i) in active.iter().enumerate() {
            f[i] = self.pyramid_force(&x[3 * k..3 * k + 3]);
        }
        (f, sweeps)
    }
}
