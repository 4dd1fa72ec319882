//! Checkpoints guard themselves: every class of damage the hostile-user report found is refused
//! with a typed error naming the file (and the tensor where there is one), and identical runs
//! write byte-identical files.
//!
//! Classes: a flipped data byte, a flipped metadata byte, a NaN tensor, an unknown tensor, a
//! file without a format version (the unversioned format of earlier builds), another version,
//! and two identical runs.

use std::path::Path;

use ndarray::Array2;
use rfm::checkpoint::describe::{Content, NETWORKS_KEY, NetworkDescription, TASK_KEY};
use rfm::checkpoint::format::{CHECKSUM_KEY, FORMAT_VERSION, VERSION_KEY};
use rfm::checkpoint::{Checkpoint, CheckpointError, CheckpointWriter};
use rfm::config::Algo;
use rfm::nn::Params;
use rfm::rl::saved::load_saved_agent;
use rfm::rl::trainer::{TrainOptions, train};
use rfm::run::files;

#[path = "common/seeded.rs"]
mod seeded;

#[path = "common/tiny_run.rs"]
mod tiny_run;
use tiny_run::{record, tmp};

fn store() -> Params<f32> {
    let mut p = Params::new();
    p.push(
        "l0.w",
        Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as f32 * 0.25 - 1.0),
    );
    p.push("l0.b", Array2::from_elem((1, 4), 0.5f32));
    p
}

fn bytes_with(p: &Params<f32>, extra: impl FnOnce(&mut CheckpointWriter)) -> Vec<u8> {
    let mut w = CheckpointWriter::new();
    w.add_params("net", p).metadata("step", "1234");
    extra(&mut w);
    w.to_bytes()
}

fn header_end(bytes: &[u8]) -> usize {
    8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize
}

fn read(bytes: Vec<u8>) -> Result<Checkpoint, CheckpointError> {
    Checkpoint::from_bytes("/runs/x/checkpoint.safetensors", bytes)
}

#[test]
fn checkpoint_integrity_clean_file_has_version_and_checksum_and_loads() {
    let c = read(bytes_with(&store(), |_| {})).unwrap();
    assert_eq!(
        c.metadata(VERSION_KEY),
        Some(FORMAT_VERSION.to_string().as_str())
    );
    assert_eq!(c.metadata(CHECKSUM_KEY).map(str::len), Some(64));
    let mut p = store().zeros_like();
    c.load_params("net", &mut p).unwrap();
    assert_eq!(p.values(), store().values());
    c.ensure_all_used(&[]).unwrap();
}

#[test]
fn checkpoint_integrity_every_flipped_data_byte_is_a_checksum_mismatch_naming_the_file() {
    let clean = bytes_with(&store(), |_| {});
    for pos in header_end(&clean)..clean.len() {
        let mut b = clean.clone();
        b[pos] ^= 0x10;
        match read(b) {
            Err(e @ CheckpointError::ChecksumMismatch { .. }) => {
                assert!(
                    e.to_string().contains("/runs/x/checkpoint.safetensors"),
                    "{e}"
                )
            }
            other => panic!("data byte {pos}: {other:?}"),
        }
    }
}

#[test]
fn checkpoint_integrity_flipped_metadata_byte_is_a_checksum_mismatch() {
    let clean = bytes_with(&store(), |_| {});
    let header = &clean[8..header_end(&clean)];
    // The `4` of step = "1234" becomes `5`: still valid JSON, still an integer.
    let at = 8 + header.windows(6).position(|w| w == b"\"1234\"").unwrap() + 4;
    let mut b = clean.clone();
    b[at] ^= 0x01;
    assert_eq!(b[at], b'5');
    assert!(matches!(
        read(b),
        Err(CheckpointError::ChecksumMismatch { .. })
    ));
    // A flipped byte of the recorded checksum itself.
    let at = 8
        + header
            .windows(12)
            .position(|w| w == b"\"rfm_sha256\"")
            .unwrap()
        + 15;
    let mut b = clean;
    b[at] ^= 0x01;
    assert!(matches!(
        read(b),
        Err(CheckpointError::ChecksumMismatch { .. })
    ));
}

