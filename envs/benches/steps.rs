//! Control steps per second per task: one env on one thread, and a `VecEnv` of 8 envs on a
//! 2-thread rayon pool. Uniform random actions drawn ahead of time; resets are included
//! (episodes of 1000 steps run back to back), as in dm_control's own measurement.
//!
//! `cargo bench -p rfm-envs --bench steps` (the machine is shared: note the load).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm_envs::{StepOutcome, TaskId, VecEnv, make};

const STEPS: usize = 1000;
const VEC_ENVS: usize = 8;

fn actions(dim: usize, n: usize) -> Vec<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    (0..dim * n).map(|_| rng.random_range(-1.0..=1.0)).collect()
}

fn single(c: &mut Criterion) {
    let mut g = c.benchmark_group("single_thread");
    g.sample_size(10);
    g.throughput(Throughput::Elements(STEPS as u64));
    for &id in TaskId::all() {
        let mut env = make(id);
        let spec = env.spec();
        let acts = actions(spec.action_dim(), STEPS);
        let mut obs = vec![0.0; spec.obs_dim()];
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        env.reset(&mut rng, &mut obs);
        g.bench_function(id.name(), |b| {
            b.iter(|| {
                for a in acts.chunks(spec.action_dim()) {
                    let out = env.step(a, &mut obs).unwrap();
                    if out.truncated {
                        env.reset(&mut rng, &mut obs);
                    }
                }
            })
        });
    }
    g.finish();
}

fn vectorised(c: &mut Criterion) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let mut g = c.benchmark_group("vec8_two_threads");
    g.sample_size(10);
    g.throughput(Throughput::Elements((STEPS / 10 * VEC_ENVS) as u64));
    for &id in TaskId::all() {
        let mut v = VecEnv::new(id, VEC_ENVS, 0);
        let spec = v.spec();
        let (d, a) = (spec.obs_dim(), spec.action_dim());
        let acts = actions(a * VEC_ENVS, STEPS / 10);
        let mut obs = vec![0.0; VEC_ENVS * d];
        let mut fin = vec![0.0; VEC_ENVS * d];
        let mut out = vec![StepOutcome::default(); VEC_ENVS];
        pool.install(|| v.reset(&mut obs));
        g.bench_function(id.name(), |b| {
            b.iter(|| {
                pool.install(|| {
                    for row in acts.chunks(a * VEC_ENVS) {
                        v.step(row, &mut obs, &mut fin, &mut out).unwrap();
                    }
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, single, vectorised);
criterion_main!(benches);
