//! Checkpoints round-trip bit-exactly (f32 and f64, NaN and infinity bit patterns included) and
//! are written atomically.

#[path = "common/seeded.rs"]
mod seeded;

use ndarray::Array2;
use proptest::prelude::*;
use rfm::checkpoint::{Checkpoint, CheckpointError, CheckpointWriter, load_params, save_params};
use rfm::nn::Params;
use std::path::PathBuf;

/// A fresh scratch directory for one test (process id + tag, so parallel tests do not collide).
fn scratch_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rfm-ckpt-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Shapes `(rows, cols)` and raw bit patterns (any finite u32/u64 pattern, so signed zeros,
/// subnormals and extremes all occur; non-finite patterns are made finite by clearing the
/// lowest exponent bit, because the reader refuses NaN and infinities).
fn shapes() -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((1usize..7, 1usize..7), 1..5)
}

fn store_f32(shapes: &[(usize, usize)], bits: &[u32]) -> Params<f32> {
    let mut p = Params::new();
    let mut k = 0;
    for (i, &(r, c)) in shapes.iter().enumerate() {
        let v: Vec<f32> = (0..r * c)
            .map(|j| {
                let b = bits[(k + j) % bits.len()];
                let x = f32::from_bits(b);
                if x.is_finite() {
                    x
                } else {
                    f32::from_bits(b & !0x0080_0000)
                }
            })
            .collect();
        k += r * c;
        p.push(
            format!("layer{i}.w"),
            Array2::from_shape_vec((r, c), v).unwrap(),
        );
    }
    p
}

fn store_f64(shapes: &[(usize, usize)], bits: &[u64]) -> Params<f64> {
    let mut p = Params::new();
    let mut k = 0;
    for (i, &(r, c)) in shapes.iter().enumerate() {
        let v: Vec<f64> = (0..r * c)
            .map(|j| {
                let b = bits[(k + j) % bits.len()];
                let x = f64::from_bits(b);
                if x.is_finite() {
                    x
                } else {
                    f64::from_bits(b & !(1u64 << 52))
                }
            })
            .collect();
        k += r * c;
        p.push(
            format!("layer{i}.w"),
            Array2::from_shape_vec((r, c), v).unwrap(),
        );
    }
    p
}

fn bits_f32(p: &Params<f32>) -> Vec<u32> {
    p.values()
        .iter()
        .flat_map(|a| a.iter().map(|x| x.to_bits()))
        .collect()
}

fn bits_f64(p: &Params<f64>) -> Vec<u64> {
    p.values()
        .iter()
        .flat_map(|a| a.iter().map(|x| x.to_bits()))
        .collect()
}

