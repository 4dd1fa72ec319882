//! Writing checkpoints atomically.

use super::describe::{NETWORKS_KEY, NetworkDescription};
use super::element::{dtype_of, to_le_bytes};
use super::error::{CheckpointError, IoStep};
use super::format::{CHECKSUM_KEY, FORMAT_VERSION, VERSION_KEY, checksum, header_value};
use super::tensor_key;
use crate::Scalar;
use crate::nn::Params;
use ndarray::Array2;
use safetensors::Dtype;
use safetensors::tensor::TensorInfo;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// One tensor's bytes, ready for serialisation.
struct OwnedTensor {
    dtype: Dtype,
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

/// Collects named tensors, metadata and network descriptions, then writes one safetensors
/// file atomically. The output depends only on what was added, never on the order of the
/// calls or on hashing: identical runs give byte-identical files.
#[derive(Default)]
pub struct CheckpointWriter {
    tensors: Vec<(String, OwnedTensor)>,
    metadata: BTreeMap<String, String>,
    networks: Vec<NetworkDescription>,
}

impl CheckpointWriter {
    /// An empty checkpoint.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds tensor `name` (copied now, so the caller may keep training).
    ///
    /// # Panics
    /// If `name` is already present or empty, or `T` is neither f32 nor f64.
    #[track_caller]
    pub fn add<T: Scalar>(&mut self, name: impl Into<String>, tensor: &Array2<T>) -> &mut Self {
        let name = name.into();
        assert!(
            !name.is_empty(),
            "checkpoint tensor names must be non-empty"
        );
        assert!(
            self.tensors.iter().all(|(n, _)| *n != name),
            "checkpoint tensor `{name}` added twice"
        );
        let owned = OwnedTensor {
            dtype: dtype_of::<T>(),
            shape: tensor.shape().to_vec(),
            bytes: to_le_bytes(tensor),
        };
        self.tensors.push((name, owned));
        self
    }

    /// Adds every array of `params` as `prefix.name` (or `name` when `prefix` is empty).
    ///
    /// # Panics
    /// As [`CheckpointWriter::add`].
    #[track_caller]
    pub fn add_params<T: Scalar>(&mut self, prefix: &str, params: &Params<T>) -> &mut Self {
        for (name, value) in params.iter() {
            self.add(tensor_key(prefix, name), value);
        }
        self
    }

    /// Sets a string metadata entry (stored in the header's `__metadata__`).
    pub fn metadata(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Records the architecture of one network whose tensors are (or will be) added; all of
    /// them are stored, sorted by prefix, as JSON under metadata `rfm_networks`.
    pub fn network(&mut self, description: NetworkDescription) -> &mut Self {
        self.networks.push(description);
        self
    }

    /// The serialised bytes: the format version, the network descriptions, the checksum
    /// ([`super::format`]) and a canonical header; tensors laid out by descending dtype width,
    /// then name (safetensors' own order, so 8-byte types stay aligned).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut order: Vec<&(String, OwnedTensor)> = self.tensors.iter().collect();
        order.sort_by(|(ln, l), (rn, r)| r.dtype.cmp(&l.dtype).then(ln.cmp(rn)));
        let mut data = Vec::with_capacity(order.iter().map(|(_, t)| t.bytes.len()).sum());
        let mut infos = Vec::with_capacity(order.len());
        for (name, t) in order {
            let start = data.len();
            data.extend_from_slice(&t.bytes);
            let info = TensorInfo {
                dtype: t.dtype,
                shape: t.shape.clone(),
                data_offsets: (start, data.len()),
            };
            infos.push((name.as_str(), info));
        }
        let mut metadata = self.metadata.clone();
        metadata.insert(VERSION_KEY.to_owned(), FORMAT_VERSION.to_string());
        if !self.networks.is_empty() {
            let mut networks = self.networks.clone();
            networks.sort_by(|a, b| a.prefix.cmp(&b.prefix));
            let json = serde_json::to_string(&networks).expect("descriptions serialise");
            metadata.insert(NETWORKS_KEY.to_owned(), json);
        }
        metadata.remove(CHECKSUM_KEY);
        let sum = checksum(&metadata, infos.iter().map(|(n, i)| (*n, i)), &data);
        metadata.insert(CHECKSUM_KEY.to_owned(), sum);
        let mut header =
            serde_json::to_vec(&header_value(&metadata, infos.iter().map(|(n, i)| (*n, i))))
                .expect("JSON of strings and integers");
        header.resize(header.len().next_multiple_of(8), b' ');
        let mut bytes = Vec::with_capacity(8 + header.len() + data.len());
        bytes.extend_from_slice(&(header.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&header);
        bytes.extend_from_slice(&data);
        bytes
    }

    /// Writes the checkpoint to `path` atomically: temporary file in the same directory,
    /// `fsync`, `rename` over `path`, `fsync` of the directory. On error the temporary file is
    /// removed and `path` is left as it was.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<(), CheckpointError> {
        write_atomic(path.as_ref(), &self.to_bytes())
    }
}

/// Distinguishes temporary files of concurrent writers within one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The directory holding `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// `bytes` → `path` via a temporary sibling file and a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    let io_err = |step: IoStep| {
        let path = path.to_owned();
        move |source| CheckpointError::Io { path, step, source }
    };
    let dir = parent_dir(path);
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "checkpoint".to_owned());
    let temp = dir.join(format!(
        ".{file_name}.tmp-{}-{}",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = File::create_new(&temp).map_err(io_err(IoStep::CreateTemp))?;
        file.write_all(bytes).map_err(io_err(IoStep::Write))?;
        file.sync_all().map_err(io_err(IoStep::Sync))?;
        drop(file);
        fs::rename(&temp, path).map_err(io_err(IoStep::Rename))
    })();
    if result.is_err() {
        // Best effort: the temporary file may not exist if creating it failed.
        let _ = fs::remove_file(&temp);
        return result;
    }
    // Make the rename itself durable. Directories cannot be fsynced on every platform; the
    // checkpoint is already complete and in place, so a failure here is reported, not undone.
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(IoStep::Sync))
}

/// Writes `params` (keys = parameter names) to `path` atomically.
///
/// # Panics
/// If `T` is neither f32 nor f64.
pub fn save_params<T: Scalar>(
    path: impl AsRef<Path>,
    params: &Params<T>,
) -> Result<(), CheckpointError> {
    let mut writer = CheckpointWriter::new();
    writer.add_params("", params).metadata("rfm_dtype", T::NAME);
    writer.write(path)
}
