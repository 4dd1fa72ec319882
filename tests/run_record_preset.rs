//! `run.json`'s `preset` is the typed [`Preset`]: every committed record still reads, and an
//! unknown preset is an error naming the value and the allowed ones.

use std::path::Path;

use rfm::config::Preset;
use rfm::run::record::RunRecord;

const COMMITTED: &str = "paper-notes/results/reduced/runs/cartpole-swingup/rfm/seed-0/run.json";

fn committed_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_committed_run_json_reads_with_its_preset() {
    let text = committed_text();
    assert!(text.contains("\"preset\": \"demo\""), "{COMMITTED} changed");
    let record = RunRecord::from_json(&text).expect("the committed record reads");
    assert_eq!(record.preset, Preset::Demo);
    // The spelling round-trips: written back, the field reads the same.
    let again = serde_json::to_string(&record).unwrap();
    assert!(again.contains("\"preset\":\"demo\""), "{again}");
    assert_eq!(record.preset.to_string(), "demo");
}

#[test]
fn an_unknown_preset_is_an_error_naming_the_value_and_the_allowed_ones() {
    let text = committed_text().replace("\"preset\": \"demo\"", "\"preset\": \"turbo\"");
    let err = RunRecord::from_json(&text)
        .expect_err("an unknown preset must not read")
        .to_string();
    for word in ["turbo", "paper", "cpu", "demo"] {
        assert!(err.contains(word), "{word:?} missing from: {err}");
    }
}
