//! Reading and validating checkpoints.

use super::element::{dtype_of, from_le_bytes};
use super::error::{CheckpointError, IoStep};
use super::format::{CHECKSUM_KEY, FORMAT_VERSION, VERSION_KEY, checksum};
use super::tensor_key;
use crate::Scalar;
use crate::nn::Params;
use ndarray::Array2;
use safetensors::SafeTensorError;
use safetensors::tensor::{Metadata, TensorInfo};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Length of the little-endian `u64` that opens a safetensors file (the header's byte count).
const HEADER_LEN_BYTES: usize = 8;

/// A validated safetensors file held in memory: lengths, header, format version and checksum
/// are checked when it is read; each tensor's dtype, shape and finiteness when it is taken.
#[derive(Debug)]
pub struct Checkpoint {
    path: PathBuf,
    bytes: Vec<u8>,
    data_start: usize,
    metadata: Metadata,
    /// Tensors handed out so far (for [`Checkpoint::ensure_all_used`]).
    used: Mutex<BTreeSet<String>>,
}

impl Checkpoint {
    /// Reads and validates the file at `path` (header, offsets and total length).
    pub fn read(path: impl AsRef<Path>) -> Result<Self, CheckpointError> {
        let path = path.as_ref().to_owned();
        let bytes = std::fs::read(&path).map_err(|source| CheckpointError::Io {
            path: path.clone(),
            step: IoStep::Read,
            source,
        })?;
        Self::from_bytes(path, bytes)
    }

    /// Validates `bytes` as a safetensors file; `path` is only used in error messages.
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Result<Self, CheckpointError> {
        let path = path.into();
        check_lengths(&path, &bytes)?;
        let (header_len, metadata) =
            safetensors::SafeTensors::read_metadata(&bytes).map_err(|e| {
                CheckpointError::CorruptHeader {
                    path: path.clone(),
                    reason: describe(&e),
                }
            })?;
        let c = Self {
            path,
            data_start: HEADER_LEN_BYTES + header_len,
            bytes,
            metadata,
            used: Mutex::new(BTreeSet::new()),
        };
        c.verify()?;
        Ok(c)
    }

    /// Format version, then the checksum of metadata, tensor entries and data.
    fn verify(&self) -> Result<(), CheckpointError> {
        let path = || self.path.clone();
        match self.metadata(VERSION_KEY) {
            None => {
                return Err(CheckpointError::MissingVersion {
                    path: path(),
                    key: VERSION_KEY,
                    supported: FORMAT_VERSION,
                });
            }
            Some(v) if v != FORMAT_VERSION.to_string() => {
                return Err(CheckpointError::UnsupportedVersion {
                    path: path(),
                    found: v.chars().take(40).collect(),
                    supported: FORMAT_VERSION,
                });
            }
            Some(_) => {}
        }
        let metadata: BTreeMap<String, String> = self
            .metadata
            .metadata()
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let tensors = self.metadata.tensors();
        let computed = checksum(
            &metadata,
            tensors.iter().map(|(n, i)| (n.as_str(), *i)),
            &self.bytes[self.data_start..],
        );
        let stored = self.metadata(CHECKSUM_KEY);
        if stored != Some(computed.as_str()) {
            return Err(CheckpointError::ChecksumMismatch {
                path: path(),
                stored: stored.map_or("nothing".to_owned(), |s| s.chars().take(80).collect()),
                computed,
            });
        }
        Ok(())
    }

    /// Every metadata entry, sorted by key.
    pub fn metadata_entries(&self) -> BTreeMap<&str, &str> {
        self.metadata
            .metadata()
            .iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// Refuses the file if it holds a tensor that no load took, other than those starting
    /// with one of `allowed_prefixes` (parts the caller deliberately does not restore).
    ///
    /// # Errors
    /// [`CheckpointError::UnexpectedTensor`] naming the first such tensor.
    pub fn ensure_all_used(&self, allowed_prefixes: &[&str]) -> Result<(), CheckpointError> {
        let used = self.used.lock().expect("no panics while held");
        for name in self.names() {
            if !used.contains(&name) && !allowed_prefixes.iter().any(|p| name.starts_with(p)) {
                let shape = self.shape(&name).unwrap_or_default().to_vec();
                return Err(CheckpointError::UnexpectedTensor {
                    path: self.path.clone(),
                    name,
                    shape,
                });
            }
        }
        Ok(())
    }

    /// The path the checkpoint was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// All tensor keys, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.metadata.tensors().into_keys().collect();
        names.sort();
        names
    }

    /// The header's string metadata entry `key`, if present.
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.metadata
            .metadata()
            .as_ref()
            .and_then(|m| m.get(key))
            .map(String::as_str)
    }

    /// The shape of tensor `name` as stored, if present.
    pub fn shape(&self, name: &str) -> Option<&[usize]> {
        self.metadata.info(name).map(|i| i.shape.as_slice())
    }

    /// Tensor `name`, checked to be a `T` array of shape `expected` with finite entries.
    pub fn tensor<T: Scalar>(
        &self,
        name: &str,
        expected: (usize, usize),
    ) -> Result<Array2<T>, CheckpointError> {
        let info = self.info(name, expected)?;
        check_info::<T>(&self.path, name, info, expected)?;
        let (start, end) = info.data_offsets;
        let data = &self.bytes[self.data_start + start..self.data_start + end];
        let a: Array2<T> = from_le_bytes(data, expected.0, expected.1);
        if let Some((index, v)) = a.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(CheckpointError::NonFinite {
                path: self.path.clone(),
                name: name.to_owned(),
                index,
                value: Scalar::to_f64(*v),
            });
        }
        self.used
            .lock()
            .expect("no panics while held")
            .insert(name.to_owned());
        Ok(a)
    }

    /// Overwrites every array of `params` with tensor `prefix.name` (`name` for an empty
    /// prefix). All tensors are checked before any array is touched, and the file must not hold
    /// other tensors under the prefix (for an empty prefix: no other tensors at all).
    pub fn load_params<T: Scalar>(
        &self,
        prefix: &str,
        params: &mut Params<T>,
    ) -> Result<(), CheckpointError> {
        let keys: Vec<String> = params
            .names()
            .iter()
            .map(|n| tensor_key(prefix, n))
            .collect();
        for (key, value) in keys.iter().zip(params.values()) {
            let info = self.info(key, value.dim())?;
            check_info::<T>(&self.path, key, info, value.dim())?;
        }
        let scope = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}.")
        };
        for name in self.names() {
            if name.starts_with(&scope) && !keys.contains(&name) {
                let shape = self.shape(&name).unwrap_or_default().to_vec();
                return Err(CheckpointError::UnexpectedTensor {
                    path: self.path.clone(),
                    name,
                    shape,
                });
            }
        }
        let loaded = keys
            .iter()
            .zip(params.values())
            .map(|(key, value)| self.tensor::<T>(key, value.dim()))
            .collect::<Result<Vec<_>, _>>()?;
        for (value, loaded) in params.values_mut().iter_mut().zip(loaded) {
            value.assign(&loaded);
        }
        Ok(())
    }

    fn info(&self, name: &str, expected: (usize, usize)) -> Result<&TensorInfo, CheckpointError> {
        self.metadata
            .info(name)
            .ok_or_else(|| CheckpointError::MissingTensor {
                path: self.path.clone(),
                name: name.to_owned(),
                expected: vec![expected.0, expected.1],
                available: self.names(),
            })
    }
}

