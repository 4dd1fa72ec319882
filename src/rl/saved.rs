//! A trained agent read back from a run's files: `checkpoint.safetensors` (full state) or
//! `agent.safetensors` (networks only), checked to hold exactly what the agent restores.

use std::path::Path;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::agent::Agent;
use super::build::{Built, build, build_agent};
use super::generative_agent::GenerativeAgent;
use crate::checkpoint::describe::Content;
use crate::checkpoint::{Checkpoint, CheckpointError, Persist, Weights};
use crate::run::record::RunRecord;
use crate::run::state::record_of;

/// A loaded agent, its run record and the file it came from.
pub struct SavedAgent {
    /// The agent, built from the record's configuration and loaded from the file.
    pub agent: Box<dyn Agent<f32>>,
    /// The run record stored in the file (validated).
    pub record: RunRecord,
    /// The file (for its other metadata).
    pub checkpoint: Checkpoint,
}

/// Reads `path` and loads the agent it holds. `expected` is what the caller asked for
/// (`None`: whatever the file declares). A full state restores the agent with its optimiser
/// state and may also hold the replay memory (`replay.*`); a weights file must hold exactly the
/// agent's networks.
///
/// # Errors
/// Unreadable or corrupt file, content other than `expected`, or any tensor missing,
/// mis-shaped, non-finite or unexpected.
pub fn load_saved_agent(
    path: &Path,
    expected: Option<Content>,
) -> Result<SavedAgent, CheckpointError> {
    saved_agent_of(Checkpoint::read(path)?, expected)
}

/// As [`load_saved_agent`], for a checkpoint already read.
///
/// # Errors
/// As [`load_saved_agent`].
pub fn saved_agent_of(
    c: Checkpoint,
    expected: Option<Content>,
) -> Result<SavedAgent, CheckpointError> {
    let path = c.path().to_owned();
    // The record first: a bad record is the more basic defect, named by field.
    let record = record_of(&c)?;
    let found = Content::of(&c);
    let content = match (expected, found) {
        (Some(e), Some(f)) if e == f => e,
        (None, Some(f)) => f,
        (Some(e), f) => {
            return Err(CheckpointError::WrongContent {
                path: path.to_owned(),
                found: f.map_or("nothing declared".to_owned(), |f| f.as_str().to_owned()),
                expected: e.as_str(),
                hint: match f {
                    Some(Content::State) => "pass it with --checkpoint",
                    Some(Content::Weights) => "pass it with --weights",
                    None => "metadata `rfm_content` is missing",
                },
            });
        }
        (None, None) => {
            return Err(CheckpointError::WrongContent {
                path: path.to_owned(),
                found: "nothing declared".to_owned(),
                expected: "state or weights",
                hint: "metadata `rfm_content` is missing",
            });
        }
    };
    let spec = record.task.spec();
    let mut agent = build_agent::<f32, _>(
        &record.config,
        spec.obs_dim(),
        spec.action_dim(),
        &mut ChaCha8Rng::seed_from_u64(0),
    );
    match content {
        Content::State => {
            agent.load(&c)?;
            c.ensure_all_used(&["replay."])?;
        }
        Content::Weights => {
            agent.load_weights(&c)?;
            c.ensure_all_used(&[])?;
        }
    }
    Ok(SavedAgent {
        agent,
        record,
        checkpoint: c,
    })
}

/// The flow/diffusion agent (rfm, qne, maxentdp, dqs, qsm) that a checkpoint holds, as its
/// concrete type (for tools that read its policy and estimator), loaded from the full state or
/// from the weights as the file declares; `None` beside the record for another algorithm.
///
/// # Errors
/// A bad record, or a tensor missing, mis-shaped or non-finite.
pub fn generative_agent_of(
    c: &Checkpoint,
) -> Result<(RunRecord, Option<Box<GenerativeAgent<f32>>>), CheckpointError> {
    let record = record_of(c)?;
    let spec = record.task.spec();
    let built = build::<f32, _>(
        &record.config,
        spec.obs_dim(),
        spec.action_dim(),
        &mut ChaCha8Rng::seed_from_u64(0),
    );
    let Built::Generative(mut agent) = built else {
        return Ok((record, None));
    };
    match Content::of(c) {
        Some(Content::Weights) => agent.load_weights(c)?,
        _ => agent.load(c)?,
    }
    Ok((record, Some(agent)))
}
