//! The vectorised runner: results independent of the thread count, per-env seeds, same-step
//! autoreset with the final observation kept.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm_envs::{Env, StepOutcome, TaskId, VecEnv, env_rng, make};

fn run(task: TaskId, n: usize, threads: usize, steps: usize) -> (Vec<f32>, Vec<u64>) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let mut v = VecEnv::new(task, n, 42);
        let spec = v.spec();
        let (d, a) = (spec.obs_dim(), spec.action_dim());
        let mut obs = vec![0.0; n * d];
        let mut fin = vec![0.0; n * d];
        let mut out = vec![StepOutcome::default(); n];
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut actions = vec![0.0; n * a];
        let mut rewards = Vec::new();
        v.reset(&mut obs);
        let mut all = obs.clone();
        for _ in 0..steps {
            actions
                .iter_mut()
                .for_each(|x| *x = rng.random_range(-1.0..=1.0));
            v.step(&actions, &mut obs, &mut fin, &mut out).unwrap();
            all.extend_from_slice(&obs);
            rewards.extend(out.iter().map(|o| o.reward.total.to_bits()));
        }
        (all, rewards)
    })
}

#[test]
fn one_and_two_threads_give_identical_results() {
    let a = run(TaskId::CheetahRun, 5, 1, 50);
    let b = run(TaskId::CheetahRun, 5, 2, 50);
    assert!(
        a.0.iter()
            .zip(&b.0)
            .all(|(x, y)| x.to_bits() == y.to_bits())
    );
    assert_eq!(a.1, b.1);
}

#[test]
fn env_i_matches_a_single_env_seeded_with_env_rng() {
    let n = 3;
    let (all, _) = run(TaskId::CartpoleSwingup, n, 2, 0);
    for i in 0..n {
        let mut env: Env = make(TaskId::CartpoleSwingup);
        let mut obs = vec![0.0; 5];
        env.reset(&mut env_rng(42, i), &mut obs);
        assert_eq!(&all[i * 5..(i + 1) * 5], &obs[..], "env {i}");
    }
    assert_ne!(&all[0..5], &all[5..10], "envs must not share a stream");
}

#[test]
fn episodes_autoreset_and_keep_the_final_observation() {
    let mut v = VecEnv::new(TaskId::PendulumSwingup, 2, 1);
    let mut obs = vec![0.0; 6];
    let mut fin = vec![f32::NAN; 6];
    let mut out = vec![StepOutcome::default(); 2];
    v.reset(&mut obs);
    for t in 1..=1000 {
        let prev = obs.clone();
        v.step(&[0.1, -0.1], &mut obs, &mut fin, &mut out).unwrap();
        if t < 1000 {
            assert!(out.iter().all(|o| !o.truncated));
            assert!(fin.iter().all(|x| x.is_nan()), "final_obs written early");
        } else {
            assert!(out.iter().all(|o| o.truncated));
            // final_obs is the state after the last step, a continuation of prev, while obs is
            // a fresh episode's first observation (pendulum resets to zero velocity).
            assert!(fin.iter().all(|x| x.is_finite()));
            assert_ne!(&fin[..], &prev[..]);
            assert_eq!(obs[2], 0.0);
            assert_eq!(obs[5], 0.0);
        }
    }
    // The next step continues the new episodes.
    v.step(&[0.0, 0.0], &mut obs, &mut fin, &mut out).unwrap();
    assert!(out.iter().all(|o| !o.truncated));
}

#[test]
fn a_bad_row_is_reported_and_nothing_steps() {
    let mut v = VecEnv::new(TaskId::CartpoleSwingup, 3, 0);
    let mut obs = vec![0.0; 15];
    let mut fin = vec![0.0; 15];
    let mut out = vec![StepOutcome::default(); 3];
    v.reset(&mut obs);
    let before = obs.clone();
    let e = v
        .step(&[0.0, f32::NAN, 0.0], &mut obs, &mut fin, &mut out)
        .unwrap_err();
    assert_eq!(e.index, 1);
    assert_eq!(obs, before);
    assert!(v.step(&[0.0, 0.0], &mut obs, &mut fin, &mut out).is_err());
}
