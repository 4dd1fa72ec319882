//! `rfm render`: the binary writes a decodable GIF of the requested size and frame count, acts
//! with a trained agent from a checkpoint, and refuses a checkpoint of another task.

use std::process::Command;

fn rfm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rfm"))
}

#[test]
fn cli_render_writes_gif_with_expected_frames_and_size() {
    let dir = std::env::temp_dir().join(format!("rfm-cli-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for task in ["finger-turn_hard", "fish-swim", "cheetah-run"] {
        let out = dir.join(format!("{task}.gif"));
        let status = rfm()
            .args([
                "render", task, "--steps", "10", "--every", "5", "--width", "64",
            ])
            .args(["--height", "48", "--seed", "3", "--out"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success(), "{task}");
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::Indexed);
        let mut d = options
            .read_info(std::fs::File::open(&out).unwrap())
            .unwrap();
        assert_eq!((d.width(), d.height()), (64, 48));
        let mut frames = 0;
        while d.read_next_frame().unwrap().is_some() {
            frames += 1;
        }
        assert_eq!(
            frames,
            1 + 10 / 5,
            "{task}: initial frame + one per 5 steps"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Trains a tiny SAC agent on pendulum-swingup through the CLI and returns its run directory.
fn tiny_run(dir: &std::path::Path) -> std::path::PathBuf {
    let config = dir.join("tiny.toml");
    std::fs::write(
        &config,
        "[schedule]\nrandom_steps = 100\nbatch_size = 16\neval_episodes = 1\n\n[actor]\nhidden = 16\n\n[critic]\nhidden = 16\n",
    )
    .unwrap();
    let run = dir.join("run");
    let o = rfm()
        .args(["train", "--task", "pendulum-swingup", "--algo", "sac"])
        .args(["--steps", "200", "--quiet", "--threads", "1", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&run)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    run
}

#[test]
fn cli_render_acts_with_a_checkpoint_and_refuses_another_task() {
    let dir = std::env::temp_dir().join(format!("rfm-cli-render-ckpt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let agent = tiny_run(&dir).join("agent.safetensors");
    let out = dir.join("trained.gif");
    let o = rfm()
        .args(["render", "pendulum-swingup", "--steps", "6", "--every", "3"])
        .args(["--width", "32", "--height", "24", "--checkpoint"])
        .arg(&agent)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::metadata(&out).unwrap().len() > 0);

    let o = rfm()
        .args(["render", "finger-spin", "--checkpoint"])
        .arg(&agent)
        .arg("--out")
        .arg(dir.join("wrong.gif"))
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("was trained on pendulum-swingup") && err.contains("finger-spin"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cli_render_missing_checkpoint_is_a_clear_error() {
    let out = std::env::temp_dir().join("rfm-cli-render-unused.gif");
    let o = rfm()
        .args([
            "render",
            "finger-spin",
            "--checkpoint",
            "no-such-policy.safetensors",
            "--out",
        ])
        .arg(&out)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no-such-policy.safetensors"), "{err}");
}