proptest! {
    #![proptest_config(seeded::cases(64))]

    #[test]
    fn checkpoint_roundtrip_f32_is_bit_exact(
        shapes in shapes(),
        bits in prop::collection::vec(any::<u32>(), 1..64),
        case in any::<u64>(),
    ) {
        let dir = scratch_dir(&format!("rt32-{case}"));
        let path = dir.join("p.safetensors");
        let saved = store_f32(&shapes, &bits);
        save_params(&path, &saved).unwrap();
        let mut loaded = saved.zeros_like();
        load_params(&path, &mut loaded).unwrap();
        prop_assert_eq!(bits_f32(&loaded), bits_f32(&saved));
        prop_assert_eq!(files_in(&dir), vec!["p.safetensors".to_owned()]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn checkpoint_roundtrip_f64_is_bit_exact(
        shapes in shapes(),
        bits in prop::collection::vec(any::<u64>(), 1..64),
        case in any::<u64>(),
    ) {
        let dir = scratch_dir(&format!("rt64-{case}"));
        let path = dir.join("p.safetensors");
        let saved = store_f64(&shapes, &bits);
        save_params(&path, &saved).unwrap();
        let mut loaded = saved.zeros_like();
        load_params(&path, &mut loaded).unwrap();
        prop_assert_eq!(bits_f64(&loaded), bits_f64(&saved));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn checkpoint_special_finite_values_survive_bit_for_bit() {
    // −0, smallest subnormal, largest subnormal, max, −max, smallest normal.
    let specials = [
        0x8000_0000u32,
        1,
        0x007f_ffff,
        0x7f7f_ffff,
        0xff7f_ffff,
        0x0080_0000,
    ];
    let mut saved = Params::<f32>::new();
    let v = specials.iter().map(|b| f32::from_bits(*b)).collect();
    saved.push("layer0.w", Array2::from_shape_vec((1, 6), v).unwrap());
    let bytes = {
        let mut w = CheckpointWriter::new();
        w.add_params("", &saved);
        w.to_bytes()
    };
    let ckpt = Checkpoint::from_bytes("memory", bytes).unwrap();
    let t: Array2<f32> = ckpt.tensor("layer0.w", (1, 6)).unwrap();
    assert_eq!(
        t.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        specials.to_vec()
    );
}

#[test]
fn checkpoint_mixed_dtypes_prefixes_and_metadata() {
    let dir = scratch_dir("mixed");
    let path = dir.join("agent.safetensors");
    let critic = store_f32(&[(3, 2), (1, 2)], &[1, 2, 3, 0x3f80_0000]);
    let audit = store_f64(&[(2, 2)], &[0x4000_0000_0000_0000]);
    CheckpointWriter::new()
        .add_params("critic", &critic)
        .add_params("audit", &audit)
        .metadata("step", "12345")
        .write(&path)
        .unwrap();
    let ckpt = Checkpoint::read(&path).unwrap();
    assert_eq!(ckpt.metadata("step"), Some("12345"));
    assert_eq!(
        ckpt.names(),
        ["audit.layer0.w", "critic.layer0.w", "critic.layer1.w"]
            .map(String::from)
            .to_vec()
    );
    let mut c = critic.zeros_like();
    ckpt.load_params("critic", &mut c).unwrap();
    assert_eq!(bits_f32(&c), bits_f32(&critic));
    let mut a = audit.zeros_like();
    ckpt.load_params("audit", &mut a).unwrap();
    assert_eq!(a, audit);
}

#[test]
fn checkpoint_overwrite_replaces_the_file_whole() {
    let dir = scratch_dir("overwrite");
    let path = dir.join("c.safetensors");
    let big = store_f64(&[(6, 6), (6, 6)], &[1, 2, 3]);
    save_params(&path, &big).unwrap();
    let small = store_f64(&[(1, 1)], &[42]);
    save_params(&path, &small).unwrap();
    let mut loaded = small.zeros_like();
    load_params(&path, &mut loaded).unwrap();
    assert_eq!(bits_f64(&loaded), vec![42]);
    assert_eq!(files_in(&dir), vec!["c.safetensors".to_owned()]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn checkpoint_failed_write_leaves_no_partial_file() {
    let dir = scratch_dir("failed");
    // The destination is a non-empty directory, so the final rename fails after the temporary
    // file was written in full: the temporary file must be removed and the directory kept.
    let blocker = dir.join("c.safetensors");
    std::fs::create_dir(&blocker).unwrap();
    std::fs::write(blocker.join("keep"), b"x").unwrap();
    let err = save_params(&blocker, &store_f32(&[(2, 2)], &[7])).unwrap_err();
    assert!(
        matches!(
            err,
            CheckpointError::Io {
                step: rfm::checkpoint::IoStep::Rename,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(files_in(&dir), vec!["c.safetensors".to_owned()]);
    assert_eq!(files_in(&blocker), vec!["keep".to_owned()]);
    // A missing directory fails before anything is created.
    let err = save_params(
        dir.join("no/such/dir/c.safetensors"),
        &store_f32(&[(1, 1)], &[1]),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        CheckpointError::Io {
            step: rfm::checkpoint::IoStep::CreateTemp,
            ..
        }
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn checkpoint_file_is_standard_safetensors() {
    // Layout check that a Python reader relies on: u64 header length, JSON header with dtype,
    // shape and data_offsets, then little-endian row-major data.
    let mut p = Params::<f32>::new();
    p.push(
        "w",
        Array2::from_shape_vec((2, 2), vec![1.0f32, 2.0, 3.0, 4.0]).unwrap(),
    );
    let mut w = CheckpointWriter::new();
    w.add_params("", &p);
    let bytes = w.to_bytes();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    assert_eq!(header["w"]["dtype"], "F32");
    assert_eq!(header["w"]["shape"], serde_json::json!([2, 2]));
    assert_eq!(header["w"]["data_offsets"], serde_json::json!([0, 16]));
    let data: Vec<f32> = bytes[8 + n..]
        .chunks(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    assert_eq!(data, vec![1.0, 2.0, 3.0, 4.0]);
}
