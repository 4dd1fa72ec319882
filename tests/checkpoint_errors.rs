//! Bad checkpoint files give specific errors that name the tensor and shapes, never panics.

#[path = "common/seeded.rs"]
mod seeded;

use ndarray::Array2;
use proptest::prelude::*;
use rfm::checkpoint::{Checkpoint, CheckpointError, CheckpointWriter};
use rfm::nn::Params;
use safetensors::Dtype;

/// A small critic-like store: `l0.w` 3×4, `l0.b` 1×4, `l1.w` 4×1, f32.
fn critic() -> Params<f32> {
    let mut p = Params::new();
    p.push(
        "l0.w",
        Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f32 * 0.5),
    );
    p.push("l0.b", Array2::from_elem((1, 4), -1.0f32));
    p.push("l1.w", Array2::from_shape_fn((4, 1), |(i, _)| i as f32));
    p
}

fn bytes_of(p: &Params<f32>) -> Vec<u8> {
    let mut w = CheckpointWriter::new();
    w.add_params("", p).metadata("rfm_dtype", "f32");
    w.to_bytes()
}

fn load(bytes: Vec<u8>) -> Result<Params<f32>, CheckpointError> {
    let mut target = critic().zeros_like();
    Checkpoint::from_bytes("critic.safetensors", bytes)?.load_params("", &mut target)?;
    Ok(target)
}

