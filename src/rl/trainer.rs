//! The one training loop: act, step, store, update, evaluate, log, checkpoint.
//!
//! Order per environment step (authors' `Trainer`): pick the action (uniform random during
//! the first `random_steps`, else the policy's exploring action), step the env, store the
//! transition, reset if the episode ended, then (after the random phase) `updates_per_step`
//! updates, then evaluate when the step count is a multiple of `eval_every` (and at step 0 and
//! at the end). Checkpoints are taken at episode boundaries, and at any step when a stop is
//! requested. A stop can cut an episode: the checkpoint then records where that episode began,
//! and the resumed run re-enacts it (same reset stream position, the episode's own actions read
//! back from the replay memory) before going on, so that it continues bit for bit. Re-enacting
//! rather than restoring a physics snapshot also restores what a snapshot would miss (contact
//! manifolds and solver warm starts), and it is checked: every re-enacted observation must equal
//! the stored one bit for bit.

use std::path::Path;
use std::time::Instant;

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm_envs::{env_rng, make};

use super::agent::{ActMode, Agent, UpdateMetrics};
use super::build::build_agent;
use super::evaluate::{EvalResult, evaluate};
use super::observer::Observer;
use super::reenact::reenact;
use super::replay::ReplayBuffer;
pub use super::train_outcome::{SignalStop, TrainError, TrainOutcome};
use crate::checkpoint::Checkpoint;
use crate::run::csv_log::CsvLog;
use crate::run::directory::{prepare_new_run, remove_stale_temporaries};
use crate::run::files;
use crate::run::record::RunRecord;
use crate::run::state::{LoopState, OpenEpisode, load_state, record_of, save_agent, save_state};
use crate::run::{RunLock, StopRequest};
use crate::transition::Batch;

/// Options that do not change the result of a run.
#[derive(Clone, Debug, Default)]
pub struct TrainOptions {
    /// Stop (as if killed) right after this many env steps; for tests of `--resume`.
    pub halt_after: Option<u64>,
    /// Start a new run even where one exists, deleting its files (`--overwrite`).
    pub overwrite: bool,
    /// When set (by SIGINT/SIGTERM), finish the step, checkpoint and return.
    pub stop: Option<StopRequest>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TrainError + '_ {
    move |source| TrainError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Stops the run when a parameter is NaN or infinite, before it could be checkpointed over the
/// last good state `kept`.
fn all_finite(agent: &dyn Agent<f32>, st: &LoopState, kept: &str) -> Result<(), TrainError> {
    match agent.first_non_finite() {
        Some(p) => Err(TrainError::NonFinite {
            step: st.step,
            update: st.updates,
            what: format!("parameter {p} (not saved, so the last good checkpoint stays)"),
            checkpoint: kept.to_string(),
        }),
        None => Ok(()),
    }
}

/// The run's four random streams, all from the master seed.
fn streams(seed: u64) -> (ChaCha8Rng, LoopState) {
    let stream = |k: u64| {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        r.set_stream(k);
        r
    };
    let init = stream(0);
    let env = env_rng(seed, 1);
    let state = LoopState {
        step: 0,
        updates: 0,
        env_rng: env,
        agent_rng: stream(2),
        replay_rng: stream(3),
        open_episode: None,
    };
    (init, state)
}

/// Starts a new run in `dir` (created if needed) as described by `record`, silently.
///
/// # Errors
/// See [`TrainError`].
pub fn train(
    dir: &Path,
    record: &RunRecord,
    options: &TrainOptions,
) -> Result<TrainOutcome, TrainError> {
    train_observed(dir, record, options, &mut ())
}

/// As [`train`], reporting steps and evaluations to `observer` (the CLI's progress bar).
///
/// # Errors
/// See [`TrainError`].
pub fn train_observed(
    dir: &Path,
    record: &RunRecord,
    options: &TrainOptions,
    observer: &mut dyn Observer,
) -> Result<TrainOutcome, TrainError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let lock = take_directory(dir)?;
    prepare_new_run(dir, &files::ALL, options.overwrite)?;
    record.write(dir).map_err(io(dir))?;
    run(dir, record, None, options, observer, lock)
}

/// Locks `dir` for this process and removes the temporary files of killed writes.
fn take_directory(dir: &Path) -> Result<RunLock, TrainError> {
    let lock = RunLock::acquire(dir)?;
    for p in remove_stale_temporaries(dir)? {
        eprintln!("removed the stale temporary file {}", p.display());
    }
    Ok(lock)
}

