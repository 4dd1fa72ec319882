//! The cheetah falling through the air (`tests/data/mujoco_airborne.json`): MuJoCo's own
//! unconstrained acceleration, read off its velocity steps, against rfm's a₀ with and without
//! the velocity-product terms of `[ENV:Eq.bias-force]`.

#[path = "common/pairs.rs"]
mod pairs;

use rfm_envs::TaskId;
use rfm_envs::planar::{bias_force, free_motion};
use rfm_envs::tasks::cheetah::CheetahRun;

/// cheetah.xml's hinges in dm_control's order: range (deg), stiffness (N·m/rad), gear.
const HINGES: [([f64; 2], f32, f32); 6] = [
    ([-30.0, 60.0], 240.0, 120.0),
    ([-50.0, 50.0], 180.0, 90.0),
    ([-230.0, 50.0], 120.0, 60.0),
    ([-57.0, 0.4], 180.0, 90.0),
    ([-70.0, 50.0], 120.0, 60.0),
    ([-28.0, 28.0], 60.0, 30.0),
];

/// Steps compared: well before the first geom nears the floor (≈ 77 steps).
const IN_THE_AIR: usize = 60;

/// On the steps where every hinge is inside its range by 0.5° (no limit row; no contact in the
/// air), MuJoCo's Euler step is v' = v + h (M + hD)⁻¹ M a₀ (damping implicit), so its a₀ is
/// Δv/h + h M⁻¹ D Δv/h, read with rfm's M at MuJoCo's state. rfm's a₀ = M⁻¹ (τ − Dq̇ − b)
/// (`free_motion`, τ = gear·action − stiffness·q) must match it within the recorded
/// velocities' rounding: 6 significant digits, |δv| ≤ 5e-6 |v| per entry, through Δv/h and the
/// damping term, summed in quadrature as if every rounding were the worst and aligned (the
/// bound; measured residuals are 1/8 of it, ≈ 1e-6 of |a₀|, so the two models' mass matrices
/// and rfm's f32 add nothing visible). Without the Coriolis and centrifugal terms the residual
/// is 10³ times larger, which the test also requires to be over ten times the bound (the data
/// can tell the two apart).
#[test]
fn env_eq_bias_force_gives_mujocos_free_acceleration_in_the_air() {
    let mut task = CheetahRun::new();
    let mut compared = 0;
    for run in pairs::load_file("mujoco_airborne.json", TaskId::CheetahRun) {
        let (mut with, mut without, mut scale, mut rounding) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        let traj = &run.mujoco;
        for t in 0..IN_THE_AIR {
            let q = &traj.qpos[t];
            let inside = HINGES.iter().enumerate().all(|(j, (r, _, _))| {
                let deg = q[3 + j].to_degrees();
                deg > r[0] + 0.5 && deg < r[1] - 0.5
            });
            if !inside {
                continue;
            }
            let qf: Vec<f32> = q.iter().map(|&x| x as f32).collect();
            let vf: Vec<f32> = traj.qvel[t].iter().map(|&x| x as f32).collect();
            let chain = task.chain_mut();
            chain.set_state(&qf, &vf);
            let h = chain.dt() as f64;
            let mut tau = vec![0.0f32; 9];
            for (j, &(_, k, gear)) in HINGES.iter().enumerate() {
                tau[3 + j] = gear * run.actions[t][j] - k * qf[3 + j];
            }
            let w = chain.world();
            let mb = w.multibody_joints.multibodies().next().expect("multibody");
            let (a0, inv) = free_motion(mb, &w.bodies, w.gravity, &tau).expect("mass matrix");
            let mut c = vec![0.0f32; 9];
            bias_force(mb, &w.bodies, rapier3d::prelude::Vector::ZERO, &mut c);
            let dv: Vec<f64> = (0..9)
                .map(|i| (traj.qvel[t + 1][i] - traj.qvel[t][i]) / h)
                .collect();
            for i in 0..9 {
                let implicit: f64 = (0..9)
                    .map(|j| f64::from(inv[(i, j)] * mb.damping()[j]) * dv[j])
                    .sum();
                let mujoco = dv[i] + h * implicit;
                let no_bias: f64 =
                    f64::from(a0[i]) + (0..9).map(|j| f64::from(inv[(i, j)] * c[j])).sum::<f64>();
                // The recorded velocities' 6-digit rounding, |δv| ≤ 5e-6 |v|, through Δv/h and
                // the implicit-damping term.
                let spread: f64 = (0..9)
                    .map(|j| (f64::from(inv[(i, j)] * mb.damping()[j]) * h).abs())
                    .sum();
                let dv_err = 5e-6 * (traj.qvel[t + 1][i].abs() + traj.qvel[t][i].abs()) / h;
                rounding += (dv_err * (1.0 + spread)).powi(2);
                with += (f64::from(a0[i]) - mujoco).powi(2);
                without += (no_bias - mujoco).powi(2);
                scale += mujoco.powi(2);
            }
            compared += 1;
        }
        let (with, without, scale, rounding) =
            (with.sqrt(), without.sqrt(), scale.sqrt(), rounding.sqrt());
        println!(
            "seed {} {:?}: residual with C q̇ {:.3e}, without {:.3e}, rounding bound {:.3e}, |a₀| {:.3e}",
            run.reset_seed, run.drive, with, without, rounding, scale
        );
        assert!(
            with <= rounding,
            "seed {} {:?}: residual {with:.3e} with the bias terms, rounding bound {rounding:.3e}",
            run.reset_seed,
            run.drive
        );
        assert!(
            without > 10.0 * rounding,
            "seed {} {:?}: without the bias terms {without:.3e}, bound {rounding:.3e}",
            run.reset_seed,
            run.drive
        );
    }
    println!("{compared} limit-free steps compared");
    assert!(
        compared >= 150,
        "only {compared} limit-free steps in the air"
    );
}
