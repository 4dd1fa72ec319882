//! finger-spin and finger-turn_hard: dimensions, rewards, initial state, determinism, stability,
//! contacts and the shared action checks.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm_envs::tasks::finger::{Finger, FingerVariant};
use rfm_envs::{ActionError, Env, Task, TaskId, make};

#[path = "common/rollout.rs"]
mod rollout;
#[allow(dead_code)] // shared presets; each test file uses its own
#[path = "common/tolerance.rs"]
mod tolerance;
use rollout::rollout;

const LIMIT: f32 = 110.0 * std::f32::consts::PI / 180.0;

fn env(v: FingerVariant) -> Env {
    Env::new(Box::new(Finger::new(v)))
}

#[test]
fn finger_dimensions_and_timestep_equal_dm_control() {
    let spin = TaskId::FingerSpin.spec();
    let turn = TaskId::FingerTurnHard.spec();
    assert_eq!((spin.obs_dim(), spin.action_dim()), (9, 2));
    assert_eq!((turn.obs_dim(), turn.action_dim()), (12, 2));
    for s in [spin, turn] {
        assert_eq!(s.control_timestep, 0.02);
        assert_eq!(s.substeps, 2);
        assert_eq!(s.episode_length, 1000);
    }
    assert_eq!(spin.name, "finger-spin");
    assert_eq!(turn.name, "finger-turn_hard");
}

#[test]
fn finger_initial_state_is_within_limits_at_rest_and_collision_free() {
    for v in [FingerVariant::Spin, FingerVariant::TurnHard] {
        let mut task = Finger::new(v);
        let mut obs = vec![0.0; task.spec().obs_dim()];
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for _ in 0..50 {
            task.reset(&mut rng);
            task.observe(&mut obs);
            assert!(
                !task.in_collision(),
                "initial state must not touch the spinner"
            );
            assert!(obs[0].abs() <= LIMIT && obs[1].abs() <= LIMIT, "{obs:?}");
            // The tip sits 0.13 m from the hinge.
            assert!(((obs[2] * obs[2] + obs[3] * obs[3]).sqrt() - 0.13).abs() < 1e-5);
            assert_eq!(&obs[4..9], &[0.0; 5], "velocities and touch start at zero");
            if v == FingerVariant::TurnHard {
                let r = (obs[9] * obs[9] + obs[10] * obs[10]).sqrt();
                assert!((r - 0.13).abs() < 1e-5, "target on the tip's circle: {r}");
                let d = ((obs[9] - obs[2]).powi(2) + (obs[10] - obs[3]).powi(2)).sqrt() - 0.03;
                assert!((obs[11] - d).abs() < 1e-5);
            }
        }
    }
}

#[test]
fn finger_spin_reward_is_the_spinning_indicator() {
    let mut seen = [false; 2];
    rollout(
        &mut env(FingerVariant::Spin),
        3,
        3000,
        |rng, a| a.iter_mut().for_each(|x| *x = rng.random_range(-1.0..1.0)),
        |obs, r, terms| {
            let expected = if obs[6] <= -15.0 { 1.0 } else { 0.0 };
            assert_eq!(r, expected, "hinge velocity {}", obs[6]);
            assert_eq!(terms, &[("spinning", expected)]);
            seen[expected as usize] = true;
        },
    );
    assert!(seen[0], "some steps are not spinning");
}

#[test]
fn finger_turn_reward_is_the_in_target_indicator() {
    let mut hits = 0;
    rollout(
        &mut env(FingerVariant::TurnHard),
        5,
        5000,
        |rng, a| a.iter_mut().for_each(|x| *x = rng.random_range(-1.0..1.0)),
        |obs, r, terms| {
            let expected = if obs[11] <= 0.0 { 1.0 } else { 0.0 };
            assert_eq!(r, expected, "dist_to_target {}", obs[11]);
            assert_eq!(terms, &[("in_target", expected)]);
            hits += expected as usize;
        },
    );
    assert!(
        hits > 0,
        "random play reaches the target sometimes (dm_control: 38 ± 101)"
    );
}

#[test]
fn finger_contacts_turn_the_spinner_and_touch_sensors_fire() {
    let (mut touch, mut spin) = (0.0f32, 0.0f32);
    rollout(
        &mut env(FingerVariant::Spin),
        7,
        3000,
        |rng, a| a.iter_mut().for_each(|x| *x = rng.random_range(-1.0..1.0)),
        |obs, _, _| {
            touch = touch.max(obs[7]).max(obs[8]);
            spin = spin.max(obs[6].abs());
        },
    );
    assert!(touch > 0.0, "the fingertip touched the spinner");
    assert!(spin > 1.0, "the spinner was pushed: max |ω| {spin}");
}

#[test]
fn finger_identical_seeds_give_bit_identical_trajectories() {
    for id in [TaskId::FingerSpin, TaskId::FingerTurnHard] {
        let run = || {
            let mut trace = Vec::new();
            rollout(
                &mut make(id),
                42,
                1500,
                |rng, a| a.iter_mut().for_each(|x| *x = rng.random_range(-1.0..1.0)),
                |obs, r, _| {
                    trace.extend(obs.iter().map(|x| x.to_bits()));
                    trace.push(r.to_bits() as u32);
                },
            );
            trace
        };
        assert_eq!(run(), run(), "{id}");
    }
}

#[test]
fn finger_10k_full_actuation_steps_stay_finite_and_bounded() {
    for v in [FingerVariant::Spin, FingerVariant::TurnHard] {
        let (mut max_v, mut past) = (0.0f32, 0.0f32);
        rollout(
            &mut env(v),
            9,
            10_000,
            // Bang-bang: every action component at ±1.
            |rng, a| {
                a.iter_mut()
                    .for_each(|x| *x = if rng.random_bool(0.5) { 1.0 } else { -1.0 })
            },
            |obs, r, _| {
                assert!(obs.iter().all(|x| x.is_finite()), "{obs:?}");
                assert!((0.0..=1.0).contains(&r));
                // Joint limits hold up to MuJoCo's soft-limit excursion.
                past = past.max(obs[0].abs() - LIMIT).max(obs[1].abs() - LIMIT);
                assert!(past < tolerance::ENVS_FINGER_MAX_LIMIT_EXCURSION, "{obs:?}");
                max_v = max_v.max(obs[4].abs()).max(obs[5].abs()).max(obs[6].abs());
            },
        );
        // 30 N·m on a 0.8 kg, 0.35 m finger with damping 2.5 N·m·s saturates near 30/2.5 =
        // 12 rad/s; the spinner is bounded by what the finger's tip speed can impart.
        assert!(max_v < 100.0, "{v:?}: max joint speed {max_v} rad/s");
        println!("{v:?}: largest excursion past a limit {past:.3} rad");
    }
}

#[test]
fn finger_invalid_actions_are_errors_from_the_env_wrapper() {
    let mut e = make(TaskId::FingerSpin);
    let mut obs = vec![0.0; 9];
    e.reset(&mut ChaCha8Rng::seed_from_u64(0), &mut obs);
    assert!(matches!(
        e.step(&[0.0], &mut obs),
        Err(ActionError::WrongLength {
            got: 1,
            expected: 2,
            ..
        })
    ));
    assert!(matches!(
        e.step(&[0.0, f32::NAN], &mut obs),
        Err(ActionError::NonFinite { index: 1, .. })
    ));
    // Out-of-range values are clipped, not rejected.
    assert!(e.step(&[5.0, -7.0], &mut obs).is_ok());
}
