//! Fuzzing the settings parsers: mutations of valid config files and random bytes through
//! `--config`'s reader and TOML overlay, and mutations of a valid `run.json` through the
//! record parser, never panic; whatever is accepted passes the one validation again and
//! survives a round trip.
//!
//! `cargo test` runs 300 cases per property; the documented fuzzing command runs 10,000:
//! `RFM_FUZZ_CASES=10000 cargo test --release --test fuzz_config`.

use std::path::PathBuf;

use proptest::prelude::*;
use rfm::config::source::read_config_file;
use rfm::config::{Algo, Preset, TrainConfig};
use rfm::run::record::RunRecord;

#[path = "common/seeded.rs"]
mod seeded;

#[path = "common/mutate.rs"]
mod mutate;

#[path = "common/tiny_run.rs"]
mod tiny_run;

/// Valid config files: a few hand-written overlays and the full serialised presets.
fn valid_configs() -> Vec<Vec<u8>> {
    let mut docs: Vec<Vec<u8>> = [
        "[schedule]\ntotal_steps = 5000\nbatch_size = 64\n",
        "algo = \"rfm\"\n[sampler]\ntemperature = 0.05\nsteps = 8\n[estimator]\nsamples = 32\ncoefficient = { fixed = 0.5 }\n",
        "[critic]\nhidden = 64\ngamma = 0.98\n[actor]\nembed_dim = 16\n",
        "# comment\n[estimator]\ncoefficient = \"eta-one\"\nproposal = \"buffer\"\n",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    for preset in [Preset::Paper, Preset::Cpu] {
        docs.push(
            toml::to_string(&TrainConfig::preset(Algo::Rfm, preset))
                .unwrap()
                .into_bytes(),
        );
    }
    docs
}

fn valid_records() -> Vec<Vec<u8>> {
    [Algo::Rfm, Algo::Sac]
        .iter()
        .map(|&a| {
            serde_json::to_string_pretty(&tiny_run::record(a, 300, 1))
                .unwrap()
                .into_bytes()
        })
        .collect()
}

/// One file per property (the properties run on parallel threads).
fn file(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("rfm_fuzz_config_{}_{tag}.toml", std::process::id()))
}

fn check_config(tag: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = file(tag);
    std::fs::write(&path, bytes).unwrap();
    let text = match read_config_file(&path) {
        Ok(t) => t,
        Err(e) => {
            prop_assert!(e.to_string().contains(&path.display().to_string()), "{}", e);
            return Ok(());
        }
    };
    let base = TrainConfig::preset(Algo::Rfm, Preset::Cpu);
    match base.overlay_toml(&text) {
        Ok(c) => {
            prop_assert!(c.validate().is_ok());
            let again = base.overlay_toml(&toml::to_string(&c).unwrap());
            prop_assert_eq!(again.as_ref(), Ok(&c));
        }
        Err(e) => {
            // Messages stay short however long the input is.
            prop_assert!(e.to_string().len() < 2000, "{} bytes", e.to_string().len());
        }
    }
    Ok(())
}

fn check_record(bytes: &[u8]) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(bytes);
    match RunRecord::from_json(&text) {
        Ok(r) => {
            prop_assert!(r.validate().is_ok());
            let json = serde_json::to_string(&r).unwrap();
            prop_assert_eq!(RunRecord::from_json(&json).ok(), Some(r));
        }
        Err(e) => prop_assert!(e.to_string().len() < 2000),
    }
    Ok(())
}

proptest! {
    #![proptest_config(seeded::fuzz_cases(300))]

    #[test]
    fn fuzz_config_file_mutations_never_panic(bytes in mutate::mutated(valid_configs())) {
        check_config("mutated", &bytes)?;
    }

    #[test]
    fn fuzz_config_file_random_bytes_never_panic(bytes in mutate::random_bytes()) {
        check_config("random", &bytes)?;
    }

    #[test]
    fn fuzz_run_record_mutations_never_panic(bytes in mutate::mutated(valid_records())) {
        check_record(&bytes)?;
    }

    #[test]
    fn fuzz_run_record_random_bytes_never_panic(bytes in mutate::random_bytes()) {
        check_record(&bytes)?;
    }
}