#[test]
fn checkpoint_integrity_nan_tensor_is_refused_with_its_name() {
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let mut p = store();
        p.values_mut()[0][[2, 1]] = bad;
        let c = read(bytes_with(&p, |_| {})).unwrap();
        let mut into = store().zeros_like();
        match c.load_params("net", &mut into) {
            Err(e @ CheckpointError::NonFinite { .. }) => {
                let msg = e.to_string();
                assert!(
                    msg.contains("`net.l0.w`") && msg.contains("index 9"),
                    "{msg}"
                );
            }
            other => panic!("{bad}: {other:?}"),
        }
        // Nothing was assigned: the store is still all zeros.
        assert!(into.values().iter().all(|a| a.iter().all(|x| *x == 0.0)));
    }
}

#[test]
fn checkpoint_integrity_unknown_tensor_is_refused_with_its_name() {
    let bytes = bytes_with(&store(), |w| {
        w.add("evil", &Array2::<f32>::zeros((2, 2)));
    });
    let c = read(bytes).unwrap();
    let mut p = store().zeros_like();
    c.load_params("net", &mut p).unwrap();
    let e = c.ensure_all_used(&[]).unwrap_err();
    assert!(
        matches!(&e, CheckpointError::UnexpectedTensor { name, .. } if name == "evil"),
        "{e}"
    );
    assert!(e.to_string().contains("`evil`"), "{e}");
}

