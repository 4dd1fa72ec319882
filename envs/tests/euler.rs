//! `[ENV:Eq.euler]`, MuJoCo's Euler step of a chain (`planar::Integrator::Euler`):
//! (M + hD) a = f + Jₑᵀx, q̇' = q̇ + h a, q' = q + h q̇', on systems whose exact discrete
//! trajectories have closed forms; and `Chain::set_state` placing the bodies' velocities.

use proptest::prelude::*;
use rapier3d::prelude::Vector;
use rfm_envs::planar::{BodyId, Chain, ChainBuilder, DofParams, Geom, Integrator, Joint, Shape};
use rfm_envs::tasks::cheetah::CheetahRun;
use rfm_envs::tasks::walker::Walker;
use rfm_envs::world::GRAVITY;

/// A sphere of `mass` and `radius` centred on its joint (gravity exerts no torque on it).
fn ball(mass: f32, radius: f32) -> Geom {
    Geom {
        shape: Shape::Sphere {
            center: Vector::ZERO,
            radius,
        },
        mass,
        friction: None,
    }
}

/// One body on `joint` at the origin, stepped by MuJoCo's Euler with timestep `h`.
fn one_body(h: f32, joint: Joint, geom: Geom) -> Chain {
    let mut b = ChainBuilder::new(h);
    b.integrator(Integrator::Euler);
    b.body(None, Vector::ZERO, joint, &[geom]);
    b.build()
}

