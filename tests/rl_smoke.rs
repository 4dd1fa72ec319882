//! End-to-end runs of every algorithm on pendulum-swingup with tiny networks: finite losses,
//! every file written, resume bit-identical, same seed identical, corrupt checkpoints rejected.

use std::path::Path;

use rfm::checkpoint::Checkpoint;
use rfm::config::Algo;
use rfm::rl::trainer::{TrainError, TrainOptions, resume, train};
use rfm::run::csv_log::read_csv;
use rfm::run::files;
use rfm::run::record::RunRecord;

#[path = "common/tiny_run.rs"]
mod tiny_run;
use tiny_run::{record, tiny, tmp};

/// Every tensor of two checkpoint files, compared bit for bit.
fn assert_same_tensors(a: &Path, b: &Path) {
    let (ca, cb) = (Checkpoint::read(a).unwrap(), Checkpoint::read(b).unwrap());
    assert_eq!(ca.names(), cb.names());
    for n in ca.names() {
        let shape = ca.shape(&n).unwrap().to_vec();
        let (r, c) = (shape[0], shape.get(1).copied().unwrap_or(1));
        // Networks and replay are f32; scalars saved by the loop are f64.
        let (ta, tb) = match (ca.tensor::<f32>(&n, (r, c)), cb.tensor::<f32>(&n, (r, c))) {
            (Ok(x), Ok(y)) => (x.mapv(|v| v as f64), y.mapv(|v| v as f64)),
            _ => (
                ca.tensor::<f64>(&n, (r, c)).unwrap(),
                cb.tensor::<f64>(&n, (r, c)).unwrap(),
            ),
        };
        let same = ta
            .iter()
            .zip(tb.iter())
            .all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "tensor {n} differs");
    }
    for key in [
        "step",
        "updates",
        "rng_env",
        "rng_agent",
        "rng_replay",
        "replay_len",
    ] {
        assert_eq!(ca.metadata(key), cb.metadata(key), "metadata {key}");
    }
}