#[test]
fn checkpoint_integrity_missing_version_is_refused_naming_the_key() {
    // The unversioned format of earlier builds: plain safetensors with string metadata.
    let t = safetensors::tensor::TensorView::new(safetensors::Dtype::F32, vec![1, 1], &[0u8; 4])
        .unwrap();
    let meta = std::collections::HashMap::from([("step".to_owned(), "1".to_owned())]);
    let bytes = safetensors::serialize([("w", t)], Some(meta)).unwrap();
    let e = read(bytes).unwrap_err();
    assert!(matches!(e, CheckpointError::MissingVersion { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains(VERSION_KEY) && msg.contains("/runs/x/"),
        "{msg}"
    );
}

#[test]
fn checkpoint_integrity_other_version_is_refused() {
    let bytes = bytes_with(&store(), |w| {
        w.metadata(VERSION_KEY, "1");
    });
    // The writer always stamps its own version over a caller's.
    assert!(read(bytes).is_ok());
    let clean = bytes_with(&store(), |_| {});
    let header = &clean[8..header_end(&clean)];
    let key = format!("\"{VERSION_KEY}\":\"{FORMAT_VERSION}\"");
    let at = 8 + header
        .windows(key.len())
        .position(|w| w == key.as_bytes())
        .unwrap();
    let mut b = clean;
    b[at + key.len() - 2] = b'9';
    let e = read(b).unwrap_err();
    assert!(
        matches!(e, CheckpointError::UnsupportedVersion { .. }),
        "{e}"
    );
}

#[test]
fn checkpoint_integrity_writer_output_does_not_depend_on_call_order() {
    let p = store();
    let mut a = CheckpointWriter::new();
    a.add_params("net", &p)
        .metadata("b", "2")
        .metadata("a", "1");
    let mut q = Params::new();
    for (n, v) in p.iter().collect::<Vec<_>>().into_iter().rev() {
        q.push(n, v.clone());
    }
    let mut b = CheckpointWriter::new();
    b.metadata("a", "1")
        .metadata("b", "2")
        .add_params("net", &q);
    assert_eq!(a.to_bytes(), b.to_bytes());
}

fn run_files(dir: &Path) -> [Vec<u8>; 2] {
    [files::CHECKPOINT, files::AGENT].map(|f| std::fs::read(dir.join(f)).unwrap())
}

#[test]
fn checkpoint_integrity_identical_runs_write_byte_identical_files_that_describe_themselves() {
    for algo in [Algo::Rfm, Algo::Sac] {
        let (a, b) = (
            tmp(&format!("integ_a_{algo}")),
            tmp(&format!("integ_b_{algo}")),
        );
        let rec = record(algo, 150, 3);
        train(&a, &rec, &TrainOptions::default()).unwrap();
        train(&b, &rec, &TrainOptions::default()).unwrap();
        assert!(run_files(&a) == run_files(&b), "{algo}: files differ");
        let c = Checkpoint::read(a.join(files::AGENT)).unwrap();
        assert_eq!(Content::of(&c), Some(Content::Weights));
        let nets: Vec<NetworkDescription> =
            serde_json::from_str(c.metadata(NETWORKS_KEY).unwrap()).unwrap();
        let prefixes: Vec<&str> = nets.iter().map(|n| n.prefix.as_str()).collect();
        assert_eq!(prefixes, ["actor", "q1", "q2"]);
        // Every tensor named by a description is in the file with the shape it states.
        for n in &nets {
            for b in &n.first_layer {
                assert_eq!(c.shape(&b.tensor).unwrap()[0], b.rows, "{}", b.tensor);
            }
            for l in &n.layers {
                assert_eq!(
                    c.shape(&l.weight).unwrap(),
                    [l.inputs, l.outputs],
                    "{}",
                    l.weight
                );
                assert_eq!(c.shape(&l.bias).unwrap(), [1, l.outputs], "{}", l.bias);
            }
        }
        assert!(c.metadata(TASK_KEY).unwrap().contains("pendulum-swingup"));
        // The weights file loads through `eval --weights`' path and refuses `--checkpoint`'s.
        load_saved_agent(&a.join(files::AGENT), Some(Content::Weights)).unwrap();
        let e = load_saved_agent(&a.join(files::AGENT), Some(Content::State))
            .err()
            .unwrap();
        assert!(e.to_string().contains("--weights"), "{e}");
        load_saved_agent(&a.join(files::CHECKPOINT), Some(Content::State)).unwrap();
        let _ = std::fs::remove_dir_all(&a);
        let _ = std::fs::remove_dir_all(&b);
    }
}

/// Regression (issue 14): `run.json` (and the record inside every checkpoint) read back a
/// different float than it wrote, e.g. 1e-39 → 1.0000000000000001e-39, because serde_json parsed
/// floats approximately; its `float_roundtrip` feature is now on.
#[test]
fn run_record_floats_round_trip_exactly() {
    for x in [
        1e-39,
        1.0000000000000002e-3,
        0.1 + 0.2,
        5e-324,
        f64::MAX,
        2.2250738585072014e-308,
    ] {
        let back: f64 = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
        assert_eq!(back.to_bits(), x.to_bits(), "{x:e}");
    }
    let dir = tmp("integ_float");
    std::fs::create_dir_all(&dir).unwrap();
    let mut rec = record(Algo::Rfm, 150, 1);
    rec.config.sampler.temperature = 0.020000000000000004;
    rec.config.critic.gamma = 0.98999999999999999 + 1e-17;
    rec.write(&dir).unwrap();
    let text = std::fs::read_to_string(dir.join(files::RUN_RECORD)).unwrap();
    let back = rfm::run::record::RunRecord::from_json(&text).unwrap();
    assert_eq!(
        back.config.sampler.temperature.to_bits(),
        rec.config.sampler.temperature.to_bits()
    );
    assert_eq!(
        back.config.critic.gamma.to_bits(),
        rec.config.critic.gamma.to_bits()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

proptest::proptest! {
    #![proptest_config(seeded::cases(2000))]

    /// Every finite f64 survives serde_json's text form bit for bit.
    #[test]
    fn run_record_any_finite_float_round_trips(bits in proptest::prelude::any::<u64>()) {
        let x = f64::from_bits(bits);
        proptest::prop_assume!(x.is_finite());
        let back: f64 = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
        proptest::prop_assert_eq!(back.to_bits(), x.to_bits());
    }
}
