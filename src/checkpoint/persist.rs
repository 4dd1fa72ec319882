//! A part of a run that writes itself into a checkpoint and reads itself back: the twin
//! critics, an agent, the replay memory. The run's state file is the union of its parts.

use super::{Checkpoint, CheckpointError, CheckpointWriter};

/// Saving into and restoring from one checkpoint, under names the part chooses.
pub trait Persist {
    /// Adds every tensor and metadata entry of the part to `w`.
    fn save(&self, w: &mut CheckpointWriter);
    /// Restores what [`Persist::save`] wrote into the freshly built part.
    ///
    /// # Errors
    /// A missing, mis-shaped or mistyped tensor, or inconsistent metadata.
    fn load(&mut self, c: &Checkpoint) -> Result<(), CheckpointError>;
}

/// The networks an agent acts and scores with, without optimiser state or target networks
/// (`agent.safetensors`, read by `rfm eval --weights`).
pub trait Weights {
    /// Adds the networks' tensors and descriptions to `w`.
    fn save_weights(&self, w: &mut CheckpointWriter);
    /// Restores what [`Weights::save_weights`] wrote (targets, where the part has them, are
    /// set to the loaded networks; optimiser state is left as built).
    ///
    /// # Errors
    /// A missing, mis-shaped, mistyped or non-finite tensor.
    fn load_weights(&mut self, c: &Checkpoint) -> Result<(), CheckpointError>;
}