/// Reads `path` and loads it into `params` (keys = parameter names, no extra tensors allowed).
pub fn load_params<T: Scalar>(
    path: impl AsRef<Path>,
    params: &mut Params<T>,
) -> Result<(), CheckpointError> {
    Checkpoint::read(path)?.load_params("", params)
}

/// Dtype first, then shape.
fn check_info<T: Scalar>(
    path: &Path,
    name: &str,
    info: &TensorInfo,
    expected: (usize, usize),
) -> Result<(), CheckpointError> {
    if info.dtype != dtype_of::<T>() {
        return Err(CheckpointError::DtypeMismatch {
            path: path.to_owned(),
            name: name.to_owned(),
            shape: info.shape.clone(),
            expected: dtype_of::<T>(),
            found: info.dtype,
        });
    }
    if info.shape != [expected.0, expected.1] {
        return Err(CheckpointError::ShapeMismatch {
            path: path.to_owned(),
            name: name.to_owned(),
            expected: vec![expected.0, expected.1],
            found: info.shape.clone(),
        });
    }
    Ok(())
}

/// Detects truncation before the full validation, so that a short file is reported as
/// truncated (with the lengths) rather than as a generic header error.
fn check_lengths(path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    let actual = bytes.len() as u64;
    let truncated = |part, expected| CheckpointError::Truncated {
        path: path.to_owned(),
        part,
        expected,
        actual,
    };
    let Some(len_bytes) = bytes.get(..HEADER_LEN_BYTES) else {
        return Err(truncated("8-byte header length", HEADER_LEN_BYTES as u64));
    };
    let header_len = u64::from_le_bytes(len_bytes.try_into().expect("8 bytes"));
    let header_end = header_len.saturating_add(HEADER_LEN_BYTES as u64);
    if header_end > actual {
        // A huge announced length is more likely a corrupt than a truncated file.
        if header_len > 100_000_000 {
            return Err(CheckpointError::CorruptHeader {
                path: path.to_owned(),
                reason: format!(
                    "announced header length {header_len} bytes exceeds the 100 MB limit"
                ),
            });
        }
        return Err(truncated("JSON header", header_end));
    }
    let header = &bytes[HEADER_LEN_BYTES..header_end as usize];
    // Largest data end offset announced by the header; unparsable headers are left to the
    // full validation, which names the defect.
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(header)
    else {
        return Ok(());
    };
    let data_end = map
        .iter()
        .filter(|(k, _)| k.as_str() != "__metadata__")
        .filter_map(|(_, v)| v.get("data_offsets")?.get(1)?.as_u64())
        .max()
        .unwrap_or(0);
    let expected = header_end.saturating_add(data_end);
    if expected > actual {
        return Err(truncated("tensor data", expected));
    }
    Ok(())
}

/// A readable reason for a safetensors validation error.
fn describe(e: &SafeTensorError) -> String {
    match e {
        SafeTensorError::MetadataIncompleteBuffer => {
            "the tensor data does not end where the file ends (trailing bytes)".to_owned()
        }
        SafeTensorError::InvalidOffset(name) => {
            format!("tensor `{name}` has data offsets that overlap or leave gaps")
        }
        SafeTensorError::TensorInvalidInfo => {
            "a tensor's shape and dtype do not match its byte range".to_owned()
        }
        other => other.to_string(),
    }
}