/// Continues the run in `dir` from its last checkpoint (or from the start if it has none),
/// silently.
///
/// # Errors
/// See [`TrainError`].
pub fn resume(dir: &Path, options: &TrainOptions) -> Result<TrainOutcome, TrainError> {
    resume_observed(dir, options, &mut ())
}

/// As [`resume`], reporting to `observer`.
///
/// # Errors
/// See [`TrainError`].
pub fn resume_observed(
    dir: &Path,
    options: &TrainOptions,
    observer: &mut dyn Observer,
) -> Result<TrainOutcome, TrainError> {
    if !dir.is_dir() {
        return Err(TrainError::Resume {
            dir: dir.to_path_buf(),
            reason: "no such run directory".into(),
        });
    }
    let lock = take_directory(dir)?;
    let record = RunRecord::read(dir).map_err(|reason| TrainError::Resume {
        dir: dir.to_path_buf(),
        reason,
    })?;
    let ckpt = dir.join(files::CHECKPOINT);
    let c = if ckpt.exists() {
        Some(Checkpoint::read(&ckpt)?)
    } else {
        None
    };
    if let Some(c) = &c {
        // The checkpoint carries its own record: run.json must agree with it field by field.
        if let Some((field, json, inner)) = record.first_difference(&record_of(c)?) {
            return Err(TrainError::Resume {
                dir: dir.to_path_buf(),
                reason: format!(
                    "run.json and the checkpoint's own record disagree on `{field}`: run.json has {json}, the checkpoint {inner}; restore run.json or start a new run"
                ),
            });
        }
    }
    run(dir, &record, c, options, observer, lock)
}

