//! Measurement behind `paper-notes/presets.md` (not a pass/fail test): the mean Q of the
//! selected action as a function of particles and sampling steps, on the critic and policy of a
//! finished demo run (`runs/demo`, written by `cargo run --release`). The regression-target
//! error per coefficient and K that this file also measured is now `rfm ablate`
//! (`src/ablation/`, paper-notes/ablations.md).
//!
//! Run: `cargo run --release` (writes runs/demo), then `cargo bench --bench presets_sampling`.

use ndarray::{Array1, Array2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::checkpoint::Checkpoint;
use rfm::checkpoint::Persist;
use rfm::policies::resample::Selection;
use rfm::rl::build::{Built, build};
use rfm::run::state::record_of;

fn main() {
    let c = Checkpoint::read("runs/demo/checkpoint.safetensors")
        .expect("run `cargo run --release` first");
    let record = record_of(&c).unwrap();
    let task = record.task;
    let (o, d) = (task.spec().obs_dim(), task.spec().action_dim());
    let Built::Generative(mut agent) =
        build::<f32, _>(&record.config, o, d, &mut ChaCha8Rng::seed_from_u64(0))
    else {
        panic!("demo run is not a generative agent")
    };
    agent.load(&c).unwrap();
    let len: usize = c.metadata("replay_len").unwrap().parse().unwrap();
    let replay_obs = c.tensor::<f32>("replay.obs", (len, o)).unwrap();
    let b = 256;
    let obs = Array2::from_shape_fn((b, o), |(r, j)| replay_obs[[(r * 7919) % len, j]]);
    let temperature = record.config.sampler.temperature;
    let sel = Selection::Softmax { temperature };

    // Sampling quality: mean min(Q1, Q2) of the selected action (softmax(Q/λ) selection).
    println!("\n| particles | Euler steps | mean Q of selected action |");
    println!("|---|---|---|");
    let mut actions = Array2::<f32>::zeros((b, d));
    let mut q = Array1::<f32>::zeros(b);
    for p in [1usize, 4, 8, 32] {
        for steps in [2usize, 5, 10] {
            agent.policy.steps = steps;
            let mut total = 0.0;
            let reps = 4;
            for s in 0..reps {
                let mut r = ChaCha8Rng::seed_from_u64(100 + s);
                agent.sample_selected(obs.view(), p, sel, &mut r, None, Some(actions.view_mut()));
                agent
                    .critic
                    .q_min(false, obs.view(), actions.view(), 1, q.view_mut());
                total += q.iter().map(|v| *v as f64).sum::<f64>() / b as f64;
            }
            println!("| {p} | {steps} | {:.3} |", total / reps as f64);
        }
    }
}
