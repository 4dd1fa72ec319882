//! Saving and restoring optimiser state and scalars through safetensors checkpoints.

use ndarray::Array2;

use crate::Scalar;
use crate::checkpoint::{Checkpoint, CheckpointError, CheckpointWriter};
use crate::nn::Params;
use crate::optim::Adam;

/// Adds Adam's moments (`<prefix>_m.*`, `<prefix>_v.*`) and step count (metadata `<prefix>_step`).
pub fn save_adam<T: Scalar>(w: &mut CheckpointWriter, prefix: &str, adam: &Adam<T>) {
    w.add_params(&format!("{prefix}_m"), adam.first_moment());
    w.add_params(&format!("{prefix}_v"), adam.second_moment());
    w.metadata(format!("{prefix}_step"), adam.step_count().to_string());
}

/// Restores what [`save_adam`] wrote; `layout` gives the names and shapes.
///
/// # Errors
/// A missing or mis-shaped tensor, or a missing/unparsable step count.
pub fn load_adam<T: Scalar>(
    c: &Checkpoint,
    prefix: &str,
    adam: &mut Adam<T>,
    layout: &Params<T>,
) -> Result<(), CheckpointError> {
    let mut m = layout.zeros_like();
    let mut v = layout.zeros_like();
    c.load_params(&format!("{prefix}_m"), &mut m)?;
    c.load_params(&format!("{prefix}_v"), &mut v)?;
    let step = metadata_u64(c, &format!("{prefix}_step"))?;
    adam.set_state(m, v, step);
    Ok(())
}

/// Stores an f64 scalar as a 1×1 tensor.
pub fn save_scalar(w: &mut CheckpointWriter, name: &str, value: f64) {
    w.add(name, &Array2::from_elem((1, 1), value));
}

/// Reads a 1×1 f64 tensor.
///
/// # Errors
/// When missing or mis-shaped.
pub fn load_scalar(c: &Checkpoint, name: &str) -> Result<f64, CheckpointError> {
    Ok(c.tensor::<f64>(name, (1, 1))?[[0, 0]])
}

/// Reads an integer metadata entry.
///
/// # Errors
/// [`CheckpointError::CorruptHeader`] naming the key when missing or not an integer.
pub fn metadata_u64(c: &Checkpoint, key: &str) -> Result<u64, CheckpointError> {
    c.metadata(key)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| CheckpointError::CorruptHeader {
            path: c.path().to_owned(),
            reason: format!("metadata `{key}` is missing or not an unsigned integer"),
        })
}

/// The name of the first non-finite entry among `stores`, as `<label>.<param>`.
pub fn first_non_finite<T: Scalar>(stores: &[(&str, &Params<T>)]) -> Option<String> {
    for (label, p) in stores {
        for (name, v) in p.iter() {
            if v.iter().any(|x| !x.is_finite()) {
                return Some(format!("{label}.{name}"));
            }
        }
    }
    None
}
