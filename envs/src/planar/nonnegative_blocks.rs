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
    // The iterate in f64: in f32 the sweeps of coupled cheetah contacts fell into a round-off
    // 2-cycle at 1.3e-6 of the force, above the tolerance.
    let h = |p: usize, q: usize| f64::from(h[(p, q)]);
    let mut x = vec![0.0f64; n];
    let max_sweeps = if blocks.len() <= 1 { 1 } else { MAX_SWEEPS };
    let mut sweeps = 0;
    for _ in 0..max_sweeps {
        sweeps += 1;
        let mut change = 0.0f64;
        for (bi, b) in blocks.iter().enumerate() {
            let mut gb: [f64; 3] = std::array::from_fn(|p| {
                if p < b.len {
                    g[b.start + p].into()
                } else {
                    0.0
                }
            });
            for (bj, c) in blocks.iter().enumerate() {
                if bj == bi {
                    continue;
                }
                for (p, gp) in gb[..b.len].iter_mut().enumerate() {
                    *gp -= (0..c.len)
                        .map(|q| h(b.start + p, c.start + q) * x[c.start + q])
                        .sum::<f64>();
                }
            }
            let new = match b.len {
                1 => [(gb[0] / h(b.start, b.start)).max(0.0), 0.0, 0.0],
                3 => nonnegative_block(
                    std::array::from_fn(|p| std::array::from_fn(|q| h(b.start + p, b.start + q))),
                    gb,
                ),
                len => panic!("a block has 1 or 3 rows, not {len}"),
            };
            let old = &x[b.start..b.start + b.len];
            change = change.max(match b.len {
                1 => (new[0] - old[0]).abs(),
                _ => {
                    let d: [f64; 3] = std::array::from_fn(|p| new[p] - old[p]);
                    (d[0] + d[1] + d[2]).abs().max((d[0] - d[1]).abs())
                }
            });
            x[b.start..b.start + b.len].copy_from_slice(&new[..b.len]);
        }
        let scale = blocks
            .iter()
            .map(|b| x[b.start..b.start + b.len].iter().sum::<f64>())
            .fold(0.0f64, f64::max);
        if change <= f64::from(SWEEP_TOLERANCE) * scale {
            break;
        }
    }
    (x.iter().map(|&v| v as f32).collect(), sweeps)
}

/// The non-empty active sets of a three-row block, ascending within each.
const ACTIVE_SETS: [&[usize]; 7] = [&[0], &[1], &[0, 1], &[2], &[0, 2], &[1, 2], &[0, 1, 2]];

/// argmin of ½ xᵀ h x − gᵀ x over x ≥ 0 (h symmetric positive definite, 3 × 3): the least
/// objective among the non-negative stationary points of the 8 active sets.
fn nonnegative_block(h: [[f64; 3]; 3], g: [f64; 3]) -> [f64; 3] {
    let mut best = ([0.0f64; 3], 0.0f64);
    for active in ACTIVE_SETS {
        let Some(sol) = stationary_point(&h, &g, active) else {
            continue;
        };
        if sol.iter().any(|&v| v < 0.0) {
            continue;
        }
        let mut xv = [0.0f64; 3];
        for (&k, &v) in active.iter().zip(&sol) {
            xv[k] = v;
        }
        let value = 0.5
            * (0..3)
                .map(|p| xv[p] * (0..3).map(|q| h[p][q] * xv[q]).sum::<f64>())
                .sum::<f64>()
            - (0..3).map(|p| g[p] * xv[p]).sum::<f64>();
        if value < best.1 {
            best = (xv, value);
        }
    }
    best.0
}

/// The solution of h_AA x = g_A on the active rows A (1 to 3 of them, ascending), in its first
/// |A| entries, by Cramer's rule; `None` if h_AA is singular.
fn stationary_point(h: &[[f64; 3]; 3], g: &[f64; 3], active: &[usize]) -> Option<[f64; 3]> {
    let sol = match *active {
        [a] => [g[a] / h[a][a], 0.0, 0.0],
        [a, b] => {
            let det = h[a][a] * h[b][b] - h[a][b] * h[b][a];
            [
                (g[a] * h[b][b] - h[a][b] * g[b]) / det,
                (h[a][a] * g[b] - g[a] * h[b][a]) / det,
                0.0,
            ]
        }
        _ => {
            let x = Matrix3::from_fn(|p, q| h[p][q]).try_inverse()? * Vector3::from(*g);
            [x[0], x[1], x[2]]
        }
    };
    sol.iter().all(|v| v.is_finite()).then_some(sol)
}
