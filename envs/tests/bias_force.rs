//! MuJoCo's `qfrc_bias` of a planar chain (`[ENV:Eq.bias-force]`, `planar::bias_force`): the
//! velocity-product and gravity forces b(q, q̇) of M q̈ = τ − D q̇ − b, against the two-link
//! pendulum's textbook formula and against Lagrange's equations by finite differences on the
//! cheetah, walker and cartpole chains.

use proptest::prelude::*;
use rapier3d::na::DMatrix;
use rapier3d::prelude::{Multibody, Vector};
use rfm_envs::planar::{
    Chain, ChainBuilder, DofParams, Geom, Joint, Shape, bias_force, mass_matrix,
};
use rfm_envs::tasks::cartpole::CartpoleSwingup;
use rfm_envs::tasks::cheetah::CheetahRun;
use rfm_envs::tasks::walker::Walker;
use rfm_envs::world::GRAVITY;

/// The chain's one multibody.
fn multibody(chain: &Chain) -> &Multibody {
    chain
        .world()
        .multibody_joints
        .multibodies()
        .next()
        .expect("a multibody")
}

fn bias(chain: &Chain, gravity: Vector) -> Vec<f64> {
    let mut b = vec![0.0f32; chain.ndofs()];
    bias_force(multibody(chain), &chain.world().bodies, gravity, &mut b);
    b.into_iter().map(f64::from).collect()
}

/// A two-link pendulum hanging from the origin along −z, hinges about +y: link i a capsule of
/// mass mᵢ from its hinge to 0.0 (length lᵢ, centre of mass at lᵢ/2), the second hinge at the
/// first link's end.
fn double_pendulum(m: [f32; 2], l: [f32; 2]) -> Chain {
    let mut b = ChainBuilder::new(0.01);
    let link = |mass: f32, len: f32| Geom {
        shape: Shape::Capsule {
            a: Vector::ZERO,
            b: Vector::new(0.0, 0.0, -len),
            radius: 0.02,
        },
        mass,
        friction: None,
    };
    let hinge = Joint::Hinge(DofParams::new(Vector::Y));
    let upper = b.body(None, Vector::ZERO, hinge, &[link(m[0], l[0])]);
    b.body(
        Some(upper),
        Vector::new(0.0, 0.0, -l[0]),
        hinge,
        &[link(m[1], l[1])],
    );
    b.build()
}

proptest! {
    /// The textbook two-link arm (Spong, Hutchinson & Vidyasagar, *Robot Modeling and
    /// Control*, §7.4.2) with centres of mass at l_c,i = lᵢ/2: with h = m₂ l₁ l_c2 sin q₂,
    ///
    /// ```text
    ///   C q̇ = (−h (2 q̇₁ q̇₂ + q̇₂²),  h q̇₁²),
    ///   G = g ((m₁ l_c1 + m₂ l₁) sin q₁ + m₂ l_c2 sin(q₁ + q₂),  m₂ l_c2 sin(q₁ + q₂))
    /// ```
    ///
    /// (angles from the downward vertical, positive about +y: a point at distance ℓ along the
    /// link is at x = −ℓ sin q, z = −ℓ cos q). Neither term involves the links' own inertias.
    /// Tolerance: every term is a sum of a few f32 products of size ≤ S = max(m₂ l₁ l_c2 |q̇|²,
    /// Σ m l g); rapier's forward kinematics rounds poses to f32 too, so 1e-5 S covers the
    /// ~10 roundings of 6e-8 each with a margin of ten.
    #[test]
    fn env_eq_bias_force_of_a_double_pendulum_is_the_textbook_formula(
        m1 in 0.1f32..3.0, m2 in 0.1f32..3.0, l1 in 0.1f32..1.0, l2 in 0.1f32..1.0,
        q1 in -3.1f32..3.1, q2 in -3.1f32..3.1, v1 in -10.0f32..10.0, v2 in -10.0f32..10.0,
    ) {
        let mut chain = double_pendulum([m1, m2], [l1, l2]);
        chain.set_state(&[q1, q2], &[v1, v2]);
        let (m1, m2, l1, l2) = (f64::from(m1), f64::from(m2), f64::from(l1), f64::from(l2));
        let (q1, q2, v1, v2) = (f64::from(q1), f64::from(q2), f64::from(v1), f64::from(v2));
        let (lc1, lc2, g) = (l1 / 2.0, l2 / 2.0, f64::from(GRAVITY));
        let h = m2 * l1 * lc2 * q2.sin();
        let coriolis = [-h * (2.0 * v1 * v2 + v2 * v2), h * v1 * v1];
        let weight = [
            g * ((m1 * lc1 + m2 * l1) * q1.sin() + m2 * lc2 * (q1 + q2).sin()),
            g * m2 * lc2 * (q1 + q2).sin(),
        ];
        let scale = (m2 * l1 * lc2 * (v1.abs() + v2.abs()).powi(2)).max((m1 + m2) * (l1 + l2) * g);
        let no_gravity = bias(&chain, Vector::ZERO);
        let with_gravity = bias(&chain, chain.world().gravity);
        for i in 0..2 {
            prop_assert!((no_gravity[i] - coriolis[i]).abs() <= 1e-5 * scale,
                "C q̇ [{i}]: {} vs {}", no_gravity[i], coriolis[i]);
            prop_assert!((with_gravity[i] - coriolis[i] - weight[i]).abs() <= 1e-5 * scale,
                "b [{i}]: {} vs {}", with_gravity[i], coriolis[i] + weight[i]);
        }
    }
}

