//! Passive physics against analytic results: the pendulum's small-angle period, the energy
//! of a frictionless cartpole, and the cheetah's reference inverse inertia against MuJoCo's.

use rfm_envs::tasks::pendulum::PendulumSwingup;

#[allow(dead_code)] // shared presets; each test file uses its own
#[path = "common/tolerance.rs"]
mod tolerance;

/// Small-angle period of the built pendulum vs 2π/√(ω0² − γ²), ω0² = m g l / I, γ = c/(2I).
#[test]
fn pendulum_small_angle_period_matches_analytic() {
    let damping = rfm_envs::tasks::pendulum::HINGE_DAMPING;
    let mut p = PendulumSwingup::with_damping(damping);
    let pole = p.pole();
    let chain = p.chain_mut();
    chain.reset();
    // Built body: mass, COM distance from the hinge and inertia about the hinge (y axis).
    let rb = &chain.world().bodies;
    let body = rb.iter().find(|(_, b)| b.is_dynamic()).unwrap().1;
    let m = body.mass() as f64;
    let hinge = chain.pose(pole).translation;
    let l = (body.center_of_mass() - hinge).length() as f64;
    let i_com = body
        .mass_properties()
        .local_mprops
        .reconstruct_inertia_matrix();
    let i_hinge = i_com.y_axis.y as f64 + m * l * l;
    let g = 9.81;
    let omega0_sq = m * g * l / i_hinge;
    let gamma = damping as f64 / (2.0 * i_hinge);
    let expected = 2.0 * std::f64::consts::PI / (omega0_sq - gamma * gamma).sqrt();

    // Hanging down is θ = π; displace by 0.05 rad and count downward zero crossings of θ − π.
    chain.set_state(&[std::f32::consts::PI + 0.05], &[0.0]);
    let dt = chain.dt() as f64;
    let mut prev = chain.qpos(0) as f64 - std::f64::consts::PI;
    let mut crossings = Vec::new();
    for k in 1..=2000 {
        chain.step();
        let x = chain.qpos(0) as f64 - std::f64::consts::PI;
        if prev > 0.0 && x <= 0.0 {
            let frac = prev / (prev - x);
            crossings.push((k as f64 - 1.0 + frac) * dt);
        }
        prev = x;
    }
    assert!(
        crossings.len() >= 10,
        "too few oscillations: {}",
        crossings.len()
    );
    let periods = (crossings.len() - 1) as f64;
    let measured = (crossings[crossings.len() - 1] - crossings[0]) / periods;
    let rel = (measured - expected).abs() / expected;
    assert!(
        rel < tolerance::ENVS_PENDULUM_PERIOD_REL,
        "period {measured} vs analytic {expected} (rel {rel})"
    );
}

/// A frictionless cartpole released with the pole horizontal keeps its energy over 10 s.
#[test]
fn cartpole_frictionless_conserves_energy() {
    use rfm_envs::tasks::cartpole::CartpoleSwingup;
    let mut c = CartpoleSwingup::with_damping(0.0, 0.0);
    let chain = c.chain_mut();
    chain.reset();
    chain.set_state(&[0.0, std::f32::consts::FRAC_PI_2], &[0.0, 0.0]);
    let e0 = chain.energy();
    // Energy scale: the pole's potential-energy swing m·g·l (l = COM distance 0.5 m).
    let scale = 0.1 * 9.81 * 0.5;
    let mut worst: f64 = 0.0;
    let mut last = 0.0;
    for _ in 0..1000 {
        chain.step();
        assert!(chain.qpos(0).abs() < 1.8, "cart reached the slider limit");
        last = chain.energy() - e0;
        worst = worst.max(last.abs());
    }
    assert!(
        worst / scale < tolerance::ENVS_CARTPOLE_ENERGY_REL && last.abs() <= worst,
        "energy drift {worst} J = {} of m·g·l",
        worst / scale
    );
}

/// The soft limits' reference inverse inertia diag(M⁻¹) at q = 0 is MuJoCo's
/// `dof_invweight0` (dm_control 1.0.34 / MuJoCo 3.3.6, `physics.model.dof_invweight0`). The
/// mass matrix is assembled in f32 from the same masses and inertias (which agree to 1e-7,
/// paper-notes/envs-vs-dm_control.md), so 1e-4 relative covers the rounding of a 9 × 9
/// inverse; a wrong inertia, armature or Jacobian is off by percents.
#[test]
fn cheetah_inv_weight0_is_mujocos_dof_invweight0() {
    let mujoco = [
        0.106736, 0.0845923, 0.416347, 2.72979, 5.89325, 8.89488, 3.08139, 6.8828, 9.46813,
    ];
    let c = rfm_envs::tasks::cheetah::CheetahRun::new();
    for (i, (&ours, mj)) in c.chain().inv_weight0().iter().zip(mujoco).enumerate() {
        let rel = (f64::from(ours) - mj).abs() / mj;
        assert!(rel < 1e-4, "DoF {i}: {ours} vs MuJoCo's {mj}");
    }
}
