//! The resumable state of a run, saved at episode boundaries into one atomic safetensors file
//! (`DIR/checkpoint.safetensors`): the agent (parameters, targets, optimiser moments), the
//! replay buffer, the step counters and the positions of the three random streams. Because the
//! env is between episodes and every stream is restored to its exact word position, a resumed
//! run repeats the uninterrupted run bit for bit.

use std::path::Path;

use ndarray::{Array1, Array2, s};
use rand_chacha::ChaCha8Rng;

use super::agent::Agent;
use super::replay::ReplayBuffer;
use super::run_record::RunRecord;
use super::state_io::metadata_u64;
use crate::checkpoint::{Checkpoint, CheckpointError, CheckpointWriter};

/// Counters and random streams of the loop.
pub struct LoopState {
    /// Environment steps taken.
    pub step: u64,
    /// Gradient updates done.
    pub updates: u64,
    /// Stream of the training env's resets.
    pub env_rng: ChaCha8Rng,
    /// Stream of actions and updates.
    pub agent_rng: ChaCha8Rng,
    /// Stream of replay sampling.
    pub replay_rng: ChaCha8Rng,
}

/// Writes the full state atomically to `path`.
///
/// # Errors
/// An I/O failure (the previous file is then left untouched).
pub fn save_state(
    path: &Path,
    record: &RunRecord,
    agent: &dyn Agent<f32>,
    replay: &ReplayBuffer<f32>,
    state: &LoopState,
) -> Result<(), CheckpointError> {
    let mut w = CheckpointWriter::new();
    agent.save(&mut w);
    let (next, len) = replay.cursor();
    for (name, v) in replay.tensors() {
        w.add(name, &v.slice(s![..len, ..]).to_owned());
    }
    for (name, v) in replay.columns() {
        let col = v.slice(s![..len]).to_owned().insert_axis(ndarray::Axis(1));
        w.add(name, &col);
    }
    w.metadata("replay_next", next.to_string())
        .metadata("replay_len", len.to_string())
        .metadata("step", state.step.to_string())
        .metadata("updates", state.updates.to_string())
        .metadata("rng_env", state.env_rng.get_word_pos().to_string())
        .metadata("rng_agent", state.agent_rng.get_word_pos().to_string())
        .metadata("rng_replay", state.replay_rng.get_word_pos().to_string())
        .metadata(
            "run_record",
            serde_json::to_string(record).expect("record serialises"),
        );
    w.write(path)
}

/// Writes the agent alone (for `rfm eval`), with the run record in the metadata.
///
/// # Errors
/// An I/O failure.
pub fn save_agent(
    path: &Path,
    record: &RunRecord,
    agent: &dyn Agent<f32>,
    step: u64,
) -> Result<(), CheckpointError> {
    let mut w = CheckpointWriter::new();
    agent.save(&mut w);
    w.metadata("step", step.to_string()).metadata(
        "run_record",
        serde_json::to_string(record).expect("record serialises"),
    );
    w.write(path)
}

/// The run record stored in a checkpoint's metadata.
///
/// # Errors
/// When missing or not a valid record.
pub fn record_of(c: &Checkpoint) -> Result<RunRecord, CheckpointError> {
    let text = c
        .metadata("run_record")
        .ok_or_else(|| CheckpointError::CorruptHeader {
            path: c.path().to_owned(),
            reason: "metadata `run_record` is missing (not an rfm training checkpoint)".into(),
        })?;
    serde_json::from_str(text).map_err(|e| CheckpointError::CorruptHeader {
        path: c.path().to_owned(),
        reason: format!("metadata `run_record` is not a valid run record: {e}"),
    })
}

/// Restores agent, replay and loop state from `c` into the freshly built `agent`, `replay`
/// and `state` (whose streams must be the run's streams at word position 0).
///
/// # Errors
/// A missing or mis-shaped tensor, or inconsistent metadata.
pub fn load_state(
    c: &Checkpoint,
    agent: &mut dyn Agent<f32>,
    replay: &mut ReplayBuffer<f32>,
    state: &mut LoopState,
) -> Result<(), CheckpointError> {
    agent.load(c)?;
    let len = metadata_u64(c, "replay_len")? as usize;
    let next = metadata_u64(c, "replay_next")? as usize;
    let cap = replay.capacity();
    let (o, d) = (replay.obs_dim(), replay.action_dim());
    let corrupt = |reason: String| CheckpointError::CorruptHeader {
        path: c.path().to_owned(),
        reason,
    };
    if len > cap {
        return Err(corrupt(format!(
            "replay_len {len} exceeds the configured capacity {cap}"
        )));
    }
    let pad = |a: Array2<f32>, cols: usize| {
        let mut full = Array2::zeros((cap, cols));
        full.slice_mut(s![..len, ..]).assign(&a);
        full
    };
    let obs = pad(c.tensor::<f32>("replay.obs", (len, o))?, o);
    let action = pad(c.tensor::<f32>("replay.action", (len, d))?, d);
    let next_obs = pad(c.tensor::<f32>("replay.next_obs", (len, o))?, o);
    let col = |name: &str| -> Result<Array1<f32>, CheckpointError> {
        let a = c.tensor::<f32>(name, (len, 1))?;
        let mut full = Array1::zeros(cap);
        full.slice_mut(s![..len]).assign(&a.column(0));
        Ok(full)
    };
    let reward = col("replay.reward")?;
    let terminated = col("replay.terminated")?;
    *replay = ReplayBuffer::from_parts(obs, action, next_obs, reward, terminated, next, len)
        .map_err(corrupt)?;
    state.step = metadata_u64(c, "step")?;
    state.updates = metadata_u64(c, "updates")?;
    let pos = |key: &str| -> Result<u128, CheckpointError> {
        c.metadata(key)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| corrupt(format!("metadata `{key}` is missing or not an integer")))
    };
    state.env_rng.set_word_pos(pos("rng_env")?);
    state.agent_rng.set_word_pos(pos("rng_agent")?);
    state.replay_rng.set_word_pos(pos("rng_replay")?);
    Ok(())
}
