//! The rfm layer on top of safetensors: a format version, a canonical (sorted) header and a
//! SHA-256 checksum that covers the metadata, every tensor's entry and the data section.
//!
//! The header JSON is written canonically: compact, keys sorted (`__metadata__` first, then the
//! tensors by name), padded with spaces to a multiple of 8 bytes. The checksum
//! `__metadata__.rfm_sha256` is the lower-case hex SHA-256 of
//!
//! `canonical_header(without rfm_sha256) ‖ data section`,
//!
//! where `canonical_header` is the unpadded compact JSON with sorted keys — what Python's
//! `json.dumps(h, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` produces for the
//! parsed header `h` with that one entry removed (`paper-notes/interop.md`). A flipped byte in
//! the metadata, in a tensor's dtype/shape/offsets or in the data is therefore detected.

use safetensors::Dtype;
use safetensors::tensor::TensorInfo;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Metadata key of the format version.
pub const VERSION_KEY: &str = "rfm_format_version";
/// The version this build writes and the only one it reads. Version 1 is the unversioned
/// format of earlier builds (no checksum); it is refused (see [`super::CheckpointError`]).
pub const FORMAT_VERSION: u32 = 2;
/// Metadata key of the checksum.
pub const CHECKSUM_KEY: &str = "rfm_sha256";

/// Upper-case safetensors name of a dtype (`"F32"`), as in the header.
pub fn dtype_name(dtype: Dtype) -> String {
    // `Dtype` serialises as its header spelling.
    match serde_json::to_value(dtype) {
        Ok(Value::String(s)) => s,
        _ => format!("{dtype:?}"),
    }
}

/// The header object: `__metadata__` (omitted when empty) and one entry per tensor, all keys
/// sorted (serde_json's map without `preserve_order` is a `BTreeMap`; entries are inserted in
/// sorted order so the result does not depend on that feature).
pub fn header_value<'a>(
    metadata: &BTreeMap<String, String>,
    tensors: impl IntoIterator<Item = (&'a str, &'a TensorInfo)>,
) -> Value {
    let mut sorted: Vec<(&str, &TensorInfo)> = tensors.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut map = Map::new();
    if !metadata.is_empty() {
        let meta: Map<String, Value> = metadata
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        map.insert("__metadata__".to_owned(), Value::Object(meta));
    }
    for (name, info) in sorted {
        let mut t = Map::new();
        t.insert(
            "data_offsets".into(),
            serde_json::json!([info.data_offsets.0, info.data_offsets.1]),
        );
        t.insert("dtype".into(), Value::String(dtype_name(info.dtype)));
        t.insert("shape".into(), serde_json::json!(info.shape));
        map.insert(name.to_owned(), Value::Object(t));
    }
    Value::Object(map)
}

/// Lower-case hex SHA-256 of the canonical header without the checksum entry, then `data`.
pub fn checksum<'a>(
    metadata: &BTreeMap<String, String>,
    tensors: impl IntoIterator<Item = (&'a str, &'a TensorInfo)>,
    data: &[u8],
) -> String {
    let mut without = metadata.clone();
    without.remove(CHECKSUM_KEY);
    let header = serde_json::to_vec(&header_value(&without, tensors)).expect("JSON of strings");
    let mut h = Sha256::new();
    h.update(&header);
    h.update(data);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
