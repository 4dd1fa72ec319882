//! The `rfm train` binary: SIGINT/SIGTERM finish the step, write a checkpoint, print the resume
//! command and exit 130/143; flags that `--resume` would ignore are refused; thread counts are
//! bounded before any thread is spawned.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use rfm::checkpoint::Checkpoint;
use rfm::config::Algo;
use rfm::rl::trainer::{TrainOptions, train};
use rfm::run::csv_log::read_csv;
use rfm::run::files;
use rfm::run::lock::LOCK_FILE;

#[path = "common/tiny_run.rs"]
mod tiny_run;
use tiny_run::{record, tmp};

fn rfm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rfm"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A tiny SAC run far too long to finish during the test (10⁷ steps).
fn long_config(dir: &Path) -> std::path::PathBuf {
    let config = dir.join("long.toml");
    std::fs::write(
        &config,
        "algo = \"sac\"\n[schedule]\ntotal_steps = 10000000\nrandom_steps = 100\nbatch_size = 16\neval_episodes = 1\neval_every = 1000000\n\n[actor]\nhidden = 16\n\n[critic]\nhidden = 16\n",
    )
    .unwrap();
    config
}

/// Waits until the run in `dir` has written its step-0 evaluation (it is then in the loop).
fn wait_for_first_eval(dir: &Path, child: &mut std::process::Child) {
    let start = Instant::now();
    loop {
        let ready = read_csv(&dir.join(files::EVAL_CSV)).is_ok_and(|(_, rows)| !rows.is_empty());
        if ready {
            return;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("rfm exited early with {status}");
        }
        // A guard against a hung child, not a timing assertion.
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "no eval row after 300 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signal_and_wait(child: std::process::Child, signal: i32) -> Output {
    // SAFETY: sends a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
    child.wait_with_output().unwrap()
}

fn checkpoint_step(dir: &Path) -> u64 {
    let c = Checkpoint::read(dir.join(files::CHECKPOINT)).unwrap();
    c.metadata("step").unwrap().parse().unwrap()
}

#[test]
fn sigint_and_sigterm_checkpoint_print_the_resume_command_and_exit_130_143() {
    let dir = tmp("cli_stop");
    std::fs::create_dir_all(&dir).unwrap();
    let config = long_config(&dir);
    let run = dir.join("run");
    let mut child = rfm()
        .args(["train", "--task", "pendulum-swingup", "--algo", "sac"])
        .args(["--quiet", "--threads", "1", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&run)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_first_eval(&run, &mut child);
    let o = signal_and_wait(child, libc::SIGINT);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(
        err.contains("SIGINT") && err.contains(&format!("rfm train --resume {}", run.display())),
        "{err}"
    );
    let first = checkpoint_step(&run);
    assert!(first >= 1);
    assert!(err.contains(&format!("after {first} steps")), "{err}");
    assert!(!run.join(LOCK_FILE).exists());

    // The printed command continues the run; SIGTERM then stops it again, later.
    let mut child = rfm()
        .args(["train", "--quiet", "--resume"])
        .arg(&run)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The lock exists once the handlers are installed; a signal from then on stops the run
    // after its next step.
    let start = Instant::now();
    while !run.join(LOCK_FILE).exists() {
        if child.try_wait().unwrap().is_some() {
            panic!(
                "resume exited early: {}",
                stderr(&child.wait_with_output().unwrap())
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "resume did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = signal_and_wait(child, libc::SIGTERM);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(143), "{err}");
    assert!(err.contains("SIGTERM"), "{err}");
    assert!(checkpoint_step(&run) > first, "{err}");
    let (_, rows) = read_csv(&run.join(files::EVAL_CSV)).unwrap();
    let steps: Vec<u64> = rows.iter().map(|r| r[0] as u64).collect();
    assert_eq!(
        steps,
        vec![0],
        "one step-0 evaluation, not repeated on resume"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn flags_given_with_resume_are_refused_by_name() {
    for (flag, value) in [
        ("--seed", "3"),
        ("--algo", "sac"),
        ("--task", "cheetah-run"),
        ("--out", "elsewhere"),
        ("--steps", "10"),
        ("--config", "x.toml"),
        ("--preset", "paper"),
    ] {
        let o = rfm()
            .args(["train", "--resume", "somewhere", flag, value])
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{flag}: {err}");
        assert!(
            err.contains(flag) && err.contains("--resume"),
            "{flag}: {err}"
        );
    }
    let o = rfm()
        .args(["train", "--resume", "somewhere", "--overwrite"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn threads_are_bounded_and_resume_keeps_the_recorded_count() {
    let dir = tmp("cli_threads");
    let o = rfm()
        .args(["train", "--threads", "100000000", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("--threads") && err.contains("100000000") && err.contains("1024"),
        "{err}"
    );
    assert!(!dir.exists(), "nothing written before the check");
    train(&dir, &record(Algo::Sac, 150, 1), &TrainOptions::default()).unwrap();
    let o = rfm()
        .args(["train", "--threads", "3", "--resume"])
        .arg(&dir)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("--threads 3") && err.contains("recorded with 1 threads"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
