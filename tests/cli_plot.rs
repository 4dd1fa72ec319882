//! `rfm plot` names every path it cannot use: a run directory without `eval.csv`, a malformed
//! row (with its line), and an output that cannot be written; a good plot is written whole.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn plot(dirs: &[&Path], out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rfm"))
        .arg("plot")
        .args(dirs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn scratch() -> PathBuf {
    let d = std::env::temp_dir().join(format!("rfm-test-plot-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const EVAL: &str = "step,return_mean,return_std,return_min,return_max,episodes\n0,1.5,0,1.5,1.5,1\n100,7.25,0,7.25,7.25,1\n";

#[test]
fn plot_errors_name_the_missing_csv_the_bad_line_and_the_unwritable_output() {
    let root = scratch();
    let run = root.join("run");
    std::fs::create_dir_all(&run).unwrap();
    let empty = root.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = root.join("curves.svg");

    let o = plot(&[&empty], &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains(&empty.join("eval.csv").display().to_string()),
        "{err}"
    );

    std::fs::write(run.join("eval.csv"), EVAL.replace("7.25,0", "seven,0")).unwrap();
    let o = plot(&[&run], &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains("line 3"), "{err}");

    std::fs::write(run.join("eval.csv"), EVAL).unwrap();
    let nowhere = root.join("no-such-dir/curves.svg");
    let o = plot(&[&run], &nowhere);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains(&nowhere.display().to_string()), "{err}");

    let o = plot(&[&run], &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(
        svg.starts_with("<svg") || svg.starts_with("<?xml"),
        "{}",
        &svg[..svg.len().min(80)]
    );
    assert!(svg.trim_end().ends_with("</svg>"));
    let _ = std::fs::remove_dir_all(&root);
}