/// An arm swinging about +y from the origin (a capsule of mass m_a along −z, length l_a) and a
/// bead (a sphere of mass m_b) sliding along it, at distance r = r₀ + q₂ from the hinge.
fn bead_on_an_arm(m_a: f32, l_a: f32, m_b: f32, r0: f32) -> Chain {
    let mut b = ChainBuilder::new(0.01);
    let arm = b.body(
        None,
        Vector::ZERO,
        Joint::Hinge(DofParams::new(Vector::Y)),
        &[Geom {
            shape: Shape::Capsule {
                a: Vector::ZERO,
                b: Vector::new(0.0, 0.0, -l_a),
                radius: 0.02,
            },
            mass: m_a,
            friction: None,
        }],
    );
    b.body(
        Some(arm),
        Vector::new(0.0, 0.0, -r0),
        Joint::Slide(DofParams::new(-Vector::Z)),
        &[Geom {
            shape: Shape::Sphere {
                center: Vector::ZERO,
                radius: 0.03,
            },
            mass: m_b,
            friction: None,
        }],
    );
    b.build()
}

proptest! {
    /// A slide on a rotating link: with L = ½ (I_a + I_b + m_b r²) θ̇² + ½ m_b ṙ² + g (m_a l_a/2
    /// + m_b r) cos θ (θ from the downward vertical), Lagrange's equations give
    ///
    /// ```text
    ///   C q̇ = (2 m_b r ṙ θ̇,  −m_b r θ̇²),   G = (g (m_a l_a/2 + m_b r) sin θ,  −g m_b cos θ):
    /// ```
    ///
    /// the Coriolis force 2 ω × u of a slide whose parent turns, which the suite's chains do
    /// not have (their slides hang from the fixed world). Tolerance as for the pendulum:
    /// 1e-5 of S = max(m_b r θ̇ (2|ṙ| + r|θ̇|), g (m_a l_a + m_b r)).
    #[test]
    fn env_eq_bias_force_of_a_bead_sliding_on_a_swinging_arm_is_the_textbook_formula(
        m_a in 0.1f32..3.0, l_a in 0.1f32..1.0, m_b in 0.1f32..3.0, r0 in 0.1f32..1.0,
        q1 in -3.1f32..3.1, q2 in -0.09f32..0.5, v1 in -10.0f32..10.0, v2 in -10.0f32..10.0,
    ) {
        let mut chain = bead_on_an_arm(m_a, l_a, m_b, r0);
        chain.set_state(&[q1, q2], &[v1, v2]);
        let (m_a, l_a, m_b) = (f64::from(m_a), f64::from(l_a), f64::from(m_b));
        let r = f64::from(r0) + f64::from(q2);
        let (th, w, rd, g) = (f64::from(q1), f64::from(v1), f64::from(v2), f64::from(GRAVITY));
        let coriolis = [2.0 * m_b * r * rd * w, -m_b * r * w * w];
        let weight = [g * (m_a * l_a / 2.0 + m_b * r) * th.sin(), -g * m_b * th.cos()];
        let scale = (m_b * r * w.abs() * (2.0 * rd.abs() + r * w.abs())).max(g * (m_a * l_a + m_b * r));
        let no_gravity = bias(&chain, Vector::ZERO);
        let with_gravity = bias(&chain, chain.world().gravity);
        for i in 0..2 {
            prop_assert!((no_gravity[i] - coriolis[i]).abs() <= 1e-5 * scale,
                "C q̇ [{i}]: {} vs {}", no_gravity[i], coriolis[i]);
            prop_assert!((with_gravity[i] - coriolis[i] - weight[i]).abs() <= 1e-5 * scale,
                "b [{i}]: {} vs {}", with_gravity[i], coriolis[i] + weight[i]);
        }
    }
}

