use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm_envs::Env;
use rfm_envs::tasks::fish::{Fish, FishVariant};

#[test]
fn scratch_speed_and_returns() {
    for v in [FishVariant::Upright, FishVariant::Swim] {
        let mut e = Env::new(Box::new(Fish::new(v)));
        let d = e.spec().obs_dim();
        let mut obs = vec![0.0; d];
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let t = std::time::Instant::now();
        let mut rets = vec![];
        let mut maxv: f32 = 0.0;
        for _ in 0..5 {
            e.reset(&mut rng, &mut obs);
            let mut ret = 0.0;
            loop {
                let a: Vec<f32> = (0..5).map(|_| rng.random_range(-1.0..1.0)).collect();
                let o = e.step(&a, &mut obs).unwrap();
                ret += o.reward.total;
                for x in &obs[d - 13..] {
                    maxv = maxv.max(x.abs());
                }
                if o.truncated {
                    break;
                }
            }
            rets.push(ret);
        }
        let dt = t.elapsed().as_secs_f64();
        eprintln!(
            "{v:?}: {:.0} steps/s returns {rets:?} maxvel {maxv} last obs {obs:?}",
            5000.0 / dt
        );
    }
}
