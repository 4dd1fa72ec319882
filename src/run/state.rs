//! The resumable state of a run, saved into one atomic safetensors file
//! (`DIR/checkpoint.safetensors`): the agent (parameters, targets, optimiser moments), the
//! replay buffer, the step counters, the positions of the three random streams and, when a stop
//! cut an episode, where that episode began. Every stream is restored to its exact word
//! position, and a cut episode is re-enacted from its stored actions (see
//! `rl::trainer`), so a resumed run repeats the uninterrupted run bit for bit.

use std::path::Path;

use rand_chacha::ChaCha8Rng;

use super::record::RunRecord;
use crate::checkpoint::describe::{CONTENT_KEY, Content, describe_run};
use crate::checkpoint::state_io::metadata_u64;
use crate::checkpoint::{Checkpoint, CheckpointError, CheckpointWriter, Persist, Weights};

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
    /// The episode in progress, `None` between episodes.
    pub open_episode: Option<OpenEpisode>,
}

/// An episode in progress: enough to bring a fresh env back to its exact state, by resetting
/// it from the same stream position and replaying the episode's actions (the last `steps`
/// transitions of the replay memory).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenEpisode {
    /// Word position of the env stream just before the episode's reset.
    pub rng_env_at_reset: u128,
    /// Env steps taken in the episode so far.
    pub steps: u64,
}

/// Writes the full state atomically to `path`: every part, the counters, the stream
/// positions and the run record.
///
/// # Errors
/// An I/O failure (the previous file is then left untouched).
pub fn save_state(
    path: &Path,
    record: &RunRecord,
    parts: &[&dyn Persist],
    state: &LoopState,
) -> Result<(), CheckpointError> {
    let mut w = CheckpointWriter::new();
    for part in parts {
        part.save(&mut w);
    }
    describe_run(&mut w, record.task);
    w.metadata(CONTENT_KEY, Content::State.as_str());
    w.metadata("step", state.step.to_string())
        .metadata("updates", state.updates.to_string())
        .metadata("rng_env", state.env_rng.get_word_pos().to_string())
        .metadata("rng_agent", state.agent_rng.get_word_pos().to_string())
        .metadata("rng_replay", state.replay_rng.get_word_pos().to_string())
        .metadata(
            "run_record",
            serde_json::to_string(record).expect("record serialises"),
        );
    if let Some(ep) = &state.open_episode {
        w.metadata("episode_rng_env_at_reset", ep.rng_env_at_reset.to_string())
            .metadata("episode_steps", ep.steps.to_string());
    }
    w.write(path)
}

/// Writes the agent's networks alone, without optimiser state or targets (for `rfm eval
/// --weights`), with the run record in the metadata.
///
/// # Errors
/// An I/O failure.
pub fn save_agent(
    path: &Path,
    record: &RunRecord,
    agent: &dyn Weights,
    step: u64,
) -> Result<(), CheckpointError> {
    let mut w = CheckpointWriter::new();
    agent.save_weights(&mut w);
    describe_run(&mut w, record.task);
    w.metadata(CONTENT_KEY, Content::Weights.as_str());
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
    RunRecord::from_json(text).map_err(|e| CheckpointError::CorruptHeader {
        path: c.path().to_owned(),
        reason: format!("metadata `run_record` is not a valid run record: {e}"),
    })
}

/// Restores the parts (agent, replay memory) and the loop state from `c` into the freshly
/// built `parts` and `state` (whose streams must be the run's streams at word position 0).
///
/// # Errors
/// A missing or mis-shaped tensor, or inconsistent metadata.
pub fn load_state(
    c: &Checkpoint,
    parts: &mut [&mut dyn Persist],
    state: &mut LoopState,
) -> Result<(), CheckpointError> {
    for part in parts.iter_mut() {
        part.load(c)?;
    }
    c.ensure_all_used(&[])?;
    let corrupt = |reason: String| CheckpointError::CorruptHeader {
        path: c.path().to_owned(),
        reason,
    };
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
    // Checkpoints taken between episodes (all of them before stops were handled) have no
    // open episode.
    state.open_episode = match c.metadata("episode_steps") {
        None => None,
        Some(_) => Some(OpenEpisode {
            rng_env_at_reset: pos("episode_rng_env_at_reset")?,
            steps: metadata_u64(c, "episode_steps")?,
        }),
    };
    Ok(())
}
