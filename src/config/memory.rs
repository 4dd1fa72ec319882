//! The memory a run needs, estimated from its settings before anything is allocated, and the
//! refusal of a run that cannot fit in this machine's memory.
//!
//! The estimate counts the largest arrays a run holds at once, in f32 (4 bytes): the replay
//! buffer, the update's working set (the estimator's `B·K` reverse samples through both critics,
//! the `B·P` particles through the actor and the critics), acting and evaluation (the particles
//! of `eval_episodes` envs), and the networks with their gradients and Adam moments. It is a
//! bound on the arrays, not a measurement: small buffers, the tape's bookkeeping and the
//! allocator's slack are not counted, nor the physics worlds beyond a fixed allowance each.

use super::algo::Algo;
use super::check::ConfigError;
use super::settings::TrainConfig;

/// Bytes of one stored number (the networks and buffers are f32).
const F32: f64 = 4.0;

/// Allowance for one physics world of an evaluation env (bodies, joints, contact caches).
const ENV_BYTES: f64 = 1024.0 * 1024.0;

/// The memory a run needs, by part, in bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MemoryEstimate {
    /// Replay buffer: `capacity × (2·obs + action + 2)` numbers.
    pub replay: f64,
    /// One update: estimator reverse samples and particles through the networks.
    pub update: f64,
    /// Acting and evaluation: particles of every evaluation env, and the envs.
    pub acting: f64,
    /// Network parameters, gradients, Adam moments and target copies.
    pub networks: f64,
}

impl MemoryEstimate {
    /// The estimate for `config` on a task with these dimensions.
    pub fn of(config: &TrainConfig, obs_dim: usize, action_dim: usize) -> Self {
        let (o, d) = (obs_dim as f64, action_dim as f64);
        let s = &config.schedule;
        let c = &config.critic;
        let a = &config.actor;
        let p = &config.sampler;
        let (hc, lc) = (c.hidden as f64, c.layers as f64);
        let (ha, blocks, emb) = (
            a.hidden as f64,
            a.residual_blocks as f64,
            a.embed_dim as f64,
        );
        // Activations per row: every hidden layer of one critic; the actor's first layer,
        // residual blocks and the two embeddings.
        let critic_row = hc * lc;
        let actor_row = ha * (blocks + 1.0) + 2.0 * emb;
        // A row through both critics keeps pre-activations, activations and their gradients
        // (3 × 2 critics) and its input (obs, action); an actor row keeps its activations and
        // their gradients; reverse samples keep noise, points, gradients and scores (4d).
        let through_critics = 6.0 * critic_row + o + d;
        let through_actor = 2.0 * actor_row + o + d;
        let b = s.batch_size as f64;
        let reverse = b * config.estimator.samples as f64 * (through_critics + 4.0 * d + 2.0);
        // qvpo also draws `train_samples` per state and regresses on B·(1 + E) rows.
        let (per_state, rows) = match config.algo {
            Algo::Qvpo => (
                p.particles_train.max(config.qvpo.train_samples),
                1 + config.qvpo.entropy_samples,
            ),
            _ => (p.particles_train, 1),
        };
        let particles = b * per_state as f64 * (through_actor + through_critics + 2.0 * d);
        let batch = b * (through_critics + through_actor + 2.0 * o + 4.0 * d + d * d)
            + b * (rows - 1) as f64 * (through_actor + o + 3.0 * d);
        let act_rows =
            (p.particles_act as f64).max(p.particles_eval as f64 * s.eval_episodes as f64);
        let critic_params = (o + d) * hc + (lc - 1.0) * hc * hc + (lc + 1.0) * hc + 1.0;
        let actor_params =
            (o + d + 2.0 * emb) * ha + blocks * ha * ha + (blocks + 1.0) * ha + ha * d + d;
        MemoryEstimate {
            replay: F32 * s.replay_capacity as f64 * (2.0 * o + d + 2.0),
            update: F32 * (reverse + particles + batch),
            acting: F32 * act_rows * (through_actor + through_critics + 2.0 * d)
                + s.eval_episodes as f64 * ENV_BYTES,
            // Two critics with gradients and two Adam moments, two targets; the actor likewise.
            networks: F32 * (critic_params * (2.0 * 4.0 + 2.0) + actor_params * 4.0),
        }
    }

    /// The sum of the parts.
    pub fn total(&self) -> f64 {
        self.replay + self.update + self.acting + self.networks
    }
}

/// Total physical memory of this machine in bytes (Linux `/proc/meminfo`), if known.
pub fn machine_memory() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024.0)
}

/// Refuses `config` when its estimate exceeds `available` bytes (no check when unknown).
///
/// # Errors
/// [`ConfigError::Memory`] with the estimate by part and the machine's memory.
pub fn check_memory(
    config: &TrainConfig,
    obs_dim: usize,
    action_dim: usize,
    available: Option<f64>,
) -> Result<MemoryEstimate, ConfigError> {
    let m = MemoryEstimate::of(config, obs_dim, action_dim);
    match available {
        Some(avail) if m.total() > avail => {
            let gb = |x: f64| format!("{:.1} GB", x / 1e9);
            Err(ConfigError::Memory {
                needed: format!(
                    "{} (replay {}, update {}, acting and evaluation {}, networks {})",
                    gb(m.total()),
                    gb(m.replay),
                    gb(m.update),
                    gb(m.acting),
                    gb(m.networks)
                ),
                available: gb(avail),
            })
        }
        _ => Ok(m),
    }
}
