//! `rfm sweep --local`: a pool of `rfm train` processes. Ctrl-C (SIGINT to the sweep) or SIGTERM
//! (`kill`, a service manager) stops it cleanly: the running runs get the signal, checkpoint and
//! exit before the sweep does; a second invocation resumes the stopped run to exactly the
//! uninterrupted result and skips finished runs.

#[path = "common/study_runs.rs"]
mod study_runs;

use std::process::Stdio;
use std::time::{Duration, Instant};

use rfm::study::run_outcome::{RunState, read_outcome};
use study_runs::{assert_same_run, reference_run, rfm, study_scratch, tiny_sweep};

#[test]
fn local_sweep_stops_on_ctrl_c_resumes_exactly_and_skips_finished_runs() {
    stop_resume_skip(libc::SIGINT, "local-int");
}

/// Before, only SIGINT was handled: SIGTERM killed the sweep at once and left its runs training
/// as orphans, so this test saw no "stopped" message and a run still writing after the exit.
#[test]
fn local_sweep_stops_on_sigterm_with_no_run_left_behind() {
    stop_resume_skip(libc::SIGTERM, "local-term");
}

fn stop_resume_skip(signal: i32, scratch: &str) {
    let (root, config) = study_scratch(scratch);
    let sweep = root.join("sweep");
    let child = tiny_sweep("0", &config, &sweep)
        .args(["--local", "2"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let run0 = sweep.join("runs/pendulum-swingup/rfm/seed-0");
    let start = Instant::now();
    while !run0.join("checkpoint.safetensors").exists() {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "no checkpoint in 300 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: kill(2) on our own child's pid.
    unsafe {
        libc::kill(child.id() as libc::pid_t, signal);
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "an interrupted sweep does not report success: {err}"
    );
    assert!(err.contains("rfm sweep --resume"), "{err}");
    let o = read_outcome(&run0).unwrap();
    assert!(
        matches!(o.state, RunState::Incomplete { .. }),
        "rfm seed 0 was stopped mid-run: {:?}",
        o.state
    );
    // No run outlives the sweep: every run directory's lock is free once it has exited.
    for algo in ["rfm", "sac"] {
        let run = sweep
            .join("runs/pendulum-swingup")
            .join(algo)
            .join("seed-0");
        if run.exists() {
            assert!(
                rfm::run::RunLock::acquire(&run).is_ok(),
                "{} is still held by a training process after the sweep exited",
                run.display()
            );
        }
    }

    let again = rfm()
        .arg("sweep")
        .arg("--resume")
        .arg(&sweep)
        .args(["--local", "2"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{err}");
    assert!(err.contains("done 2/2"), "{err}");
    let reference = root.join("reference");
    reference_run("rfm", 0, &config, &reference);
    assert_same_run(&run0, &reference);

    let third = rfm()
        .arg("sweep")
        .arg("--resume")
        .arg(&sweep)
        .args(["--local", "2"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&third.stderr);
    assert!(
        third.status.success() && err.contains("done 2/2 (2 earlier)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&root);
}
