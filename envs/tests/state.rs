//! `Env::state` / `Env::set_state`: dm_control's qpos and qvel for every task, a round trip
//! that loses nothing but f32 rounding, and a `set_state` that forgets earlier contacts.

#[path = "common/tolerance.rs"]
mod tolerance;

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm_envs::{Env, PhysicsState, StateError, StateField, TaskId, make};

use tolerance::ENVS_STATE_ROUND_TRIP_REL;

/// Resets with `seed`, then `steps` uniform random actions; returns the env and its state.
fn wander(task: TaskId, seed: u64, steps: usize) -> (Env, PhysicsState) {
    let mut env = make(task);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut obs = vec![0.0; env.spec().obs_dim()];
    let mut action = vec![0.0; env.spec().action_dim()];
    env.reset(&mut rng, &mut obs);
    for _ in 0..steps {
        action
            .iter_mut()
            .for_each(|a| *a = rng.random_range(-1.0..1.0));
        env.step(&action, &mut obs).expect("valid action");
    }
    let s = env.state();
    (env, s)
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= ENVS_STATE_ROUND_TRIP_REL * x.abs().max(1.0))
}

/// Steps `env` with a fixed action sequence and returns every state.
fn replay(env: &mut Env, actions: &[Vec<f32>]) -> Vec<PhysicsState> {
    let mut obs = vec![0.0; env.spec().obs_dim()];
    actions
        .iter()
        .map(|a| {
            env.step(a, &mut obs).expect("valid action");
            env.state()
        })
        .collect()
}

#[test]
fn every_task_has_dm_controls_state_dimensions() {
    // (task, nq, nv) from dm_control's `physics.data` (fish: free joint 7/6 plus 7 hinges).
    let expected = [
        (TaskId::PendulumSwingup, 1, 1),
        (TaskId::CartpoleSwingup, 2, 2),
        (TaskId::CheetahRun, 9, 9),
        (TaskId::WalkerWalk, 9, 9),
        (TaskId::WalkerRun, 9, 9),
        (TaskId::FishSwim, 14, 13),
        (TaskId::FishUpright, 14, 13),
        (TaskId::FingerSpin, 3, 3),
        (TaskId::FingerTurnHard, 3, 3),
    ];
    assert_eq!(expected.len(), TaskId::ALL.len());
    for (task, nq, nv) in expected {
        let (_, s) = wander(task, 0, 3);
        assert_eq!((s.qpos.len(), s.qvel.len()), (nq, nv), "{}", task.name());
        assert_eq!((task.spec().qpos.len(), task.spec().qvel.len()), (nq, nv));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    /// A state reached by random actions, written into a fresh env that wandered elsewhere,
    /// reads back unchanged, and from it both envs follow the same trajectory bit for bit:
    /// nothing of the earlier history (contact manifolds, warm starts) is left.
    #[test]
    fn set_state_round_trips_and_forgets_history(seed in 0u64..1_000_000, steps in 5usize..60) {
        for &task in TaskId::ALL {
            let (mut a, s) = wander(task, seed, steps);
            let (mut b, _) = wander(task, seed + 1, 2 * steps);
            b.set_state(&s).expect("valid state");
            let t = b.state();
            prop_assert!(close(&t.qpos, &s.qpos), "{}: qpos {:?} vs {:?}", task.name(), t.qpos, s.qpos);
            prop_assert!(close(&t.qvel, &s.qvel), "{}: qvel {:?} vs {:?}", task.name(), t.qvel, s.qvel);
            // `a` also passes through set_state, so both drop whatever they had touched.
            a.set_state(&s).expect("valid state");
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
            let d = a.spec().action_dim();
            let actions: Vec<Vec<f32>> = (0..20)
                .map(|_| (0..d).map(|_| rng.random_range(-1.0..1.0)).collect())
                .collect();
            prop_assert_eq!(replay(&mut a, &actions), replay(&mut b, &actions), "{}", task.name());
        }
    }
}

#[test]
fn bad_states_are_typed_errors() {
    let (mut env, s) = wander(TaskId::WalkerWalk, 0, 1);
    let mut short = s.clone();
    short.qpos.pop();
    assert_eq!(
        env.set_state(&short),
        Err(StateError::WrongLength {
            task: "walker-walk",
            field: StateField::Qpos,
            got: 8,
            expected: 9
        })
    );
    let mut nan = s.clone();
    nan.qvel[4] = f64::NAN;
    let err = env.set_state(&nan).unwrap_err();
    assert!(matches!(
        err,
        StateError::NonFinite {
            field: StateField::Qvel,
            index: 4,
            name: "right_knee",
            ..
        }
    ));
    assert!(err.to_string().contains("right_knee"), "{err}");

    let (mut fish, mut f) = wander(TaskId::FishSwim, 0, 1);
    f.qpos[3..7].iter_mut().for_each(|q| *q = 0.0);
    assert_eq!(
        fish.set_state(&f),
        Err(StateError::ZeroQuaternion { task: "fish-swim" })
    );
    // A non-unit quaternion is normalised, as MuJoCo does.
    f.qpos[3..7].copy_from_slice(&[2.0, 0.0, 0.0, 0.0]);
    fish.set_state(&f).expect("valid state");
    assert_eq!(fish.state().qpos[3..7], [1.0, 0.0, 0.0, 0.0]);
}
