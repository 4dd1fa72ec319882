//! fish-swim and fish-upright: dimensions, rewards, initial-state distribution, determinism,
//! stability, and swimming needs the fluid (momentum is conserved in a vacuum).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm_envs::fluid::Fluid;
use rfm_envs::tasks::fish::{FLUID, Fish, FishVariant};
use rfm_envs::{ActionError, Sigmoid, Task, TaskId, make, tolerance};

#[path = "common/rollout.rs"]
mod rollout;
use rollout::rollout;

fn uniform(rng: &mut ChaCha8Rng, a: &mut [f32]) {
    a.iter_mut().for_each(|x| *x = rng.random_range(-1.0..1.0));
}

#[test]
fn fish_dimensions_and_timestep_equal_dm_control() {
    let swim = TaskId::FishSwim.spec();
    let upright = TaskId::FishUpright.spec();
    assert_eq!((swim.obs_dim(), swim.action_dim()), (24, 5));
    assert_eq!((upright.obs_dim(), upright.action_dim()), (21, 5));
    for s in [swim, upright] {
        assert_eq!(s.control_timestep, 0.04);
        assert_eq!(s.substeps, 10);
        assert_eq!(s.episode_length, 1000);
    }
    let keys: Vec<_> = swim.observation.iter().map(|f| (f.name, f.size)).collect();
    assert_eq!(
        keys,
        [
            ("joint_angles", 7),
            ("upright", 1),
            ("target", 3),
            ("velocity", 13)
        ]
    );
}

#[test]
fn fish_upright_reward_is_tolerance_of_uprightness() {
    rollout(
        &mut make(TaskId::FishUpright),
        1,
        1500,
        uniform,
        |obs, r, terms| {
            // The task computes in f64; the observation is its f32 rounding (error ≤ 6e-8, and the
            // Gaussian tolerance's slope is ≤ 1.5 per unit here), hence 1e-6.
            let expected = tolerance(f64::from(obs[7]), (1.0, 1.0), 1.0, Sigmoid::Gaussian, 0.1);
            assert!((r - expected).abs() < 1e-6, "{r} vs {expected}");
            assert_eq!(terms, &[("upright", r)]);
            assert!((0.0..=1.0).contains(&r));
        },
    );
}

#[test]
fn fish_swim_reward_is_seven_eighths_in_target_plus_one_eighth_upright() {
    let mut best = 0.0f64;
    rollout(
        &mut make(TaskId::FishSwim),
        2,
        1500,
        uniform,
        |obs, r, terms| {
            let [(n1, in_target), (n2, is_upright)] = terms else {
                panic!("{terms:?}")
            };
            assert_eq!((*n1, *n2), ("in_target", "is_upright"));
            assert_eq!(r, (7.0 * in_target + is_upright) / 8.0);
            assert!((*is_upright - 0.5 * (f64::from(obs[7]) + 1.0)).abs() < 1e-7);
            let d = obs[8..11]
                .iter()
                .map(|&x| f64::from(x).powi(2))
                .sum::<f64>()
                .sqrt();
            let expected = tolerance(d, (0.0, 0.045), 0.09, Sigmoid::Gaussian, 0.1);
            // The observation is the f32 rounding of the task's f64 vector (see above).
            assert!(
                (in_target - expected).abs() < 1e-5,
                "{in_target} vs {expected}"
            );
            assert!((0.0..=1.0).contains(&r));
            best = best.max(r);
        },
    );
    assert!(best > 0.0);
}

#[test]
fn fish_initial_state_matches_dm_control_distribution() {
    // upright = z-component of a uniformly random rotation's z-axis: uniform on [−1, 1], mean 0,
    // variance 1/3. Over n = 400 resets the sample mean has sd √(1/(3·400)) ≈ 0.029; 4 sd = 0.115.
    let n = 400;
    let mut task = Fish::new(FishVariant::Swim);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut obs = vec![0.0; 24];
    let mut sum = 0.0f64;
    for _ in 0..n {
        task.reset(&mut rng);
        task.observe(&mut obs);
        assert!(obs[..7].iter().all(|q| q.abs() <= 0.2 + 1e-6), "{obs:?}");
        assert!(
            obs[11..].iter().all(|&v| v == 0.0),
            "starts at rest: {obs:?}"
        );
        assert!((-1.0..=1.0).contains(&obs[7]));
        let d = obs[8..11].iter().map(|x| x * x).sum::<f32>().sqrt();
        // Target in [−0.4, 0.4]² × [0.1, 0.3], torso at (0, 0, 0.1), mouth 0.0745 m ahead.
        assert!(d < (0.4f32 * 0.4 * 2.0 + 0.2 * 0.2).sqrt() + 0.08, "{d}");
        sum += f64::from(obs[7]);
    }
    let mean = sum / n as f64;
    assert!(
        mean.abs() < 4.0 * (1.0 / (3.0 * n as f64)).sqrt(),
        "mean upright {mean}"
    );
}

