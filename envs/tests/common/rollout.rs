//! The rollout loop shared by the task test files.
#![allow(dead_code)]

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm_envs::Env;

/// Runs `steps` control steps with actions from `act`, calling `check(obs, reward, terms)`
/// after each; resets (from the same RNG) when an episode is truncated.
pub fn rollout(
    e: &mut Env,
    seed: u64,
    steps: usize,
    mut act: impl FnMut(&mut ChaCha8Rng, &mut [f32]),
    mut check: impl FnMut(&[f32], f64, &[(&'static str, f64)]),
) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut obs = vec![0.0; e.spec().obs_dim()];
    let mut action = vec![0.0; e.spec().action_dim()];
    e.reset(&mut rng, &mut obs);
    for _ in 0..steps {
        act(&mut rng, &mut action);
        let out = e.step(&action, &mut obs).expect("valid action");
        check(&obs, out.reward.total, out.reward.terms());
        if out.truncated {
            e.reset(&mut rng, &mut obs);
        }
    }
}