fn run(
    dir: &Path,
    record: &RunRecord,
    checkpoint: Option<Checkpoint>,
    options: &TrainOptions,
    observer: &mut dyn Observer,
    _lock: RunLock,
) -> Result<TrainOutcome, TrainError> {
    let task = record.task;
    let cfg = &record.config;
    let sched = &cfg.schedule;
    let spec = task.spec();
    let (o, d) = (spec.obs_dim(), spec.action_dim());
    let (mut init_rng, mut st) = streams(record.seed);
    let mut agent = build_agent::<f32, _>(cfg, o, d, &mut init_rng);
    let mut replay = ReplayBuffer::<f32>::new(sched.replay_capacity, o, d);
    if let Some(c) = &checkpoint {
        load_state(c, &mut [agent.as_mut(), &mut replay], &mut st)?;
    }
    let eval_path = dir.join(files::EVAL_CSV);
    let train_path = dir.join(files::TRAIN_CSV);
    let mut train_cols = vec!["updates"];
    train_cols.extend(UpdateMetrics::COLUMNS);
    train_cols.push("steps_per_second");
    let (mut eval_log, mut train_log) = if checkpoint.is_some() {
        (
            CsvLog::open_truncated(&eval_path, &EvalResult::COLUMNS, st.step)
                .map_err(io(&eval_path))?,
            CsvLog::open_truncated(&train_path, &train_cols, st.step).map_err(io(&train_path))?,
        )
    } else {
        (
            CsvLog::create(&eval_path, &EvalResult::COLUMNS).map_err(io(&eval_path))?,
            CsvLog::create(&train_path, &train_cols).map_err(io(&train_path))?,
        )
    };
    let mut evals: Vec<(u64, f64)> = Vec::new();
    observer.start(st.step, sched.total_steps);
    let ckpt_path = dir.join(files::CHECKPOINT);
    let mut last_ckpt = if checkpoint.is_some() { st.step } else { 0 };
    let mut kept = if checkpoint.is_some() {
        ckpt_path.display().to_string()
    } else {
        "none (no checkpoint yet)".into()
    };

    let mut env = make(task);
    let max_ep = sched.max_episode_steps;
    let mut obs = vec![0f32; o];
    let mut next_obs = vec![0f32; o];
    let mut action = Array2::<f32>::zeros((1, d));
    if let Some(ep) = st.open_episode {
        reenact(&mut env, &mut st, ep, &replay, &mut obs).map_err(|reason| TrainError::Resume {
            dir: dir.to_path_buf(),
            reason,
        })?;
    }
    let mut batch = Batch::<f32>::zeros(sched.batch_size, o, d);
    let mut window = (Instant::now(), st.step);
    let mut do_eval = |agent: &mut dyn Agent<f32>,
                       step: u64,
                       observer: &mut dyn Observer,
                       evals: &mut Vec<(u64, f64)>| {
        let res = evaluate(
            agent,
            task,
            sched.eval_episodes,
            max_ep,
            record.seed ^ (step << 20) ^ 0xE7A1,
        )
        .map_err(|e| TrainError::Action(e.to_string()))?;
        eval_log.append(step, &res.row()).map_err(io(&eval_path))?;
        observer.eval(step, &res);
        evals.push((step, res.mean()));
        Ok::<(), TrainError>(())
    };
    if st.step == 0 {
        do_eval(agent.as_mut(), 0, observer, &mut evals)?;
    }
    while st.step < sched.total_steps {
        if st.open_episode.is_none() {
            let rng_env_at_reset = st.env_rng.get_word_pos();
            env.reset(&mut st.env_rng, &mut obs);
            st.open_episode = Some(OpenEpisode {
                rng_env_at_reset,
                steps: 0,
            });
        }
        if st.step < sched.random_steps {
            for a in action.iter_mut() {
                *a = st.agent_rng.random_range(-1.0f32..=1.0);
            }
        } else {
            let obs_arr = Array2::from_shape_vec((1, o), obs.clone()).expect("obs shape");
            agent.act(
                obs_arr.view(),
                ActMode::Explore,
                &mut st.agent_rng,
                action.view_mut(),
            );
        }
        let a = action.as_slice().expect("contiguous");
        let out = env
            .step(a, &mut next_obs)
            .map_err(|e| TrainError::Action(e.to_string()))?;
        replay.push(&obs, a, out.reward.total, &next_obs, out.terminated);
        std::mem::swap(&mut obs, &mut next_obs);
        let ep = st.open_episode.as_mut().expect("reset above");
        ep.steps += 1;
        if out.terminated || out.truncated || (max_ep > 0 && ep.steps >= max_ep as u64) {
            st.open_episode = None;
        }
        st.step += 1;
        if st.step > sched.random_steps {
            for _ in 0..sched.updates_per_step {
                replay.sample_into(&mut st.replay_rng, &mut batch);
                let m = agent.update(&batch, &mut st.agent_rng);
                st.updates += 1;
                for (name, v) in m.losses() {
                    if !v.is_finite() {
                        return Err(TrainError::NonFinite {
                            step: st.step,
                            update: st.updates,
                            what: format!("{name} = {v}"),
                            checkpoint: kept,
                        });
                    }
                }
                if st.updates % sched.log_every == 0 {
                    all_finite(agent.as_ref(), &st, &kept)?;
                    let secs = window.0.elapsed().as_secs_f64().max(1e-9);
                    let sps = (st.step - window.1) as f64 / secs;
                    window = (Instant::now(), st.step);
                    let mut row = vec![st.updates as f64];
                    row.extend(m.values());
                    row.push(sps);
                    train_log.append(st.step, &row).map_err(io(&train_path))?;
                }
            }
        }
        if st.step % sched.eval_every == 0 || st.step == sched.total_steps {
            do_eval(agent.as_mut(), st.step, observer, &mut evals)?;
        }
        if st.open_episode.is_none()
            && (st.step - last_ckpt >= sched.checkpoint_every || st.step == sched.total_steps)
        {
            all_finite(agent.as_ref(), &st, &kept)?;
            save_state(&ckpt_path, record, &[agent.as_ref(), &replay], &st)?;
            save_agent(&dir.join(files::AGENT), record, agent.as_ref(), st.step)?;
            last_ckpt = st.step;
            kept = ckpt_path.display().to_string();
        }
        observer.step(st.step);
        if options.halt_after == Some(st.step) {
            return Ok(TrainOutcome {
                evals,
                steps: st.step,
                updates: st.updates,
                halted: true,
                signal: None,
            });
        }
        if let Some(sig) = options.stop.as_ref().and_then(StopRequest::requested) {
            // The step is done; its state is saved whole, an open episode included.
            all_finite(agent.as_ref(), &st, &kept)?;
            save_state(&ckpt_path, record, &[agent.as_ref(), &replay], &st)?;
            save_agent(&dir.join(files::AGENT), record, agent.as_ref(), st.step)?;
            return Ok(TrainOutcome {
                evals,
                steps: st.step,
                updates: st.updates,
                halted: true,
                signal: Some(SignalStop {
                    signal: sig,
                    mid_episode: st.open_episode.is_some(),
                }),
            });
        }
    }
    observer.finish();
    save_agent(&dir.join(files::AGENT), record, agent.as_ref(), st.step)?;
    Ok(TrainOutcome {
        evals,
        steps: st.step,
        updates: st.updates,
        halted: false,
        signal: None,
    })
}