proptest! {
    /// A damped hinge with nothing else acting: (M + hD) a = −D q̇ gives
    /// q̇ₖ₊₁ = ρ q̇ₖ with ρ = M / (M + h d) exactly, so q̇ₙ = ρⁿ q̇₀ and
    /// qₙ = h Σₖ₌₁ⁿ q̇ₖ = h q̇₀ ρ (1 − ρⁿ)/(1 − ρ), with M = 2/5 m r² + armature. The draws
    /// include h d / M ≫ 2, where explicit damping (ρ = 1 − h d/M) would reverse the motion
    /// and grow. Tolerance: each step rounds a few f32 operations (relative ≈ 4 ε ≈ 5e-7 per
    /// step, rapier's mass properties too), so n = 20 steps stay within 2e-5 relative; 1e-4 of
    /// |q̇₀| (and of h|q̇₀| n for q) plus 1e-7 leaves a factor 5.
    #[test]
    fn env_eq_euler_damps_implicitly(
        mass in 0.1f32..10.0,
        radius in 0.02f32..0.3,
        armature in 0.0f32..0.1,
        damping in 0.01f32..100.0,
        h in 1e-3f32..0.05,
        v0 in -10.0f32..10.0,
    ) {
        let dof = DofParams { damping, armature, ..DofParams::new(Vector::Y) };
        let mut chain = one_body(h, Joint::Hinge(dof), ball(mass, radius));
        chain.set_state(&[0.0], &[v0]);
        let inertia = f64::from(0.4 * mass * radius * radius + armature);
        let rho = inertia / (inertia + f64::from(h * damping));
        let n = 20;
        for _ in 0..n {
            chain.step();
        }
        let (v0, h) = (f64::from(v0), f64::from(h));
        let v = v0 * rho.powi(n);
        let q = h * v0 * rho * (1.0 - rho.powi(n)) / (1.0 - rho);
        let (got_v, got_q) = (f64::from(chain.qvel(0)), f64::from(chain.qpos(0)));
        prop_assert!((got_v - v).abs() <= 1e-4 * v0.abs() + 1e-7, "q̇ {got_v} vs {v}");
        let scale = h * v0.abs() * f64::from(n);
        prop_assert!((got_q - q).abs() <= 1e-4 * scale + 1e-7, "q {got_q} vs {q}");
    }

    /// A free planar body (x, z, pitch) under gravity: q' = q + h q̇' takes the new velocity,
    /// so after n steps zₙ = z₀ + n h ż₀ − g h² n(n+1)/2 (explicit Euler: n(n−1)/2), xₙ =
    /// x₀ + n h ẋ₀ and θₙ = θ₀ + n h θ̇₀, velocities ż₀ − n g h, ẋ₀, θ̇₀ (a sphere centred on
    /// its frame has no velocity-product forces). Tolerance: positions of size S = |q₀| +
    /// n h (|q̇₀| + n g h) accumulate n f32 roundings of S (ε S each), within 3e-6 S for
    /// n = 25; 2e-5 S + 1e-6 leaves a factor 6. The two laws differ by g h² n ≥ 2.5e-4 m.
    #[test]
    fn env_eq_euler_positions_take_the_new_velocity(
        q0 in prop::array::uniform3(-1.0f32..1.0),
        v0 in prop::array::uniform3(-3.0f32..3.0),
        h in 1e-3f32..0.02,
        mass in 0.1f32..10.0,
    ) {
        let mut chain = one_body(h, Joint::Planar, ball(mass, 0.1));
        chain.set_state(&q0, &v0);
        let n = 25;
        for _ in 0..n {
            chain.step();
        }
        let (h, g, nf) = (f64::from(h), f64::from(GRAVITY), f64::from(n));
        let drop = [0.0, g * h * h * nf * (nf + 1.0) / 2.0, 0.0];
        for i in 0..3 {
            let (q0, v0) = (f64::from(q0[i]), f64::from(v0[i]));
            let q = q0 + nf * h * v0 - drop[i];
            let v = v0 - if i == 1 { nf * g * h } else { 0.0 };
            let scale = q0.abs() + nf * h * (v0.abs() + nf * g * h);
            let tol = 2e-5 * scale + 1e-6;
            let (got_q, got_v) = (f64::from(chain.qpos(i)), f64::from(chain.qvel(i)));
            prop_assert!((got_q - q).abs() <= tol, "coordinate {i}: q {got_q} vs {q}");
            prop_assert!((got_v - v).abs() <= 2e-5 * (v0.abs() + nf * g * h) + 1e-6,
                "coordinate {i}: q̇ {got_v} vs {v}");
        }
    }

    /// After `set_state(q, q̇)` the bodies move at J q̇: the chain's centre-of-mass velocity
    /// equals the central difference (c(q + ε q̇) − c(q − ε q̇)) / 2ε of its centre of mass, on
    /// walker (MuJoCo's Euler) and cheetah (rapier's step). The velocities used to be left
    /// from the construction snapshot (zero). Tolerance: the difference's truncation error is
    /// ε²/6 |c'''| ≤ 1e-4 · 6 |q̇|³ for these chains' unit-scale links (|q̇| ≤ 1.5 per
    /// coordinate, ε = 1e-2), and f32 positions of size ≤ 2 m round to 2.4e-7, divided by 2ε:
    /// 1.2e-5; 5e-3 m/s leaves a margin, against the |c'| up to several m/s of a stale value.
    #[test]
    fn set_state_sets_the_bodies_velocities(
        walker in any::<bool>(),
        hinges in prop::collection::vec(-0.4f32..0.4, 6),
        v in prop::collection::vec(-1.5f32..1.5, 9),
    ) {
        let (mut w, mut c) = (Walker::walk(), CheetahRun::new());
        let chain = if walker { w.chain_mut() } else { c.chain_mut() };
        let mut q = vec![0.0, 0.5, 0.1];
        q.extend(&hinges);
        let com = |chain: &mut Chain, s: f32| {
            let qs: Vec<f32> = q.iter().zip(&v).map(|(q, v)| q + s * v).collect();
            chain.set_state(&qs, &v);
            centre_of_mass(chain)
        };
        let eps = 1e-2;
        let diff = (com(chain, eps) - com(chain, -eps)) / (2.0 * eps);
        com(chain, 0.0);
        let got = chain.com_velocity();
        prop_assert!((got - diff).length() <= 5e-3, "velocity {got:?} vs difference {diff:?}");
    }
}

/// The mass-weighted mean of the bodies' centres of mass.
fn centre_of_mass(chain: &Chain) -> Vector {
    let (mut p, mut m) = (Vector::ZERO, 0.0);
    let mut bodies: Vec<BodyId> = chain.geoms().map(|(b, ..)| b).collect();
    bodies.dedup();
    for body in bodies {
        p += chain.rigid_body(body).center_of_mass() * chain.mass(body);
        m += chain.mass(body);
    }
    p / m
}