#[test]
fn checkpoint_truncated_file_reports_lengths() {
    let bytes = bytes_of(&critic());
    let full = bytes.len() as u64;
    let err = load(bytes[..bytes.len() - 3].to_vec()).unwrap_err();
    match &err {
        CheckpointError::Truncated {
            part,
            expected,
            actual,
            ..
        } => {
            assert_eq!((*part, *expected, *actual), ("tensor data", full, full - 3));
        }
        other => panic!("expected Truncated, got {other}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("critic.safetensors") && msg.contains("truncated"),
        "{msg}"
    );
    assert!(matches!(
        load(bytes[..5].to_vec()),
        Err(CheckpointError::Truncated {
            part: "8-byte header length",
            ..
        })
    ));
    assert!(matches!(
        load(bytes[..20].to_vec()),
        Err(CheckpointError::Truncated {
            part: "JSON header",
            ..
        })
    ));
    assert!(matches!(
        load(Vec::new()),
        Err(CheckpointError::Truncated { .. })
    ));
}

proptest! {

    #![proptest_config(seeded::cases(256))]
    /// Every proper prefix of a valid file is reported as truncated.
    #[test]
    fn checkpoint_every_truncation_is_reported(cut in 0usize..1000) {
        let bytes = bytes_of(&critic());
        let cut = cut % bytes.len();
        let result = load(bytes[..cut].to_vec());
        prop_assert!(matches!(result, Err(CheckpointError::Truncated { .. })), "cut {}: {:?}", cut, result.err());
    }

    /// Any single flipped bit is refused without a panic: in the data (and in any metadata
    /// value) by the SHA-256 checksum, in the header's structure by the header checks.
    #[test]
    fn checkpoint_any_bit_flip_is_refused(pos in 0usize..10_000, bit in 0u8..8) {
        let clean = bytes_of(&critic());
        let pos = pos % clean.len();
        let mut bytes = clean.clone();
        bytes[pos] ^= 1 << bit;
        let header_end = 8 + u64::from_le_bytes(clean[..8].try_into().unwrap()) as usize;
        match load(bytes) {
            Err(CheckpointError::ChecksumMismatch { .. }) => {}
            Err(e) => prop_assert!(pos < header_end, "a data-byte flip at {} gave {}", pos, e),
            Ok(_) => prop_assert!(false, "flip of bit {} at byte {} loaded", bit, pos),
        }
    }
}

#[test]
fn checkpoint_flipped_header_byte_is_a_corrupt_header() {
    let mut bytes = bytes_of(&critic());
    assert_eq!(bytes[8], b'{');
    bytes[8] ^= 0x01; // '{' → 'z': the header is no longer JSON
    let err = load(bytes).unwrap_err();
    assert!(
        matches!(err, CheckpointError::CorruptHeader { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("corrupt header"), "{err}");
}

#[test]
fn checkpoint_inconsistent_offsets_are_a_corrupt_header() {
    // Shape says 3×4 F32 (48 bytes) but the offsets span 44: safetensors' validation catches it.
    let header = br#"{"l0.w":{"dtype":"F32","shape":[3,4],"data_offsets":[0,44]}}"#;
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header);
    bytes.extend(std::iter::repeat_n(0u8, 44));
    let err = load(bytes).unwrap_err();
    assert!(
        matches!(err, CheckpointError::CorruptHeader { .. }),
        "{err}"
    );
}

#[test]
fn checkpoint_wrong_shape_names_tensor_and_both_shapes() {
    let mut other = critic();
    other.values_mut()[0] = Array2::zeros((3, 5));
    let err = load(bytes_of(&other)).unwrap_err();
    match &err {
        CheckpointError::ShapeMismatch {
            name,
            expected,
            found,
            ..
        } => {
            assert_eq!(name, "l0.w");
            assert_eq!(
                (expected.as_slice(), found.as_slice()),
                (&[3, 4][..], &[3, 5][..])
            );
        }
        other => panic!("expected ShapeMismatch, got {other}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("`l0.w`") && msg.contains("[3, 5]") && msg.contains("[3, 4]"),
        "{msg}"
    );
}

#[test]
fn checkpoint_wrong_dtype_names_tensor_and_dtypes() {
    let mut w = CheckpointWriter::new();
    w.add("l0.w", &Array2::<f64>::zeros((3, 4)))
        .add("l0.b", &Array2::<f32>::zeros((1, 4)))
        .add("l1.w", &Array2::<f32>::zeros((4, 1)));
    let err = load(w.to_bytes()).unwrap_err();
    match &err {
        CheckpointError::DtypeMismatch {
            name,
            expected,
            found,
            shape,
            ..
        } => {
            assert_eq!(name, "l0.w");
            assert_eq!((*expected, *found), (Dtype::F32, Dtype::F64));
            assert_eq!(shape, &vec![3, 4]);
        }
        other => panic!("expected DtypeMismatch, got {other}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("`l0.w`") && msg.contains("F64") && msg.contains("F32"),
        "{msg}"
    );
}

#[test]
fn checkpoint_missing_tensor_names_it_and_lists_the_file() {
    let mut w = CheckpointWriter::new();
    w.add("l0.w", &Array2::<f32>::zeros((3, 4)))
        .add("l1.w", &Array2::<f32>::zeros((4, 1)));
    let err = load(w.to_bytes()).unwrap_err();
    match &err {
        CheckpointError::MissingTensor {
            name,
            expected,
            available,
            ..
        } => {
            assert_eq!(name, "l0.b");
            assert_eq!(expected, &vec![1, 4]);
            assert_eq!(available, &vec!["l0.w".to_owned(), "l1.w".to_owned()]);
        }
        other => panic!("expected MissingTensor, got {other}"),
    }
    assert!(err.to_string().contains("`l0.b`"), "{err}");
}

#[test]
fn checkpoint_unexpected_tensor_is_reported_and_nothing_is_loaded() {
    let mut extra = critic();
    extra.push("l2.w", Array2::zeros((1, 1)));
    let mut target = critic().zeros_like();
    let ckpt = Checkpoint::from_bytes("x.safetensors", bytes_of(&extra)).unwrap();
    let err = ckpt.load_params("", &mut target).unwrap_err();
    assert!(
        matches!(&err, CheckpointError::UnexpectedTensor { name, shape, .. } if name == "l2.w" && shape == &vec![1, 1]),
        "{err}"
    );
    assert_eq!(
        target,
        critic().zeros_like(),
        "a failed load must not touch the parameters"
    );
}

#[test]
fn checkpoint_missing_file_is_an_io_error_naming_the_path() {
    let err = Checkpoint::read("/nonexistent/dir/critic.safetensors").unwrap_err();
    assert!(matches!(
        err,
        CheckpointError::Io {
            step: rfm::checkpoint::IoStep::Read,
            ..
        }
    ));
    assert!(
        err.to_string()
            .contains("/nonexistent/dir/critic.safetensors")
    );
}
