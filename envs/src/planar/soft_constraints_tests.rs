//! `[ENV:Eq.soft-constraints]` on cheetah-run's chain: the step's contacts and limits are the
//! joint program's minimiser, and each alone is its component law.

use proptest::prelude::*;
use rapier3d::na::DMatrix;

use super::{LimitRow, SoftForces, solve_soft_constraints};
use crate::planar::{Chain, SmoothDynamics, free_acceleration, free_motion};
use crate::tasks::cheetah::CheetahRun;

/// The chain's soft constraints in its current state, solved on a copy of its world, with the
/// limit rows, applied forces, M⁻¹ and a₀ (f32) the solve used.
struct Problem {
    forces: SoftForces,
    limits: Vec<LimitRow>,
    contacts: Vec<(usize, f32, rapier3d::prelude::Vector)>,
    /// (n, t) Jacobian rows of each contact, one entry per DoF.
    rows: Vec<(Vec<f32>, Vec<f32>)>,
    inv: DMatrix<f32>,
    a0: Vec<f32>,
    qvel: Vec<f32>,
}

fn problem(chain: &Chain) -> Problem {
    let mut w = chain.world().clone();
    let (mb, _) = w
        .multibody_joints
        .get_mut(chain.multibody_handle())
        .expect("multibody");
    let tau = chain.applied_forces();
    let limits = chain.limit_rows();
    let ground = chain.soft_ground().expect("cheetah has a soft ground");
    mb.forward_kinematics(&w.bodies, false);
    let contacts = ground.touching(&w.bodies);
    let dynamics = SmoothDynamics::new(mb, &w.bodies, w.gravity, &tau);
    let forces = solve_soft_constraints(mb, &w.bodies, &dynamics, Some(ground), &contacts, &limits);
    let rows = contacts
        .iter()
        .map(|&(k, _, p)| ground.contact_rows(mb, &w.bodies, k, p))
        .collect();
    let (a0, inv) = free_motion(mb, &w.bodies, w.gravity, &tau).expect("mass matrix");
    Problem {
        forces,
        limits,
        contacts,
        rows,
        inv,
        a0: a0.iter().copied().collect(),
        qvel: mb.generalized_velocity().iter().copied().collect(),
    }
}

/// P's minimiser by projected gradient descent in f64 (step 1/L, L = ‖H‖_F ≥ λ_max), with P
/// assembled the other way round from the solve: the contacts' (n, t) Delassus matrix A, the
/// edge map E = [[1, μ], [1, −μ], [1, 0]] (Eₑ A Eₑᵀ), and the limits' ±1 rows. Returns each
/// contact's (fₙ, fₜ) and each limit's generalized force.
fn reference(chain: &Chain, p: &Problem) -> (Vec<[f64; 2]>, Vec<f64>) {
    let g = chain.soft_ground().expect("soft ground");
    let mu = f64::from(g.law.friction);
    let (m, l, n) = (p.contacts.len(), p.limits.len(), p.a0.len());
    // Generalized rows of the (n, t) pairs and of the limits, in f64.
    let mut jac: Vec<Vec<f64>> = Vec::new();
    for (jn, jt) in &p.rows {
        jac.push(jn.iter().map(|&x| f64::from(x)).collect());
        jac.push(jt.iter().map(|&x| f64::from(x)).collect());
    }
    for row in &p.limits {
        let mut r = vec![0.0; n];
        r[row.dof] = f64::from(row.sign);
        jac.push(r);
    }
    let inv = |a: usize, b: usize| f64::from(p.inv[(a, b)]);
    let dot_inv = |x: &[f64], y: &[f64]| -> f64 {
        (0..n)
            .map(|a| (0..n).map(|b| x[a] * inv(a, b) * y[b]).sum::<f64>())
            .sum()
    };
    let dot = |x: &[f64], y: &[f32]| (0..n).map(|a| x[a] * f64::from(y[a])).sum::<f64>();
    // Edge space: 3 per contact (E applied to its (n, t) pair), 1 per limit.
    let e = [[1.0, mu], [1.0, -mu], [1.0, 0.0]];
    let map = |row: usize| -> Vec<(usize, f64)> {
        if row < 3 * m {
            let (c, k) = (row / 3, row % 3);
            vec![(2 * c, e[k][0]), (2 * c + 1, e[k][1])]
        } else {
            vec![(2 * m + row - 3 * m, 1.0)]
        }
    };
    let size = 3 * m + l;
    let mut h = vec![vec![0.0f64; size]; size];
    let mut rhs = vec![0.0f64; size];
    for r in 0..size {
        for c in 0..size {
            for &(a, wa) in &map(r) {
                for &(b, wb) in &map(c) {
                    h[r][c] += wa * wb * dot_inv(&jac[a], &jac[b]);
                }
            }
        }
        let (v, acc): (f64, f64) = map(r)
            .iter()
            .map(|&(a, wa)| (wa * dot(&jac[a], &p.qvel), wa * dot(&jac[a], &p.a0)))
            .fold((0.0, 0.0), |s, x| (s.0 + x.0, s.1 + x.1));
        let (law, dist, reg) = if r < 3 * m {
            let (k, dist, _) = p.contacts[r / 3];
            let r_py = f64::from(g.law.pyramid_regulariser(dist, g.inv_weight[k]));
            (g.law.law, dist, if r % 3 == 2 { 0.5 * r_py } else { r_py })
        } else {
            let row = &p.limits[r - 3 * m];
            let reg = f64::from(row.limit.regulariser(row.dist, row.inv_weight0));
            (row.limit, row.dist, reg)
        };
        h[r][r] += reg;
        rhs[r] = f64::from(law.reference_acceleration(dist, dist, v as f32)) - acc;
    }
    let lip = h.iter().flatten().map(|x| x * x).sum::<f64>().sqrt();
    let mut x = vec![0.0f64; size];
    for _ in 0..100_000 {
        for k in 0..size {
            let grad = (0..size).map(|j| h[k][j] * x[j]).sum::<f64>() - rhs[k];
            x[k] = (x[k] - grad / lip).max(0.0);
        }
    }
    let contact = (0..m)
        .map(|c| {
            let v = &x[3 * c..3 * c + 3];
            [v[0] + v[1] + v[2], mu * (v[0] - v[1])]
        })
        .collect();
    let limit = (0..l)
        .map(|i| f64::from(p.limits[i].sign) * x[3 * m + i])
        .collect();
    (contact, limit)
}

