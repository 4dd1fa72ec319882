//! The checkpoint error type: every defect names the file, and the tensor and shapes involved.

use safetensors::Dtype;
use std::path::PathBuf;

/// The file-system step that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoStep {
    /// Reading the checkpoint.
    Read,
    /// Creating the temporary file next to the destination.
    CreateTemp,
    /// Writing the bytes to the temporary file.
    Write,
    /// `fsync` of the temporary file or the directory.
    Sync,
    /// Renaming the temporary file over the destination.
    Rename,
}

impl std::fmt::Display for IoStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IoStep::Read => "read",
            IoStep::CreateTemp => "create a temporary file for",
            IoStep::Write => "write",
            IoStep::Sync => "fsync",
            IoStep::Rename => "rename the temporary file onto",
        })
    }
}

/// Why a checkpoint could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// The operating system refused a step.
    #[error("cannot {step} checkpoint {path}: {source}")]
    Io {
        /// The checkpoint path.
        path: PathBuf,
        /// The step that failed.
        step: IoStep,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file ends before the data its header announces.
    #[error(
        "checkpoint {path} is truncated: its {part} needs {expected} bytes in total, the file has {actual}"
    )]
    Truncated {
        /// The checkpoint path.
        path: PathBuf,
        /// Which part is cut off: `"8-byte header length"`, `"JSON header"` or `"tensor data"`.
        part: &'static str,
        /// File length the header implies.
        expected: u64,
        /// Actual file length.
        actual: u64,
    },
    /// The header is not a valid safetensors header.
    #[error("checkpoint {path} has a corrupt header: {reason}")]
    CorruptHeader {
        /// The checkpoint path.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A tensor has a different shape from the model's.
    #[error(
        "tensor `{name}` in checkpoint {path} has shape {found:?}, but the model expects {expected:?}"
    )]
    ShapeMismatch {
        /// The checkpoint path.
        path: PathBuf,
        /// The tensor key.
        name: String,
        /// Shape the model expects.
        expected: Vec<usize>,
        /// Shape stored in the file.
        found: Vec<usize>,
    },
    /// A tensor has a different element type from the model's.
    #[error(
        "tensor `{name}` (shape {shape:?}) in checkpoint {path} has dtype {found:?}, but the model expects {expected:?}"
    )]
    DtypeMismatch {
        /// The checkpoint path.
        path: PathBuf,
        /// The tensor key.
        name: String,
        /// Shape stored in the file.
        shape: Vec<usize>,
        /// Dtype the model expects (`F32` or `F64`).
        expected: Dtype,
        /// Dtype stored in the file.
        found: Dtype,
    },
    /// The model needs a tensor the file does not hold.
    #[error(
        "tensor `{name}` (shape {expected:?}) is missing from checkpoint {path}, which holds {available:?}"
    )]
    MissingTensor {
        /// The checkpoint path.
        path: PathBuf,
        /// The tensor key.
        name: String,
        /// Shape the model expects.
        expected: Vec<usize>,
        /// The tensor keys in the file, sorted.
        available: Vec<String>,
    },
    /// The file has no format version: it was written before checksums existed (format 1), or
    /// is not an rfm checkpoint. Such files are refused, not trusted unchecked.
    #[error(
        "checkpoint {path} has no metadata `{key}`: it predates checksummed checkpoints (format 1) or was not written by rfm; this build reads format {supported} only, so retrain or re-save it with this build"
    )]
    MissingVersion {
        /// The checkpoint path.
        path: PathBuf,
        /// The metadata key looked for.
        key: &'static str,
        /// The version this build reads.
        supported: u32,
    },
    /// The file's format version is not the one this build reads.
    #[error(
        "checkpoint {path} has format version `{found}`; this build reads version {supported} only"
    )]
    UnsupportedVersion {
        /// The checkpoint path.
        path: PathBuf,
        /// The stored version text.
        found: String,
        /// The version this build reads.
        supported: u32,
    },
    /// The stored checksum is missing or does not match the file's metadata and data.
    #[error(
        "checkpoint {path} is corrupt: SHA-256 of its metadata and data is {computed}, the file records {stored}"
    )]
    ChecksumMismatch {
        /// The checkpoint path.
        path: PathBuf,
        /// The recorded checksum (`"nothing"` when absent).
        stored: String,
        /// The checksum of the bytes read.
        computed: String,
    },
    /// The file holds something other than what the command asked for.
    #[error("checkpoint {path} holds {found}, but {expected} was asked for ({hint})")]
    WrongContent {
        /// The checkpoint path.
        path: PathBuf,
        /// What it declares (`"state"`, `"weights"` or `"nothing declared"`).
        found: String,
        /// What was asked for.
        expected: &'static str,
        /// How to ask for what it holds.
        hint: &'static str,
    },
    /// A tensor holds a NaN or an infinity.
    #[error(
        "tensor `{name}` in checkpoint {path} holds a non-finite value {value} at flat index {index}"
    )]
    NonFinite {
        /// The checkpoint path.
        path: PathBuf,
        /// The tensor key.
        name: String,
        /// Row-major index of the first non-finite entry.
        index: usize,
        /// The value (NaN, inf or -inf).
        value: f64,
    },
    /// The file holds a tensor the model does not have (under the prefix being loaded).
    #[error(
        "checkpoint {path} holds tensor `{name}` (shape {shape:?}) that the model does not have"
    )]
    UnexpectedTensor {
        /// The checkpoint path.
        path: PathBuf,
        /// The tensor key.
        name: String,
        /// Its shape in the file.
        shape: Vec<usize>,
    },
}
