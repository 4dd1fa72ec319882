//! No data lost in a run directory: an existing run is refused unless `overwrite`, a lock names
//! the live process holding it and a stale one is replaced, temporary files of killed writes are
//! removed, and a stop request (SIGINT/SIGTERM) checkpoints the finished step so that the run
//! resumes without duplicated or lost rows.

use std::path::Path;

use rfm::checkpoint::Checkpoint;
use rfm::config::Algo;
use rfm::rl::trainer::{SignalStop, TrainError, TrainOptions, resume, train};
use rfm::run::csv_log::read_csv;
use rfm::run::files;
use rfm::run::lock::LOCK_FILE;
use rfm::run::{RunDirError, StopRequest};

#[path = "common/study_runs.rs"]
mod study_runs;
#[path = "common/tiny_run.rs"]
mod tiny_run;
use study_runs::assert_same_run;
use tiny_run::{record, tmp};

fn eval_steps(dir: &Path) -> Vec<u64> {
    let (_, rows) = read_csv(&dir.join(files::EVAL_CSV)).unwrap();
    rows.iter().map(|r| r[0] as u64).collect()
}

#[test]
fn existing_run_is_refused_unless_overwrite_and_other_files_survive() {
    let dir = tmp("dir_existing");
    train(&dir, &record(Algo::Sac, 150, 1), &TrainOptions::default()).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let before = std::fs::read(dir.join(files::EVAL_CSV)).unwrap();
    let e = train(&dir, &record(Algo::Sac, 300, 2), &TrainOptions::default()).unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(e, TrainError::RunDir(RunDirError::ExistingRun { .. })),
        "{msg}"
    );
    assert!(
        msg.contains(&dir.display().to_string())
            && msg.contains("--resume")
            && msg.contains("--overwrite")
            && msg.contains("run.json"),
        "{msg}"
    );
    assert_eq!(std::fs::read(dir.join(files::EVAL_CSV)).unwrap(), before);
    assert!(
        !dir.join(LOCK_FILE).exists(),
        "a refused start releases the lock"
    );
    let options = TrainOptions {
        overwrite: true,
        ..Default::default()
    };
    train(&dir, &record(Algo::Sac, 300, 2), &options).unwrap();
    assert_eq!(eval_steps(&dir), vec![0, 150, 300], "the old rows are gone");
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_live_lock_names_its_pid_and_a_stale_one_is_replaced() {
    let dir = tmp("dir_lock");
    std::fs::create_dir_all(&dir).unwrap();
    // Held by a live process (this one): a second writer is refused, nothing is written.
    let me = std::process::id();
    std::fs::write(dir.join(LOCK_FILE), format!("{me}\n")).unwrap();
    let msg = train(&dir, &record(Algo::Sac, 150, 1), &TrainOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains(&format!("process {me}")) && msg.contains(LOCK_FILE),
        "{msg}"
    );
    assert!(!dir.join(files::RUN_RECORD).exists());
    let msg = resume(&dir, &TrainOptions::default())
        .unwrap_err()
        .to_string();
    assert!(msg.contains(&format!("process {me}")), "{msg}");
    // Left by a process that has ended (as after SIGKILL): replaced, and released at the end.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    std::fs::write(dir.join(LOCK_FILE), format!("{dead}\n")).unwrap();
    train(&dir, &record(Algo::Sac, 150, 1), &TrainOptions::default()).unwrap();
    assert!(!dir.join(LOCK_FILE).exists());
    // A lock file that does not hold a PID is stale too.
    std::fs::write(dir.join(LOCK_FILE), "garbage").unwrap();
    resume(&dir, &TrainOptions::default()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stale_temporary_files_are_removed_at_start_and_at_resume() {
    let dir = tmp("dir_temp");
    std::fs::create_dir_all(&dir).unwrap();
    let stale = [".checkpoint.safetensors.tmp-4242-0", "run.json.tmp"];
    for f in stale {
        std::fs::write(dir.join(f), "torn").unwrap();
    }
    train(&dir, &record(Algo::Sac, 150, 1), &TrainOptions::default()).unwrap();
    for f in stale {
        assert!(!dir.join(f).exists(), "{f}");
        std::fs::write(dir.join(f), "torn").unwrap();
    }
    resume(&dir, &TrainOptions::default()).unwrap();
    for f in stale {
        assert!(!dir.join(f).exists(), "{f}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_stop_request_checkpoints_the_finished_step_and_the_run_resumes_without_duplicates() {
    for algo in [Algo::Rfm, Algo::Sac] {
        let dir = tmp(&format!("dir_stop_{algo}"));
        let stop = StopRequest::new();
        stop.request(signal_hook::consts::SIGTERM);
        let options = TrainOptions {
            stop: Some(stop),
            ..Default::default()
        };
        // Requested before the first step: the run stops right after it, mid-episode.
        let o = train(&dir, &record(algo, 300, 7), &options).unwrap();
        let stopped = SignalStop {
            signal: signal_hook::consts::SIGTERM,
            mid_episode: true,
        };
        assert_eq!((o.steps, o.signal), (1, Some(stopped)));
        let c = Checkpoint::read(dir.join(files::CHECKPOINT)).unwrap();
        assert_eq!(c.metadata("step"), Some("1"));
        assert_eq!(c.metadata("replay_len"), Some("1"));
        assert!(dir.join(files::AGENT).exists());
        assert!(!dir.join(LOCK_FILE).exists());
        let o = resume(&dir, &TrainOptions::default()).unwrap();
        assert_eq!((o.steps, o.signal, o.halted), (300, None, false));
        assert_eq!(
            eval_steps(&dir),
            vec![0, 150, 300],
            "{algo}: one row per eval"
        );
        let c = Checkpoint::read(dir.join(files::CHECKPOINT)).unwrap();
        // Every step up to the last checkpoint (an episode end) has its transition.
        assert_eq!(
            c.metadata("replay_len"),
            c.metadata("step"),
            "{algo}: no transition lost"
        );
        assert!(c.metadata("step") > Some("1"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// Stops the run (as SIGTERM would) once `at` env steps are done.
struct StopAt {
    at: u64,
    stop: StopRequest,
}

impl rfm::rl::observer::Observer for StopAt {
    fn step(&mut self, step: u64) {
        if step == self.at {
            self.stop.request(signal_hook::consts::SIGTERM);
        }
    }
}

#[test]
fn a_run_stopped_mid_episode_resumes_bit_identically_to_an_uninterrupted_one() {
    // Step 170 is 70 steps into the second 100-step episode and 70 updates in; cheetah-run has
    // feet on the ground, so its contact state must come back too.
    for (algo, task) in [
        (Algo::Rfm, rfm_envs::TaskId::PendulumSwingup),
        (Algo::Sac, rfm_envs::TaskId::CheetahRun),
        (Algo::Qvpo, rfm_envs::TaskId::CheetahRun),
    ] {
        let rec = rfm::run::record::RunRecord {
            task,
            ..record(algo, 300, 3)
        };
        let whole = tmp(&format!("dir_whole_{algo}"));
        train(&whole, &rec, &TrainOptions::default()).unwrap();
        let cut = tmp(&format!("dir_cut_{algo}"));
        let stop = StopRequest::new();
        let options = TrainOptions {
            stop: Some(stop.clone()),
            ..Default::default()
        };
        let mut observer = StopAt { at: 170, stop };
        let o = rfm::rl::trainer::train_observed(&cut, &rec, &options, &mut observer).unwrap();
        let stopped = SignalStop {
            signal: signal_hook::consts::SIGTERM,
            mid_episode: true,
        };
        assert_eq!((o.steps, o.signal), (170, Some(stopped)), "{algo}");
        let c = Checkpoint::read(cut.join(files::CHECKPOINT)).unwrap();
        assert_eq!(c.metadata("episode_steps"), Some("70"), "{algo}");
        let o = resume(&cut, &TrainOptions::default()).unwrap();
        assert_eq!((o.steps, o.halted), (300, false), "{algo}");
        assert_same_run(&cut, &whole);
        std::fs::remove_dir_all(&whole).unwrap();
        std::fs::remove_dir_all(&cut).unwrap();
    }
}