/// A cheetah low over the ground (rootz −0.25…0 m, pitch ±0.3 rad) with its front thigh
/// 0.6°–11° past its 0.4° upper stop, the other hinges ±0.3 rad (inside their ranges), random
/// rates and controls.
fn cheetah_state() -> impl Strategy<Value = (Vec<f32>, Vec<f32>, Vec<f32>)> {
    (
        (-0.25f32..0.0, -0.3f32..0.3, 0.01f32..0.2),
        prop::collection::vec(-0.3f32..0.3, 5),
        prop::collection::vec(-2.0f32..2.0, 9),
        prop::collection::vec(-1.0f32..1.0, 6),
    )
        .prop_map(|((z, pitch, fthigh), hinges, qvel, ctrl)| {
            let mut qpos = vec![0.0, z, pitch];
            qpos.extend_from_slice(&hinges[..3]);
            qpos.push(fthigh);
            qpos.extend_from_slice(&hinges[3..]);
            (qpos, qvel, ctrl)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The forces a cheetah step applies are P's minimiser (`proofs/env-soft-constraints.md`)
    /// for states with feet in the ground and a joint past its stop. Tolerance: 2 % of the
    /// largest force plus 1e-3 N, as for the contacts alone
    /// (`env_eq_pyramidal_contact_minimises_the_pyramid_program`): the f32 block Gauss–Seidel
    /// stops when no force changes by more than 10⁻⁶ of the largest, which leaves an error of up
    /// to that times the program's condition number (10³–10⁴ here, H's regularisers against
    /// its largest eigenvalue), and f32 round-off of H is below that.
    #[test]
    fn env_eq_soft_constraints_minimise_the_joint_program((qpos, qvel, ctrl) in cheetah_state()) {
        let mut cheetah = CheetahRun::new();
        let chain = cheetah.chain_mut();
        chain.set_state(&qpos, &qvel);
        chain.set_ctrl(&ctrl);
        let p = problem(chain);
        prop_assume!(!p.contacts.is_empty() && !p.limits.is_empty());
        let sweeps = p.forces.touches.first().map_or(1, |t| t.1.sweeps);
        prop_assume!(sweeps < crate::planar::MAX_SWEEPS);
        let (contact, limit) = reference(chain, &p);
        let scale = contact
            .iter()
            .map(|f| f[0])
            .chain(limit.iter().map(|f| f.abs()))
            .fold(0.0f64, f64::max);
        let tol = 0.02 * scale + 1e-3;
        for ((_, t), r) in p.forces.touches.iter().zip(&contact) {
            for k in 0..2 {
                prop_assert!((f64::from(t.force[k]) - r[k]).abs() <= tol,
                    "contact {:?} vs {:?} (tolerance {tol})", t.force, r);
            }
        }
        for (&(_, f), r) in p.forces.limits.iter().zip(&limit) {
            prop_assert!((f64::from(f) - r).abs() <= tol, "limit {f} vs {r} (tolerance {tol})");
        }
    }

    /// With nothing touching the ground and one joint past its stop, the step's limit force is
    /// [`crate::planar::SoftLimit::generalized_force`] from the same a₀ and diag(M⁻¹): the joint
    /// program's one-row block is that law (the same f32 operations, to 1e-6 relative).
    #[test]
    fn env_eq_soft_constraints_alone_are_the_component_laws((qpos, qvel, ctrl) in cheetah_state()) {
        let mut qpos = qpos;
        qpos[1] += 3.0;
        let mut cheetah = CheetahRun::new();
        let chain = cheetah.chain_mut();
        chain.set_state(&qpos, &qvel);
        chain.set_ctrl(&ctrl);
        let p = problem(chain);
        prop_assert!(p.contacts.is_empty());
        prop_assert_eq!(p.limits.len(), 1);
        let row = p.limits[0];
        let w = chain.world();
        let (mb, _) = w.multibody_joints.get(chain.multibody_handle()).expect("multibody");
        let (a0, diag) = free_acceleration(mb, &w.bodies, w.gravity, &chain.applied_forces())
            .expect("mass matrix");
        let range = [-57f32.to_radians(), 0.4f32.to_radians()];
        let expected = row.limit.generalized_force(
            range, qpos[row.dof], qvel[row.dof], a0[row.dof], diag[row.dof], row.inv_weight0,
        );
        let got = p.forces.limits[0].1;
        prop_assert!((got - expected).abs() <= 1e-6 * expected.abs().max(1e-3),
            "{got} vs {expected}");
    }
}
