//! Fuzzing the checkpoint reader: mutations of valid checkpoints (a run's full state and its
//! agent weights, rfm and sac) and random bytes never panic. Three properties:
//!
//! 1. mutated files: every one that differs from the original is refused with a typed error
//!    (the checksum covers header and data);
//! 2. mutated and *resealed* headers (edits inside the JSON header, then the length prefix and
//!    checksum recomputed, as a careless or hostile tool would): past the integrity check the
//!    loaders (run record, agent, replay, unknown tensors) return an error or a loaded agent,
//!    never a panic;
//! 3. random bytes are refused.
//!
//! `cargo test` runs 300 cases per property; the documented fuzzing command runs 10,000:
//! `RFM_FUZZ_CASES=10000 cargo test --release --test checkpoint_fuzz`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use proptest::prelude::*;
use rfm::checkpoint::Checkpoint;
use rfm::checkpoint::describe::Content;
use rfm::checkpoint::format::{CHECKSUM_KEY, checksum, header_value};
use rfm::config::Algo;
use rfm::rl::saved::saved_agent_of;
use rfm::rl::trainer::{TrainOptions, train};
use rfm::run::files;

#[path = "common/seeded.rs"]
mod seeded;

#[path = "common/mutate.rs"]
mod mutate;

#[path = "common/tiny_run.rs"]
mod tiny_run;

/// The state and weights files of a tiny rfm and a tiny sac run (trained once per process).
fn valid_files() -> &'static Vec<Vec<u8>> {
    static FILES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut out = Vec::new();
        for algo in [Algo::Rfm, Algo::Sac] {
            let dir = tiny_run::tmp(&format!("ckpt_fuzz_{algo}"));
            train(
                &dir,
                &tiny_run::record(algo, 120, 5),
                &TrainOptions::default(),
            )
            .unwrap();
            for f in [files::CHECKPOINT, files::AGENT] {
                out.push(std::fs::read(dir.join(f)).unwrap());
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
        out
    })
}

fn header_end(bytes: &[u8]) -> usize {
    8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize
}

/// Reads `bytes` and, when the file is accepted, loads the agent it holds the way `rfm eval`
/// and `rfm render` do. Errors must name the path.
fn exercise(bytes: Vec<u8>) -> Result<bool, TestCaseError> {
    let path = "/fuzz/case.safetensors";
    let c = match Checkpoint::from_bytes(path, bytes) {
        Ok(c) => c,
        Err(e) => {
            prop_assert!(e.to_string().contains(path), "{}", e);
            return Ok(false);
        }
    };
    match saved_agent_of(c, None) {
        Ok(_) => Ok(true),
        Err(e) => {
            prop_assert!(e.to_string().contains(path), "{}", e);
            Ok(false)
        }
    }
}

/// The header of `file` edited by `edits`, with a new length prefix and a recomputed checksum
/// (`None` when the edited header no longer parses, so it cannot be resealed).
fn resealed(file: &[u8], edits: &[mutate::Edit]) -> Option<Vec<u8>> {
    let end = header_end(file);
    let header = mutate::apply(file[8..end].to_vec(), edits);
    let data = &file[end..];
    let mut probe = (header.len() as u64).to_le_bytes().to_vec();
    probe.extend_from_slice(&header);
    probe.extend_from_slice(data);
    let (_, meta) = safetensors::SafeTensors::read_metadata(&probe).ok()?;
    let mut m: BTreeMap<String, String> = meta.metadata().clone()?.into_iter().collect();
    let tensors = meta.tensors();
    let sum = checksum(&m, tensors.iter().map(|(n, i)| (n.as_str(), *i)), data);
    m.insert(CHECKSUM_KEY.to_owned(), sum);
    let mut h = serde_json::to_vec(&header_value(
        &m,
        tensors.iter().map(|(n, i)| (n.as_str(), *i)),
    ))
    .ok()?;
    h.resize(h.len().next_multiple_of(8), b' ');
    let mut out = (h.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(&h);
    out.extend_from_slice(data);
    Some(out)
}

#[test]
fn checkpoint_fuzz_valid_files_load() {
    for f in valid_files() {
        assert!(exercise(f.clone()).unwrap(), "a valid file must load");
        // Resealing without edits reproduces the file byte for byte, so a resealed mutation
        // differs from a valid file only by its edits (and reaches the loaders).
        assert!(
            resealed(f, &[]).as_ref() == Some(f),
            "resealing changed a valid file"
        );
    }
    let c = Checkpoint::from_bytes("x", valid_files()[0].clone()).unwrap();
    assert_eq!(Content::of(&c), Some(Content::State));
}

proptest! {
    #![proptest_config(seeded::fuzz_cases(300))]

    #[test]
    fn checkpoint_fuzz_mutations_are_refused_without_panics(
        i in 0usize..4,
        edits in prop::collection::vec(mutate::edit(), 1..8),
    ) {
        let original = &valid_files()[i];
        let bytes = mutate::apply(original.clone(), &edits);
        let changed = bytes != *original;
        let loaded = exercise(bytes)?;
        prop_assert!(!(changed && loaded), "a changed file loaded: {:?}", edits);
    }

    #[test]
    fn checkpoint_fuzz_resealed_header_mutations_never_panic(
        i in 0usize..4,
        edits in prop::collection::vec(mutate::edit(), 1..4),
    ) {
        if let Some(bytes) = resealed(&valid_files()[i], &edits) {
            exercise(bytes)?;
        }
    }

    #[test]
    fn checkpoint_fuzz_random_bytes_are_refused(bytes in mutate::random_bytes()) {
        prop_assert!(!exercise(bytes)?);
    }
}
