//! One full gradient update (critic + actor, everything the authors' `_fused_update` does) at
//! the `paper` and `cpu` presets, and one SAC update, on cheetah-run's shapes (17-d
//! observation, 6-d action), the task of the authors' timing (their JAX code on this machine kind:
//! 0.445 s per rfm update, 6.8 ms per SAC update; `paper-notes/reference-setup.md`).
//!
//! Run (short, the machine is shared):
//! `cargo bench --bench update -- --warm-up-time 2 --measurement-time 10`

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::config::{Algo, Preset, TrainConfig};
use rfm::rl::agent::Agent;
use rfm::rl::build::build_agent;
use rfm::rl::replay::ReplayBuffer;
use rfm::transition::Batch;
use std::hint::black_box;

const OBS: usize = 17;
const ACT: usize = 6;

fn setup(
    algo: Algo,
    preset: Preset,
) -> (
    Box<dyn Agent<f32>>,
    ReplayBuffer<f32>,
    Batch<f32>,
    ChaCha8Rng,
) {
    let config = TrainConfig::preset(algo, preset);
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let agent = build_agent::<f32, _>(&config, OBS, ACT, &mut rng);
    let mut replay = ReplayBuffer::new(10_000, OBS, ACT);
    for _ in 0..10_000 {
        let o: Vec<f32> = (0..OBS).map(|_| rng.random_range(-1.0..1.0)).collect();
        let n: Vec<f32> = (0..OBS).map(|_| rng.random_range(-1.0..1.0)).collect();
        let a: Vec<f32> = (0..ACT).map(|_| rng.random_range(-1.0..1.0)).collect();
        replay.push(&o, &a, rng.random_range(0.0..1.0), &n, false);
    }
    let batch = Batch::zeros(config.schedule.batch_size, OBS, ACT);
    (agent, replay, batch, rng)
}

fn bench_updates(c: &mut Criterion) {
    let mut g = c.benchmark_group("update");
    g.sample_size(10);
    for (name, algo, preset) in [
        ("rfm_cpu", Algo::Rfm, Preset::Cpu),
        ("sac", Algo::Sac, Preset::Paper),
        ("rfm_paper", Algo::Rfm, Preset::Paper),
    ] {
        let (mut agent, replay, mut batch, mut rng) = setup(algo, preset);
        g.bench_function(name, |b| {
            b.iter(|| {
                replay.sample_into(&mut rng, &mut batch);
                black_box(agent.update(&batch, &mut rng))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_updates);
criterion_main!(benches);
