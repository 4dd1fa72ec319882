//! One validation for every source of settings: a config file (regular, at most 1 MiB, TOML
//! errors with line and column, long values cut), `run.json` on resume (re-validated, and in
//! agreement with the checkpoint's own record), the record inside a checkpoint (eval/render),
//! temperatures in f32's normal range, and the memory a run needs against this machine's.

use rfm::checkpoint::{Checkpoint, CheckpointWriter};
use rfm::config::memory::{MemoryEstimate, check_memory};
use rfm::config::source::read_config_file;
use rfm::config::{Algo, ConfigError, Preset, TrainConfig};
use rfm::rl::trainer::{TrainOptions, resume, train};
use rfm::run::record::RunRecord;
use rfm::run::state::record_of;

#[path = "common/tiny_run.rs"]
mod tiny_run;
use tiny_run::{record, tmp};

#[test]
fn config_files_must_be_small_regular_files() {
    let e = read_config_file(std::path::Path::new("/dev/zero")).unwrap_err();
    assert!(
        e.to_string().contains("/dev/zero") && e.to_string().contains("not a regular file"),
        "{e}"
    );
    let dir = tmp("input_big");
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.toml");
    std::fs::write(&big, vec![b'#'; 2 << 20]).unwrap();
    let e = read_config_file(&big).unwrap_err().to_string();
    assert!(e.contains("big.toml") && e.contains("1048576"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn toml_errors_give_line_and_column_and_cut_long_values() {
    let base = TrainConfig::preset(Algo::Rfm, Preset::Cpu);
    let e = base
        .overlay_toml("[critic]\nlr = 0.1\ngamma = = 3\n")
        .unwrap_err();
    assert!(matches!(e, ConfigError::Parse { line: 3, .. }), "{e:?}");
    let e = base
        .overlay_toml("# c\n[critic]\n\n  learning_rate = 0.1\n")
        .unwrap_err();
    match &e {
        ConfigError::Parse {
            line,
            column,
            message,
        } => {
            assert_eq!((*line, *column), (4, 3), "{message}");
            assert!(message.contains("critic.learning_rate"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let long = "x".repeat(5 << 20);
    let e = base
        .overlay_toml(&format!("algo = \"{long}\"\n"))
        .unwrap_err()
        .to_string();
    assert!(
        e.len() < 1000 && e.contains("bytes in all"),
        "{} bytes",
        e.len()
    );
}

#[test]
fn temperatures_outside_f32_normal_range_are_refused() {
    for t in ["1e-39", "0", "-1", "1e39"] {
        let e = TrainConfig::default()
            .overlay_toml(&format!("[sampler]\ntemperature = {t}\n"))
            .unwrap_err();
        assert!(
            matches!(
                e,
                ConfigError::OutOfRange {
                    key: "sampler.temperature",
                    ..
                }
            ),
            "{t}: {e}"
        );
        let e = TrainConfig::default()
            .overlay_toml(&format!("[sac]\ninit_alpha = {t}\n"))
            .unwrap_err();
        assert!(e.to_string().contains("sac.init_alpha"), "{t}: {e}");
    }
    TrainConfig::default()
        .overlay_toml("[sampler]\ntemperature = 1.2e-38\n")
        .unwrap();
}

#[test]
fn memory_beyond_the_machine_is_refused_with_the_numbers() {
    let mut c = TrainConfig::preset(Algo::Rfm, Preset::Paper);
    let paper = MemoryEstimate::of(&c, 17, 6);
    assert!(paper.total() < 4e9, "{paper:?}");
    (
        c.schedule.batch_size,
        c.schedule.replay_capacity,
        c.estimator.samples,
    ) = (1 << 20, 1 << 20, 100_000);
    c.validate().unwrap();
    let e = check_memory(&c, 17, 6, Some(24e9)).unwrap_err().to_string();
    assert!(
        e.contains("GB") && e.contains("24.0 GB") && e.contains("estimator.samples"),
        "{e}"
    );
    // K scales the estimator's term linearly: doubling K doubles the update's share.
    let m1 = MemoryEstimate::of(&c, 17, 6);
    c.estimator.samples = 50_000;
    let m2 = MemoryEstimate::of(&c, 17, 6);
    assert!(m1.update > 1.9 * m2.update && m1.update < 2.0 * m2.update);
}

/// Edits one field of `dir/run.json` as text and returns the resume error.
fn resume_with(dir: &std::path::Path, edit: impl Fn(&mut serde_json::Value)) -> String {
    let path = dir.join("run.json");
    let good = std::fs::read_to_string(&path).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
    edit(&mut v);
    std::fs::write(&path, serde_json::to_string(&v).unwrap()).unwrap();
    let e = resume(dir, &TrainOptions::default())
        .unwrap_err()
        .to_string();
    std::fs::write(&path, good).unwrap();
    e
}

#[test]
fn resume_revalidates_run_json_and_requires_the_checkpoints_record() {
    let dir = tmp("input_resume");
    let mut o = TrainOptions::default();
    o.halt_after = Some(250);
    train(&dir, &record(Algo::Rfm, 400, 3), &o).unwrap();
    for (section, key, value, named) in [
        (
            "sampler",
            "temperature",
            serde_json::json!(-1.0),
            "sampler.temperature",
        ),
        (
            "schedule",
            "batch_size",
            serde_json::json!(0),
            "schedule.batch_size",
        ),
        (
            "estimator",
            "samples",
            serde_json::json!(0),
            "estimator.samples",
        ),
        (
            "schedule",
            "eval_every",
            serde_json::json!(0),
            "schedule.eval_every",
        ),
        ("critic", "gamma", serde_json::json!(1.5), "critic.gamma"),
        (
            "schedule",
            "replay_capacity",
            serde_json::json!(8),
            "schedule.replay_capacity",
        ),
        (
            "schedule",
            "total_steps",
            serde_json::json!(0),
            "schedule.total_steps",
        ),
        (
            "critic",
            "hidden",
            serde_json::json!(1_000_000_000u64),
            "critic.hidden",
        ),
    ] {
        let e = resume_with(&dir, |v| v["config"][section][key] = value.clone());
        assert!(e.contains(named), "{named}: {e}");
    }
    let e = resume_with(&dir, |v| v["threads"] = serde_json::json!(100_000_000u64));
    assert!(e.contains("threads") && e.contains("1024"), "{e}");
    // Valid but not the checkpoint's run: the field is named with both values.
    let e = resume_with(&dir, |v| v["seed"] = serde_json::json!(4));
    assert!(
        e.contains("`seed`") && e.contains('4') && e.contains('3'),
        "{e}"
    );
    resume(&dir, &TrainOptions::default()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_record_inside_a_checkpoint_passes_the_same_checks() {
    let dir = tmp("input_ckpt_record");
    std::fs::create_dir_all(&dir).unwrap();
    for (section, key, value, named) in [
        (
            "sampler",
            "particles_eval",
            serde_json::json!(0),
            "sampler.particles_eval",
        ),
        ("sampler", "steps", serde_json::json!(0), "sampler.steps"),
        ("sampler", "t_min", serde_json::json!(0.81), "sampler.t_min"),
        (
            "sampler",
            "temperature",
            serde_json::json!(0.0),
            "sampler.temperature",
        ),
    ] {
        let mut v = serde_json::to_value(record(Algo::Rfm, 300, 1)).unwrap();
        v["config"][section][key] = value;
        let path = dir.join("agent.safetensors");
        let mut w = CheckpointWriter::new();
        w.add("x", &ndarray::Array2::<f32>::zeros((1, 1)));
        w.metadata("run_record", v.to_string());
        w.write(&path).unwrap();
        let e = record_of(&Checkpoint::read(&path).unwrap())
            .unwrap_err()
            .to_string();
        assert!(e.contains(named), "{named}: {e}");
        // `rfm eval` and `rfm render` read the record through record_of.
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_rfm"))
            .args(["eval", "--checkpoint"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains(named));
    }
    assert!(RunRecord::from_json("{").is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn eval_episodes_are_bounded_by_the_parser() {
    for n in ["0", "1000000000"] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_rfm"))
            .args(["eval", "--checkpoint", "none.safetensors", "--episodes", n])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains("--episodes") && err.contains("1..=1000"),
            "{err}"
        );
    }
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_rfm"))
        .args([
            "envs",
            "check",
            "cartpole-swingup",
            "--episodes",
            "1000000000000",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
