//! `rfm render`: the binary writes a decodable GIF of the requested size and frame count, and
//! refuses a checkpoint until trained policies can be loaded.

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

#[test]
fn cli_render_checkpoint_is_a_clear_error_until_policies_load() {
    let out = std::env::temp_dir().join("rfm-cli-render-unused.gif");
    let o = rfm()
        .args([
            "render",
            "finger-spin",
            "--checkpoint",
            "policy.safetensors",
            "--out",
        ])
        .arg(&out)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("checkpoint loading requires a trained policy: not available yet"),
        "{err}"
    );
}
