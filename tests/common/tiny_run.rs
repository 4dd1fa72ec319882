//! A training run small enough for about a second: shared by the tests that drive whole runs
//! (included by path, like `seeded.rs`).
#![allow(dead_code)]

use std::path::PathBuf;

use rfm::config::{Algo, Preset, TrainConfig};
use rfm::run::record::RunRecord;

/// A configuration small enough for a ~1 s run: 16-wide nets, K = 4, 2 particles, 2 steps,
/// 100-step episodes, evaluation every 150 steps on one episode.
pub fn tiny(algo: Algo, steps: u64) -> TrainConfig {
    let mut c = TrainConfig::preset(algo, Preset::Cpu);
    let s = &mut c.schedule;
    (
        s.total_steps,
        s.random_steps,
        s.batch_size,
        s.replay_capacity,
    ) = (steps, 100, 32, 1000);
    (
        s.eval_every,
        s.eval_episodes,
        s.log_every,
        s.checkpoint_every,
        s.max_episode_steps,
    ) = (150, 1, 20, 100, 100);
    (c.critic.hidden, c.actor.hidden, c.actor.embed_dim) = (16, 16, 8);
    c.actor.residual_blocks = 1;
    (
        c.sampler.steps,
        c.sampler.particles_act,
        c.sampler.particles_train,
        c.sampler.particles_eval,
    ) = (2, 2, 2, 2);
    c.estimator.samples = c.estimator.samples.min(4);
    (c.maxentdp.log_prob_samples, c.maxentdp.log_prob_steps) = (2, 2);
    c.qvpo.train_samples = 4;
    c.validate().unwrap();
    c
}

/// A run record of [`tiny`] on pendulum-swingup with one thread.
pub fn record(algo: Algo, steps: u64, seed: u64) -> RunRecord {
    RunRecord {
        task: rfm_envs::TaskId::PendulumSwingup,
        seed,
        preset: Preset::Cpu,
        config: tiny(algo, steps),
        threads: 1,
        rfm_version: "test".into(),
        git_commit: "test".into(),
        scalar: "f32".into(),
        started_unix: 0,
    }
}

/// A fresh (removed if present) directory under the temporary directory, unique per process.
pub fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rfm_smoke_{}_{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}
