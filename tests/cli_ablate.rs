//! `rfm ablate` end to end on a tiny rfm run trained in the test: the four files are written
//! and well-formed, a weights file is measured on rollout states, and bad input is refused
//! with a message naming the value.

#[path = "common/tiny_run.rs"]
mod tiny_run;

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use rfm::config::Algo;
use rfm::rl::trainer::{TrainOptions, train};
use rfm::run::files;

/// The run directory of a tiny rfm and a tiny sac run (trained once per process).
fn runs() -> &'static (std::path::PathBuf, std::path::PathBuf) {
    static RUNS: OnceLock<(std::path::PathBuf, std::path::PathBuf)> = OnceLock::new();
    RUNS.get_or_init(|| {
        let dirs = [Algo::Rfm, Algo::Sac].map(|algo| {
            let dir = tiny_run::tmp(&format!("ablate_{algo}"));
            train(
                &dir,
                &tiny_run::record(algo, 160, 3),
                &TrainOptions::default(),
            )
            .unwrap();
            dir
        });
        let [a, b] = dirs;
        (a, b)
    })
}

/// `rfm ablate` with tiny settings; `states` and `ks` are given by the caller.
fn ablate(checkpoint: &Path, out: &Path, states: &str, ks: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rfm"))
        .arg("ablate")
        .arg("--checkpoint")
        .arg(checkpoint)
        .arg("--out")
        .arg(out)
        .args(["--states", states, "--ks", ks])
        .args([
            "--seeds",
            "2",
            "--reference-k",
            "48",
            "--t-bins",
            "3",
            "--etas",
            "0,1",
        ])
        .output()
        .unwrap()
}

/// Members: 2 η + 3 plug-ins + 3 cross-fitted; rows: members × 2 K × (3 bins + all).
const ROWS: usize = 8 * 2 * 4;

fn check_outputs(out: &Path) {
    let csv = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + ROWS, "{csv}");
    let header: Vec<&str> = lines[0].split(',').collect();
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{line}");
        // errors and their sd are finite and non-negative
        for c in &cells[6..10] {
            let v: f64 = c.parse().unwrap();
            assert!(v.is_finite() && v >= 0.0, "{line}");
        }
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(json["summary"]["rows"].as_array().unwrap().len(), ROWS);
    assert_eq!(json["summary"]["reference"].as_array().unwrap().len(), 4);
    assert_eq!(json["settings"]["reference_k"], 48);
    let table = std::fs::read_to_string(out.join("table.md")).unwrap();
    assert!(
        table.contains("| plugin-per-dim |") && table.contains("| crossfit-iso |"),
        "{table}"
    );
    let png = std::fs::read(out.join("error_vs_t.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(out.join("error_vs_t.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("K = 6"));
}

#[test]
fn cli_ablate_writes_metrics_table_and_plot_for_a_checkpoint_and_for_weights() {
    let (rfm_run, _) = runs();
    let out = tiny_run::tmp("ablate_out_state");
    let o = ablate(&rfm_run.join(files::CHECKPOINT), &out, "3", "2,6");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_outputs(&out);
    // the same seed gives the same numbers
    let again = tiny_run::tmp("ablate_out_state_again");
    assert!(
        ablate(&rfm_run.join(files::CHECKPOINT), &again, "3", "2,6")
            .status
            .success()
    );
    assert_eq!(
        std::fs::read(out.join("metrics.csv")).unwrap(),
        std::fs::read(again.join("metrics.csv")).unwrap()
    );
    // weights only: states from rollouts of the policy
    let out_w = tiny_run::tmp("ablate_out_weights");
    let o = ablate(&rfm_run.join(files::AGENT), &out_w, "3", "2,6");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_outputs(&out_w);
    for d in [out, again, out_w] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn cli_ablate_refuses_bad_settings_and_a_sac_run_naming_them() {
    let (rfm_run, sac_run) = runs();
    let out = tiny_run::tmp("ablate_out_bad");
    let cases: [(&Path, &str, &str, &str); 4] = [
        (rfm_run, "0", "2,6", "states = 0"),
        (rfm_run, "3", "0,4", "ks = 0"),
        (rfm_run, "100000", "2,6", "--states 100000"),
        (sac_run, "3", "2,6", "sac"),
    ];
    for (run, states, ks, want) in cases {
        let o = ablate(&run.join(files::CHECKPOINT), &out, states, ks);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "states {states}, ks {ks} was accepted");
        assert!(err.contains(want), "states {states}, ks {ks}: {err}");
    }
}
