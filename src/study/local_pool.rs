//! `rfm sweep --local N`: N `rfm train` child processes at a time, one run each, with a live
//! summary. Runs already finished are skipped; started ones resume (see [`super::launch`]).
//! When `stop` is raised (SIGINT from Ctrl-C, or SIGTERM from `kill`, a service manager or a
//! scheduler) no new run starts, the running ones get the same signal (so they can checkpoint)
//! and are waited for: a stopped sweep leaves no run behind it still training. Children get
//! their own process group, so a terminal's Ctrl-C reaches them only through this forwarding,
//! once.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use super::launch::train_command;
use super::run_outcome::{RunState, read_outcome};
use super::spec::{PlannedRun, SweepSpec};
use crate::run::stop::StopRequest;

/// Counts shown in the live summary.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PoolCounts {
    /// Runs in the sweep.
    pub total: usize,
    /// Finished before this invocation (skipped).
    pub skipped: usize,
    /// Finished during this invocation.
    pub done: usize,
    /// Running now.
    pub running: usize,
    /// Exited with an error during this invocation.
    pub failed: usize,
    /// Estimated seconds until the last run ends, once one run has finished here.
    pub eta_seconds: Option<f64>,
}

impl std::fmt::Display for PoolCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "done {}/{} ({} earlier), running {}, failed {}, ETA ",
            self.done + self.skipped,
            self.total,
            self.skipped,
            self.running,
            self.failed
        )?;
        match self.eta_seconds {
            Some(s) => write!(f, "{}m{:02}s", (s / 60.0) as u64, s as u64 % 60),
            None => f.write_str("after the first run"),
        }
    }
}

/// A run that exited with an error.
#[derive(Clone, Debug, PartialEq)]
pub struct FailedRun {
    /// The run.
    pub run: PlannedRun,
    /// Its exit status.
    pub status: String,
}

/// How the pool ended.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolEnd {
    /// Final counts.
    pub counts: PoolCounts,
    /// Runs that failed here.
    pub failed: Vec<FailedRun>,
    /// True when stopped by `stop` before every run ended.
    pub stopped: bool,
}

fn finished(sweep_dir: &Path, run: &PlannedRun) -> bool {
    read_outcome(&sweep_dir.join(&run.dir)).is_ok_and(|o| o.state == RunState::Finished)
}

/// Runs `runs` of the sweep in `sweep_dir`, `parallel` at a time, calling `show` whenever the
/// counts change (and every few seconds).
///
/// # Errors
/// A child that cannot be started or waited for.
pub fn run_local(
    exe: &Path,
    sweep_dir: &Path,
    spec: &SweepSpec,
    runs: &[PlannedRun],
    parallel: usize,
    stop: &StopRequest,
    show: &mut dyn FnMut(&PoolCounts),
) -> std::io::Result<PoolEnd> {
    let parallel = parallel.max(1);
    let mut queue: Vec<&PlannedRun> = runs.iter().filter(|r| !finished(sweep_dir, r)).collect();
    queue.reverse();
    let mut counts = PoolCounts {
        total: runs.len(),
        skipped: runs.len() - queue.len(),
        ..PoolCounts::default()
    };
    let mut running: Vec<(Child, &PlannedRun, Instant)> = Vec::new();
    let mut failed = Vec::new();
    let mut durations: Vec<f64> = Vec::new();
    let mut last_show = Instant::now();
    show(&counts);
    loop {
        while running.len() < parallel && stop.requested().is_none() {
            let Some(run) = queue.pop() else { break };
            let child = train_command(exe, sweep_dir, spec, run)?
                .process_group(0)
                .spawn()?;
            running.push((child, run, Instant::now()));
        }
        let mut changed = false;
        let mut i = 0;
        while i < running.len() {
            if let Some(status) = running[i].0.try_wait()? {
                let (_, run, started) = running.swap_remove(i);
                changed = true;
                if status.success() {
                    counts.done += 1;
                    durations.push(started.elapsed().as_secs_f64());
                } else if stop.requested().is_none() {
                    counts.failed += 1;
                    failed.push(FailedRun {
                        run: run.clone(),
                        status: status.to_string(),
                    });
                }
            } else {
                i += 1;
            }
        }
        if let Some(signal) = stop.requested() {
            for (child, _, _) in &running {
                // SAFETY: kill(2) on the pid of a child we have not yet reaped.
                unsafe {
                    libc::kill(child.id() as libc::pid_t, signal);
                }
            }
            for (child, _, _) in &mut running {
                child.wait()?;
            }
            counts.running = 0;
            show(&counts);
            return Ok(PoolEnd {
                counts,
                failed,
                stopped: !queue.is_empty() || !running.is_empty(),
            });
        }
        counts.running = running.len();
        if !durations.is_empty() {
            let mean = durations.iter().sum::<f64>() / durations.len() as f64;
            let left = (queue.len() + running.len()) as f64 / parallel as f64;
            counts.eta_seconds = Some(mean * left.ceil());
        }
        if changed || last_show.elapsed() > Duration::from_secs(10) {
            show(&counts);
            last_show = Instant::now();
        }
        if running.is_empty() && queue.is_empty() {
            return Ok(PoolEnd {
                counts,
                failed,
                stopped: false,
            });
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
