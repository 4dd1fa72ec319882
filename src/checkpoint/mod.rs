//! Checkpoints in the safetensors format, the format PyTorch and JAX users read
//! (`safetensors.numpy.load_file("critic.safetensors")` opens our weights in Python).
//!
//! - [`CheckpointWriter`] collects named 2-D tensors (f32 or f64, little-endian, row-major) and
//!   string metadata, then writes them atomically: a temporary file in the destination's
//!   directory, `fsync`, `rename` over the destination, `fsync` of the directory. A crash or an
//!   error leaves either the old file or the new one, never a partial file.
//! - [`Checkpoint`] reads and validates a file and hands out tensors checked against the shape
//!   and dtype the model expects. Every defect of the file (truncated, corrupt header, wrong
//!   shape, wrong dtype, missing or unexpected tensor) is a [`CheckpointError`] naming the tensor
//!   and shapes involved; bad files never panic.
//! - [`save_params`] / [`load_params`] do both for one [`crate::nn::Params`] store;
//!   [`Persist`] is a part of a run that saves and restores itself (critics, agent, replay);
//!   [`state_io`] adds optimiser moments and scalars.

pub mod describe;
pub mod element;
pub mod error;
pub mod format;
pub mod persist;
pub mod read;
pub mod state_io;
pub mod write;

pub use error::{CheckpointError, IoStep};
pub use persist::{Persist, Weights};
pub use read::{Checkpoint, load_params};
pub use write::{CheckpointWriter, save_params};

/// The tensor key of parameter `name` under `prefix` (`"critic"`, `"l0.w"` → `"critic.l0.w"`);
/// an empty prefix leaves the name unchanged.
pub fn tensor_key(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}
