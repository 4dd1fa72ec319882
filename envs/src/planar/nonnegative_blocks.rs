//! [`solve_nonnegative_blocks`]: block Gauss–Seidel for the program every soft constraint of a
//! planar step reduces to,
//!
//! ```text
//!   min_x ½ xᵀ H x − gᵀ x   subject to   x ≥ 0,   H = Jₑ M⁻¹ Jₑᵀ + diag(R) ≻ 0,
//! ```
//!
//! over blocks of one row (a soft joint limit) or three (a pyramidal contact's edges,
//! [`super::SoftContact::solve_pyramidal`]). Each block is solved exactly with the others
//! held: a one-row block is the clamp max(0, g/h); a three-row block is the least objective
//! among the non-negative stationary points of its 8 active sets (the minimiser of a strictly
//! convex program is the stationary point of its own active set, and any other feasible
//! point's objective is larger). Exact block updates decrease the strictly convex objective
//! and converge to its unique minimiser (proof: `proofs/env-pyramidal-contact.md`,
//! `proofs/env-soft-constraints.md`).

use rapier3d::na::{DMatrix, Matrix3, Vector3};

use super::soft_contact::{MAX_SWEEPS, SWEEP_TOLERANCE};

/// A block of consecutive rows: its first row and its size (1 or 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Block {
    pub(crate) start: usize,
    pub(crate) len: usize,
}

/// The minimiser x ≥ 0 of ½ xᵀ H x − gᵀ x by block Gauss–Seidel over `blocks` (which
/// partition the rows, each of size 1 or 3), and the sweeps taken: one when there is a single
/// block (solved exactly), else until no block's force changes by more than
/// [`SWEEP_TOLERANCE`] of the largest block sum, at most [`MAX_SWEEPS`]. A block's force is its
/// x for one row; for a pyramid's three it is (x₀ + x₁ + x₂, x₀ − x₁), the contact's fₙ and
/// fₜ/μ: x moves along (1, 1, −2) without changing the force (rows n ± μt and n are dependent,
/// and only the small regulariser fixes x there), and measured on x the sweeps of coupled cheetah
/// contacts and limits did not settle in 5000 (in 33 on the forces).
///
/// # Panics
/// If a block has another size, or `h` is not square with `g`'s length.
#[track_caller]
pub(crate) fn solve_nonnegative_blocks(
    h: &DMatrix<f32>,
    g: &[f32],
    blocks: &[Block],
) -> (Vec<f32>, usize) {
    let n = g.len();
    assert_eq!(h.shape(), (n, n), "Hessian of {n} rows");
    let mut x = vec![0.0f32; n];
    let max_sweeps = if blocks.len() <= 1 { 1 } else { MAX_SWEEPS };
    let mut sweeps = 0;
    for _ in 0..max_sweeps {
        sweeps += 1;
        let mut change = 0.0f32;
        for (bi, b) in blocks.iter().enumerate() {
            let mut gb = [0.0f32; 3];
            gb[..b.len].copy_from_slice(&g[b.start..b.start + b.len]);
            for (bj, c) in blocks.iter().enumerate() {
                if bj == bi {
                    continue;
                }
                for (p, gp) in gb[..b.len].iter_mut().enumerate() {
                    *gp -= (0..c.len)
                        .map(|q| h[(b.start + p, c.start + q)] * x[c.start + q])
                        .sum::<f32>();
                }
            }
            let new = match b.len {
                1 => [(gb[0] / h[(b.start, b.start)]).max(0.0), 0.0, 0.0],
                3 => nonnegative_block(
                    std::array::from_fn(|p| std::array::from_fn(|q| h[(b.start + p, b.start + q)])),
                    gb,
                ),
                len => panic!("a block has 1 or 3 rows, not {len}"),
            };
            let old = &x[b.start..b.start + b.len];
            change = change.max(match b.len {
                1 => (new[0] - old[0]).abs(),
                _ => {
                    let d: [f32; 3] = std::array::from_fn(|p| new[p] - old[p]);
                    (d[0] + d[1] + d[2]).abs().max((d[0] - d[1]).abs())
                }
            });
            x[b.start..b.start + b.len].copy_from_slice(&new[..b.len]);
        }
        let scale = blocks
            .iter()
            .map(|b| x[b.start..b.start + b.len].iter().sum::<f32>())
            .fold(0.0f32, f32::max);
        if change <= SWEEP_TOLERANCE * scale {
            break;
        }
    }
    (x, sweeps)
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
