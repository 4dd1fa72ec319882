//! `rfm sweep --slurm` through a real single-node Slurm cluster (`bash .ci/slurm.sh up`):
//! 2 algorithms × 2 seeds × 400 steps on pendulum-swingup as one job array plus the dependent
//! report job. One array task is requeued (`scontrol requeue`) after its first checkpoint; it
//! must resume to exactly the uninterrupted run. Runs when `sbatch` is on PATH and a cluster
//! answers; with `CI=true` a missing cluster is a failure, not a skip.

#[path = "common/study_runs.rs"]
mod study_runs;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rfm::study::run_outcome::{RunState, read_outcome};
use study_runs::{assert_same_run, reference_run, rfm, study_scratch, tiny_sweep};

fn cluster_answers() -> bool {
    let sbatch = Command::new("sbatch").arg("--version").output();
    let sinfo = Command::new("sinfo").args(["-h", "-o", "%T"]).output();
    sbatch.is_ok_and(|o| o.status.success())
        && sinfo.is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn finished(dir: &Path) -> bool {
    read_outcome(dir).is_ok_and(|o| o.state == RunState::Finished)
}

#[test]
fn sweep_on_slurm_finishes_every_run_resumes_a_requeued_one_and_runs_the_report() {
    if !cluster_answers() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but no Slurm cluster answers (sbatch/sinfo); .ci/run starts one with `bash .ci/slurm.sh up`"
        );
        eprintln!("skipped: no Slurm cluster answers (start one with `bash .ci/slurm.sh up`)");
        return;
    }
    let (root, config) = study_scratch("slurm");
    let sweep = root.join("sweep");
    let out = tiny_sweep("0,1", &config, &sweep)
        .args(["--slurm", "--time-minutes", "30"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let jobs = std::fs::read_to_string(sweep.join("slurm/jobs.txt")).unwrap();
    let array = jobs
        .lines()
        .find_map(|l| l.strip_prefix("array="))
        .expect("array id recorded")
        .to_string();
    let script = std::fs::read_to_string(sweep.join("slurm/array.sbatch")).unwrap();
    assert!(script.contains("#SBATCH --array=0-3") && script.contains("#SBATCH --requeue"));

    // Index 0 is rfm seed 0: requeue it once it has a checkpoint and is still running.
    let run0 = sweep.join("runs/pendulum-swingup/rfm/seed-0");
    wait_for(
        "the first checkpoint of index 0",
        Duration::from_secs(300),
        || run0.join("checkpoint.safetensors").exists(),
    );
    assert!(
        !finished(&run0),
        "index 0 finished before it could be requeued"
    );
    let rq = Command::new("scontrol")
        .args(["requeue", &format!("{array}_0")])
        .output()
        .unwrap();
    assert!(
        rq.status.success(),
        "scontrol requeue: {}",
        String::from_utf8_lossy(&rq.stderr)
    );

    let runs = [("rfm", 0), ("rfm", 1), ("sac", 0), ("sac", 1)];
    let report = sweep.join("report/report.md");
    wait_for(
        "every run and the report job",
        Duration::from_secs(900),
        || {
            report.exists()
                && runs.iter().all(|(a, s)| {
                    finished(&sweep.join(format!("runs/pendulum-swingup/{a}/seed-{s}")))
                })
        },
    );
    for (a, s) in runs {
        let d = sweep.join(format!("runs/pendulum-swingup/{a}/seed-{s}"));
        for f in [
            "run.json",
            "eval.csv",
            "train.csv",
            "agent.safetensors",
            "train.log",
        ] {
            assert!(d.join(f).exists(), "{} lacks {f}", d.display());
        }
    }
    // The requeue really happened: index 0 started twice and its second start resumed.
    let log0 = std::fs::read_to_string(sweep.join("slurm/logs/index-0.out")).unwrap();
    assert_eq!(log0.matches("index 0 on").count(), 2, "{log0}");
    let train0 = std::fs::read_to_string(run0.join("train.log")).unwrap();
    assert!(train0.contains("resuming"), "{train0}");
    let reference = root.join("reference");
    reference_run("rfm", 0, &config, &reference);
    assert_same_run(&run0, &reference);
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(md.contains("| pendulum-swingup | rfm | 2 |"), "{md}");
    assert!(md.contains("None: every run finished."), "{md}");
    let status = rfm()
        .arg("sweep")
        .arg("--status")
        .arg(&sweep)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stdout)
    );
    let _ = std::fs::remove_dir_all(&root);
}