#[test]
fn fish_identical_seeds_give_bit_identical_trajectories() {
    for id in [TaskId::FishSwim, TaskId::FishUpright] {
        let run = || {
            let mut trace = Vec::new();
            rollout(&mut make(id), 42, 1200, uniform, |obs, r, _| {
                trace.extend(obs.iter().map(|x| x.to_bits()));
                trace.push(r.to_bits() as u32);
            });
            trace
        };
        assert_eq!(run(), run(), "{id}");
    }
}

#[test]
fn fish_10k_full_actuation_steps_stay_finite_and_bounded() {
    let mut e = make(TaskId::FishSwim);
    let mut max_lin = 0.0f32;
    let mut max_ang = 0.0f32;
    rollout(
        &mut e,
        9,
        10_000,
        |rng, a| {
            a.iter_mut()
                .for_each(|x| *x = if rng.random_bool(0.5) { 1.0 } else { -1.0 })
        },
        |obs, r, _| {
            assert!(obs.iter().all(|x| x.is_finite()), "{obs:?}");
            assert!((0.0..=1.0).contains(&r));
            max_lin = max_lin.max(obs[11..14].iter().fold(0.0, |m, x| m.max(x.abs())));
            max_ang = max_ang.max(obs[14..].iter().fold(0.0, |m, x| m.max(x.abs())));
        },
    );
    // A 16 cm fish driven by 5e-4 N·m servos in a dense fluid swims at cm/s to dm/s.
    assert!(max_lin < 2.0, "torso speed {max_lin} m/s");
    assert!(max_ang < 200.0, "angular speed {max_ang} rad/s");
}

/// Flapping the tail from rest: in a vacuum only Euler's O(dt) error moves the centre of mass
/// (internal forces conserve momentum); in dm_control's fluid the fish swims. Measured at
/// dt = 0.004: 2 cm in the vacuum vs 18 cm in the fluid over 10 s; at dt = 0.001 the vacuum
/// drift falls to 0.55 cm (first order), the fluid displacement stays 18 cm.
#[test]
fn fish_swimming_needs_the_fluid() {
    let displacement = |fluid: Fluid| {
        let mut fish = Fish::with_fluid(FishVariant::Swim, fluid);
        fish.reset(&mut ChaCha8Rng::seed_from_u64(5));
        let start = fish.center_of_mass();
        for t in 0..250 {
            let phase = t as f32 * 0.04 * std::f32::consts::TAU * 1.5;
            fish.advance(&[phase.sin(), 0.0, (phase + 1.0).sin(), 0.3, 0.3]);
        }
        (fish.center_of_mass() - start).length()
    };
    let vacuum = displacement(Fluid {
        density: 0.0,
        viscosity: 0.0,
    });
    let water = displacement(FLUID);
    assert!(water > 0.1, "COM moved only {water} m in the fluid");
    assert!(
        vacuum < 0.2 * water,
        "COM moved {vacuum} m in a vacuum vs {water} m in the fluid"
    );
}

/// With no fluid and no actuation, a spinning, translating fish keeps its momentum and (up to
/// the tiny joint damping and Euler's energy error) its kinetic energy.
#[test]
fn fish_free_flight_conserves_momentum() {
    let mut fish = Fish::with_fluid(
        FishVariant::Upright,
        Fluid {
            density: 0.0,
            viscosity: 0.0,
        },
    );
    fish.reset(&mut ChaCha8Rng::seed_from_u64(8));
    // Zero action is a servo to q = 0: run it until the joints settle, then coast.
    let (p0, e0) = fish.momentum_and_energy();
    for _ in 0..100 {
        fish.advance(&[0.0; 5]);
    }
    let (p1, e1) = fish.momentum_and_energy();
    // Released from rest with bent joints: momentum stays ≈ 0 (Euler error O(dt) only).
    assert!(p0.length() == 0.0 && e0 == 0.0);
    assert!(
        p1.length() < 1e-5,
        "momentum {p1:?} kg·m/s (fish mass 35 g)"
    );
    assert!(e1 < 1e-4, "energy {e1} J");
}

#[test]
fn fish_invalid_actions_are_errors_from_the_env_wrapper() {
    let mut e = make(TaskId::FishUpright);
    let mut obs = vec![0.0; 21];
    e.reset(&mut ChaCha8Rng::seed_from_u64(0), &mut obs);
    assert!(matches!(
        e.step(&[0.0; 4], &mut obs),
        Err(ActionError::WrongLength {
            got: 4,
            expected: 5,
            ..
        })
    ));
    assert!(matches!(
        e.step(&[0.0, 0.0, f32::INFINITY, 0.0, 0.0], &mut obs),
        Err(ActionError::NonFinite {
            index: 2,
            actuator: "fins_flap",
            ..
        })
    ));
    assert!(e.step(&[2.0, -2.0, 0.5, 9.0, -9.0], &mut obs).is_ok());
}