fn mass(chain: &Chain) -> DMatrix<f64> {
    mass_matrix(multibody(chain), &chain.world().bodies).cast::<f64>()
}

/// Gravitational potential V = −Σₖ mₖ g·cₖ of the chain's pose, J.
fn potential(chain: &Chain) -> f64 {
    let (w, g) = (chain.world(), chain.world().gravity);
    multibody(chain)
        .links()
        .map(|l| {
            let rb = &w.bodies[l.rigid_body_handle()];
            -f64::from(rb.mass()) * f64::from(g.dot(rb.center_of_mass()))
        })
        .sum()
}

/// Step (rad or m) of the central differences: truncation (H²/6)·|M'''| ≈ 1.7e-5 |M| against
/// f32 round-off ≈ u |M| / H ≈ 6e-6 |M| (u = 6e-8), near the best H = (3u)^⅓ ≈ 6e-3.
const H: f64 = 1e-2;

/// b(q, q̇) from Lagrange's equations with L = ½ q̇ᵀ M(q) q̇ − V(q):
/// b = Ṁ q̇ − ∂T/∂q + ∂V/∂q, with Ṁ = dM/dt along q(t) = q + t q̇ and the partial derivatives
/// by central differences of `mass_matrix` and the bodies' centres of mass (rounded to f32
/// poses: the steps actually taken are used). Also returns the scale
/// S = max|M| ‖q̇‖₁² + Σ m g · 1 m of the terms.
fn lagrange_bias(chain: &mut Chain, q: &[f32], v: &[f32]) -> (Vec<f64>, f64) {
    let n = q.len();
    let vd: Vec<f64> = v.iter().map(|&x| f64::from(x)).collect();
    let vv = rapier3d::na::DVector::from_column_slice(&vd);
    let at = |chain: &mut Chain, dq: &dyn Fn(usize) -> f64| -> (Vec<f32>, DMatrix<f64>, f64) {
        let qs: Vec<f32> = (0..n).map(|i| (f64::from(q[i]) + dq(i)) as f32).collect();
        chain.set_state(&qs, v);
        (qs, mass(chain), potential(chain))
    };
    let vmax = vd.iter().fold(0.0f64, |a, x| a.max(x.abs()));
    let ht = if vmax > 0.0 { H / vmax } else { 0.0 };
    let (qp, mp, _) = at(chain, &|i| ht * vd[i]);
    let (qm, mm, _) = at(chain, &|i| -ht * vd[i]);
    let mut b = vec![0.0; n];
    if vmax > 0.0 {
        // The step taken along q̇, in time: the largest coordinate's rounded difference.
        let k = (0..n)
            .max_by(|&a, &c| vd[a].abs().total_cmp(&vd[c].abs()))
            .unwrap();
        let dt = (f64::from(qp[k]) - f64::from(qm[k])) / vd[k];
        let mdot_v = (&mp - &mm) * &vv / dt;
        b.copy_from_slice(mdot_v.as_slice());
    }
    for i in 0..n {
        let e = |s: f64| move |j: usize| if j == i { s * H } else { 0.0 };
        let (qp, mp, vp) = at(chain, &e(1.0));
        let (qm, mm, vm) = at(chain, &e(-1.0));
        let step = f64::from(qp[i]) - f64::from(qm[i]);
        let dt_dq = 0.5 * vv.dot(&((&mp - &mm) * &vv)) / step;
        b[i] += -dt_dq + (vp - vm) / step;
    }
    chain.set_state(q, v);
    let m = mass(chain);
    let mmax = m.iter().fold(0.0f64, |a, x| a.max(x.abs()));
    let v1: f64 = vd.iter().map(|x| x.abs()).sum();
    let weight: f64 = multibody(chain)
        .links()
        .map(|l| f64::from(chain.world().bodies[l.rigid_body_handle()].mass()))
        .sum::<f64>()
        * f64::from(GRAVITY);
    (b, mmax * v1 * v1 + weight)
}