#[test]
fn every_algorithm_runs_end_to_end_with_finite_losses_and_files() {
    for algo in Algo::ALL {
        let dir = tmp(&format!("all_{algo}"));
        let out = train(&dir, &record(algo, 300, 1), &TrainOptions::default())
            .unwrap_or_else(|e| panic!("{algo}: {e}"));
        assert_eq!(
            (out.steps, out.updates, out.halted),
            (300, 200, false),
            "{algo}"
        );
        for f in [
            files::EVAL_CSV,
            files::TRAIN_CSV,
            files::CHECKPOINT,
            files::AGENT,
            "run.json",
        ] {
            assert!(dir.join(f).is_file(), "{algo}: {f} missing");
        }
        let (header, rows) = read_csv(&dir.join(files::TRAIN_CSV)).unwrap();
        assert_eq!(rows.len(), 10, "{algo}: one row per 20 updates");
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        for r in &rows {
            assert!(
                r[col("critic_loss")].is_finite() && r[col("actor_loss")].is_finite(),
                "{algo}: {r:?}"
            );
            assert!(r[col("q_mean")].is_finite(), "{algo}");
        }
        if algo == Algo::Sac {
            assert!(
                rows.iter()
                    .all(|r| r[col("alpha")] > 0.0 && r[col("ess_mean")].is_nan())
            );
        } else if algo == Algo::Qvpo {
            // No estimator: no ESS, no coefficient.
            assert!(
                rows.iter()
                    .all(|r| r[col("ess_mean")].is_nan() && r[col("eta_mean")].is_nan())
            );
        } else {
            // ESS lies in [1, K] for the estimator algorithms (K = 1 for qsm).
            let k = tiny(algo, 300).estimator.samples as f64;
            assert!(
                rows.iter()
                    .all(|r| (1.0 - 1e-4..=k + 1e-4).contains(&r[col("ess_mean")])),
                "{algo}"
            );
        }
        let (_, evals) = read_csv(&dir.join(files::EVAL_CSV)).unwrap();
        let steps: Vec<f64> = evals.iter().map(|r| r[0]).collect();
        assert_eq!(steps, [0.0, 150.0, 300.0], "{algo}");
        assert!(
            evals.iter().all(|r| (0.0..=100.0).contains(&r[1])),
            "{algo}: returns of 100-step episodes lie in [0, 100]"
        );
        let rec = RunRecord::read(&dir).unwrap();
        assert_eq!(rec.config.algo, algo);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn resume_after_a_kill_gives_bit_identical_parameters() {
    for algo in [Algo::Rfm, Algo::MaxEntDp, Algo::Qvpo, Algo::Sac] {
        let full = tmp(&format!("full_{algo}"));
        train(&full, &record(algo, 400, 3), &TrainOptions::default()).unwrap();
        let cut = tmp(&format!("cut_{algo}"));
        // Killed at step 250: the last checkpoint is the episode end at step 200.
        let o = train(
            &cut,
            &record(algo, 400, 3),
            &TrainOptions {
                halt_after: Some(250),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(o.halted);
        let c = Checkpoint::read(cut.join(files::CHECKPOINT)).unwrap();
        assert_eq!(c.metadata("step"), Some("200"));
        let o = resume(&cut, &TrainOptions::default()).unwrap();
        assert_eq!((o.steps, o.halted), (400, false));
        assert_same_tensors(&full.join(files::CHECKPOINT), &cut.join(files::CHECKPOINT));
        let (_, ea) = read_csv(&full.join(files::EVAL_CSV)).unwrap();
        let (_, eb) = read_csv(&cut.join(files::EVAL_CSV)).unwrap();
        assert_eq!(ea, eb, "{algo}: eval.csv");
        let (h, ta) = read_csv(&full.join(files::TRAIN_CSV)).unwrap();
        let (_, tb) = read_csv(&cut.join(files::TRAIN_CSV)).unwrap();
        let sps = h.iter().position(|x| x == "steps_per_second").unwrap();
        let strip = |rows: Vec<Vec<f64>>| -> Vec<Vec<u64>> {
            rows.into_iter()
                .map(|r| {
                    r.iter()
                        .enumerate()
                        .filter(|(i, _)| *i != sps)
                        .map(|(_, v)| v.to_bits())
                        .collect()
                })
                .collect()
        };
        assert_eq!(
            strip(ta),
            strip(tb),
            "{algo}: train.csv (wall-clock column excluded)"
        );
        std::fs::remove_dir_all(&full).unwrap();
        std::fs::remove_dir_all(&cut).unwrap();
    }
}

#[test]
fn same_seed_gives_identical_runs_and_another_seed_differs() {
    let a = tmp("seed_a");
    let b = tmp("seed_b");
    let c = tmp("seed_c");
    train(&a, &record(Algo::Rfm, 200, 5), &TrainOptions::default()).unwrap();
    train(&b, &record(Algo::Rfm, 200, 5), &TrainOptions::default()).unwrap();
    train(&c, &record(Algo::Rfm, 200, 6), &TrainOptions::default()).unwrap();
    assert_same_tensors(&a.join(files::CHECKPOINT), &b.join(files::CHECKPOINT));
    let (ca, cc) = (
        Checkpoint::read(a.join(files::CHECKPOINT)).unwrap(),
        Checkpoint::read(c.join(files::CHECKPOINT)).unwrap(),
    );
    let w = "actor.out.w";
    let shape = ca.shape(w).unwrap().to_vec();
    assert_ne!(
        ca.tensor::<f32>(w, (shape[0], shape[1])).unwrap(),
        cc.tensor::<f32>(w, (shape[0], shape[1])).unwrap()
    );
    for d in [a, b, c] {
        std::fs::remove_dir_all(&d).unwrap();
    }
}

#[test]
fn corrupt_checkpoint_and_unknown_task_give_clear_errors() {
    let dir = tmp("corrupt");
    train(&dir, &record(Algo::Sac, 200, 2), &TrainOptions::default()).unwrap();
    let path = dir.join(files::CHECKPOINT);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let e = resume(&dir, &TrainOptions::default()).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, TrainError::Checkpoint(_)), "{msg}");
    assert!(msg.contains("checkpoint.safetensors"), "{msg}");
    // A run.json describing another network than the checkpoint's own record is refused
    // before any tensor is loaded, naming the field and both values.
    std::fs::write(&path, &bytes).unwrap();
    let mut rec = RunRecord::read(&dir).unwrap();
    rec.config.critic.hidden = 8;
    rec.write(&dir).unwrap();
    let msg = resume(&dir, &TrainOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("config.critic.hidden") && msg.contains("16") && msg.contains('8'),
        "{msg}"
    );
    // run.json naming a task that does not exist (a typed record cannot hold one).
    let json = std::fs::read_to_string(dir.join("run.json")).unwrap();
    let bad = json.replace("\"pendulum-swingup\"", "\"pendulum-swingdown\"");
    assert_ne!(bad, json);
    std::fs::write(dir.join("run.json"), bad).unwrap();
    let msg = resume(&dir, &TrainOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("pendulum-swingdown") && msg.contains("pendulum-swingup"),
        "{msg}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn non_finite_parameter_in_a_checkpoint_is_refused_at_resume_and_the_file_kept() {
    use rfm::checkpoint::{CheckpointError, CheckpointWriter};
    let dir = tmp("nan");
    let o = train(
        &dir,
        &record(Algo::Rfm, 400, 4),
        &TrainOptions {
            halt_after: Some(250),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(o.halted);
    // Poison one critic weight in the saved state, as a diverged update would.
    let path = dir.join(files::CHECKPOINT);
    let c = Checkpoint::read(&path).unwrap();
    let mut w = CheckpointWriter::new();
    for n in c.names() {
        let s = c.shape(&n).unwrap().to_vec();
        let shape = (s[0], s.get(1).copied().unwrap_or(1));
        match c.tensor::<f32>(&n, shape) {
            Ok(mut t) => {
                if n == "q1.l1.w" {
                    t[[0, 0]] = f32::NAN;
                }
                w.add(n.clone(), &t);
            }
            Err(_) => {
                w.add(n.clone(), &c.tensor::<f64>(&n, shape).unwrap());
            }
        }
    }
    for key in [
        "replay_next",
        "replay_len",
        "step",
        "updates",
        "rng_env",
        "rng_agent",
        "rng_replay",
        "run_record",
        "actor_adam_step",
        "q1_adam_step",
        "q2_adam_step",
    ] {
        w.metadata(
            key,
            c.metadata(key).unwrap_or_else(|| panic!("metadata {key}")),
        );
    }
    w.write(&path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let e = resume(&dir, &TrainOptions::default()).unwrap_err();
    let msg = e.to_string();
    // The reader refuses the poisoned weight before training resumes (it used to load and be
    // caught only by the loop's non-finite check at the next update), naming tensor and file.
    assert!(
        matches!(
            &e,
            TrainError::Checkpoint(CheckpointError::NonFinite { name, index: 0, .. }) if name == "q1.l1.w"
        ),
        "{msg}"
    );
    assert!(msg.contains("checkpoint.safetensors"), "{msg}");
    // The checkpoint on disk is untouched by the failed run.
    assert_eq!(std::fs::read(&path).unwrap(), before);
    std::fs::remove_dir_all(&dir).unwrap();
}
