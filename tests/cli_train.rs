//! `rfm train`: the binary writes the whole run directory, including the SVG learning curve
//! that the CLI (not the library's training loop) draws from `eval.csv`, and a run record
//! whose git commit is the build's, even when run outside the checkout.

use std::process::Command;

#[test]
fn cli_train_writes_run_directory_with_learning_curve() {
    let dir = std::env::temp_dir().join(format!("rfm-cli-train-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // A tiny network and schedule: seconds, not minutes.
    let config = dir.join("tiny.toml");
    std::fs::write(
        &config,
        "[schedule]\nrandom_steps = 100\neval_every = 100\neval_episodes = 1\n\
         checkpoint_every = 100\nlog_every = 20\nbatch_size = 16\nmax_episode_steps = 100\n\
         [critic]\nhidden = 16\n[actor]\nhidden = 16\nembed_dim = 8\nresidual_blocks = 1\n\
         [sampler]\nsteps = 2\nparticles_act = 2\nparticles_train = 2\nparticles_eval = 2\n\
         [estimator]\nsamples = 4\n",
    )
    .unwrap();
    let out = dir.join("run");
    // Run from outside the checkout: the commit must come from the build, not the cwd.
    let status = Command::new(env!("CARGO_BIN_EXE_rfm"))
        .current_dir(&dir)
        .args(["train", "--task", "pendulum-swingup", "--steps", "200"])
        .args(["--threads", "1", "--quiet", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    for f in [
        "eval.csv",
        "train.csv",
        "checkpoint.safetensors",
        "agent.safetensors",
        "run.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let svg = std::fs::read_to_string(out.join("learning_curve.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<polyline").count(), 1, "one series");
    assert!(
        svg.contains("rfm pendulum-swingup seed 0"),
        "labelled series"
    );
    let record = rfm::run::record::RunRecord::read(&out).unwrap();
    let in_checkout = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".git")
        .exists();
    if in_checkout {
        assert_eq!(record.git_commit.len(), 12, "{}", record.git_commit);
        assert!(record.git_commit.chars().all(|c| c.is_ascii_hexdigit()));
    } else {
        assert_eq!(record.git_commit, "unknown");
    }
    assert_eq!(record.git_commit, rfm::run::record::GIT_COMMIT);
    std::fs::remove_dir_all(&dir).unwrap();
}