/// Runs `f` on chain `which`: cheetah and walker (planar root and six hinges), cartpole (a
/// slide and a hinge).
fn with_chain<T>(which: usize, f: impl FnOnce(&str, &mut Chain) -> T) -> T {
    match which {
        0 => f("cheetah", CheetahRun::new().chain_mut()),
        1 => f("walker", Walker::walk().chain_mut()),
        _ => f("cartpole", CartpoleSwingup::new().chain_mut()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Lagrange's equations by central differences (`lagrange_bias`) give the same b(q, q̇) as
    /// the recursive pass. Coordinates: root x, z (m) in [−1, 1], every angle in [−π, π],
    /// velocities in [−10, 10] (m/s, rad/s). Tolerance 2e-5 S (S = max|M| ‖q̇‖₁² + Σ m g · 1 m):
    /// the differences' round-off, at most ≈ 2 u max|M| ‖q̇‖₁² / (2H) = 6e-6 S with every entry
    /// of M off by u = 6e-8 (relative) in the worst direction, plus their truncation,
    /// (H²/6)·|M'''| ‖q̇‖₁² ≤ 1.7e-5 · (4/14) S ≈ 5e-6 S (the angle-dependent entries of M are
    /// sums of m·ℓ·ℓ'·cos terms, ≤ 4 kg·m² against max|M| = 14 kg for the cheetah, and so are
    /// their derivatives), with a margin of two. The Coriolis and centrifugal forces alone are
    /// 3e-4–1e-2 S on these draws, so leaving them out, or a wrong factor in them, fails.
    #[test]
    fn env_eq_bias_force_satisfies_lagranges_equations_on_the_suites_chains(
        which in 0usize..3,
        q in prop::collection::vec(-std::f32::consts::PI..std::f32::consts::PI, 9),
        v in prop::collection::vec(-10.0f32..10.0, 9),
    ) {
        with_chain(which, |name, chain| {
            let n = chain.ndofs();
            let mut q = q[..n].to_vec();
            // Slides (the root's x and z, the cart) in [−1, 1] m.
            let slides = if n == 9 { 2 } else { 1 };
            for x in &mut q[..slides] {
                *x /= std::f32::consts::PI;
            }
            let v = &v[..n];
            let (reference, scale) = lagrange_bias(chain, &q, v);
            let ours = bias(chain, chain.world().gravity);
            let err = (0..n).map(|i| (ours[i] - reference[i]).abs()).fold(0.0, f64::max);
            println!("{name}: error {:.2e} of S = {scale:.1}", err / scale);
            prop_assert!(err <= 2e-5 * scale,
                "{name} q {q:?} v {v:?}: ours {ours:?} vs Lagrange {reference:?} (S = {scale})");
            Ok(())
        })?;
    }
}
