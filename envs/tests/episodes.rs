//! Episode behaviour of every task: rewards in [0, 1] built from their documented terms,
//! bit-identical reruns, action validation and clipping, truncation after 1000 steps.

#[path = "../../tests/common/seeded.rs"]
mod seeded;

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm_envs::{ActionError, Env, Reward, TaskId, make};

/// The documented combination of each task's reward terms.
fn combine(id: TaskId, r: &Reward) -> f64 {
    let t = |name: &str| r.terms().iter().find(|(n, _)| *n == name).unwrap().1;
    match id {
        TaskId::PendulumSwingup => t("upright"),
        TaskId::CartpoleSwingup => {
            t("upright") * t("centered") * t("small_control") * t("small_velocity")
        }
        TaskId::CheetahRun => t("speed"),
        TaskId::WalkerWalk | TaskId::WalkerRun => {
            (3.0 * t("standing") + t("upright")) / 4.0 * (5.0 * t("move") + 1.0) / 6.0
        }
        TaskId::FingerSpin => t("spinning"),
        TaskId::FingerTurnHard => t("in_target"),
        TaskId::FishUpright => t("upright"),
        TaskId::FishSwim => (7.0 * t("in_target") + t("is_upright")) / 8.0,
        #[allow(unreachable_patterns)]
        other => panic!("add {other}'s reward formula to this test"),
    }
}

/// Rolls out `steps` uniform random actions; returns every obs and reward bit pattern.
fn rollout(env: &mut Env, seed: u64, steps: usize) -> Vec<u64> {
    let spec = env.spec();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut obs = vec![0.0; spec.obs_dim()];
    let mut action = vec![0.0; spec.action_dim()];
    env.reset(&mut rng, &mut obs);
    let mut bits: Vec<u64> = obs.iter().map(|x| x.to_bits() as u64).collect();
    for _ in 0..steps {
        action
            .iter_mut()
            .for_each(|a| *a = rng.random_range(-1.0..=1.0));
        let out = env.step(&action, &mut obs).unwrap();
        bits.extend(obs.iter().map(|x| x.to_bits() as u64));
        bits.push(out.reward.total.to_bits());
    }
    bits
}

proptest! {
    #![proptest_config(seeded::cases(6))]

    #[test]
    fn reward_in_unit_interval_and_equals_its_terms(seed in any::<u64>(), task in 0usize..64) {
        let id = TaskId::all()[task % TaskId::all().len()];
        let mut env = make(id);
        let spec = env.spec();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut obs = vec![0.0; spec.obs_dim()];
        let mut action = vec![0.0; spec.action_dim()];
        env.reset(&mut rng, &mut obs);
        for _ in 0..200 {
            action.iter_mut().for_each(|a| *a = rng.random_range(-1.0..=1.0));
            let r = env.step(&action, &mut obs).unwrap().reward;
            prop_assert!((0.0..=1.0).contains(&r.total), "{id}: reward {}", r.total);
            for (name, v) in r.terms() {
                prop_assert!((0.0..=1.0).contains(v), "{id}: term {name} = {v}");
            }
            prop_assert_eq!(r.total.to_bits(), combine(id, &r).to_bits(), "{}", id);
        }
    }

    #[test]
    fn same_seed_gives_bit_identical_trajectories(seed in any::<u64>(), task in 0usize..64) {
        let id = TaskId::all()[task % TaskId::all().len()];
        let a = rollout(&mut make(id), seed, 100);
        // A reused env (after another episode) and a fresh one agree bit for bit.
        let mut env = make(id);
        let _ = rollout(&mut env, seed.wrapping_add(1), 30);
        let b = rollout(&mut env, seed, 100);
        prop_assert!(a == b, "{id}: trajectories differ");
    }
}

#[test]
fn different_seeds_give_different_initial_states() {
    for &id in TaskId::all() {
        assert_ne!(
            rollout(&mut make(id), 1, 0),
            rollout(&mut make(id), 2, 0),
            "{id}"
        );
    }
}

#[test]
fn bad_actions_are_errors_and_out_of_range_is_clipped() {
    for &id in TaskId::all() {
        let mut env = make(id);
        let spec = env.spec();
        let (d, a) = (spec.obs_dim(), spec.action_dim());
        let mut obs = vec![0.0; d];
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        assert!(matches!(
            env.step(&vec![0.0; a], &mut obs),
            Err(ActionError::EpisodeOver { .. })
        ));
        env.reset(&mut rng, &mut obs);
        let e = env.step(&vec![0.0; a + 1], &mut obs).unwrap_err();
        assert!(
            matches!(e, ActionError::WrongLength { got, expected, .. } if got == a + 1 && expected == a)
        );
        assert!(e.to_string().contains(spec.name), "{e}");
        let mut nan = vec![0.0; a];
        nan[a - 1] = f32::NAN;
        let e = env.step(&nan, &mut obs).unwrap_err();
        assert!(
            matches!(e, ActionError::NonFinite { index, .. } if index == a - 1),
            "{e}"
        );
        assert!(e.to_string().contains(spec.action[a - 1]), "{e}");
        let mut inf = vec![0.0; a];
        inf[0] = f32::INFINITY;
        assert!(env.step(&inf, &mut obs).is_err());
        assert_eq!(env.elapsed_steps(), 0, "rejected actions must not step");

        // Clipping: ±5 behaves exactly like ±1.
        let big: Vec<f32> = (0..a)
            .map(|i| if i % 2 == 0 { 5.0 } else { -7.0 })
            .collect();
        let unit: Vec<f32> = big.iter().map(|x| x.clamp(-1.0, 1.0)).collect();
        let run = |act: &[f32]| {
            let mut env = make(id);
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let mut obs = vec![0.0; d];
            env.reset(&mut rng, &mut obs);
            let r = env.step(act, &mut obs).unwrap().reward.total;
            (obs, r.to_bits())
        };
        assert_eq!(run(&big), run(&unit), "{id}: clipping");
    }
}

#[test]
fn episodes_truncate_after_1000_steps() {
    let mut env = make(TaskId::CartpoleSwingup);
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let mut obs = vec![0.0; 5];
    env.reset(&mut rng, &mut obs);
    for t in 1..=1000 {
        let out = env.step(&[0.3], &mut obs).unwrap();
        assert!(!out.terminated);
        assert_eq!(out.truncated, t == 1000, "step {t}");
    }
    assert!(env.step(&[0.0], &mut obs).is_err());
}
