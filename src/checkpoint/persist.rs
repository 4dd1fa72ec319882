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
