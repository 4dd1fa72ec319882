//! `rfm report DIR...`: the statistics of a study (Agarwal et al. 2021) from run directories:
//! `report.md`, `final_returns.csv`, `aggregates.csv`, `summary.json`, and the figures
//! `curves.{svg,png}` and `profiles.{svg,png}`.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use rfm::study::atomic_file::write_atomic;
use rfm::study::bootstrap::Bootstrap;
use rfm::study::run_outcome::{RunOutcome, RunState, find_runs, read_outcome};
use rfm::study::summary::{MAX_EPISODE_RETURN, Summary, summarise};

use super::report_figures::write_figures;

/// Arguments of `rfm report`.
#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// Sweep or run directories (searched for run directories, i.e. ones holding run.json).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output directory.
    #[arg(long, default_value = "report")]
    pub out: PathBuf,
    /// Seed of the bootstrap (the report is reproducible for a given seed).
    #[arg(long, default_value_t = 0)]
    pub bootstrap_seed: u64,
    /// Bootstrap resamples.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(100..))]
    pub resamples: u64,
}

fn state_text(s: &RunState) -> String {
    match s {
        RunState::Finished => "finished".into(),
        RunState::Incomplete { last_eval } => {
            format!("incomplete (last evaluation at step {last_eval})")
        }
        RunState::Diverged { reason } => format!("diverged: {reason}"),
    }
}

fn markdown(s: &Summary, unreadable: &[String]) -> String {
    let mut m = String::from("# Study report\n\n");
    let _ = writeln!(
        m,
        "Final return = mean evaluation return at a run's last step. Scores for the across-task \
         statistics are return / {MAX_EPISODE_RETURN} (1000-step episodes, rewards in [0, 1]). \
         Intervals: {:.0} % stratified-bootstrap percentile intervals, {} resamples, seed {} \
         (Agarwal et al. 2021).\n",
        s.level * 100.0,
        s.resamples,
        s.bootstrap_seed
    );
    m.push_str("## Final return per task and algorithm (finished seeds)\n\n");
    m.push_str("| task | algo | seeds | mean ± sd | min – max |\n|---|---|---|---|---|\n");
    for c in &s.cells {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {:.1} ± {:.1} | {:.1} – {:.1} |",
            c.task,
            c.algo,
            c.seeds.len(),
            c.mean,
            c.sd,
            c.min,
            c.max
        );
    }
    m.push_str("\n## Across tasks\n\n");
    if s.aggregates.is_empty() {
        m.push_str("No task has a finished run of every algorithm: no aggregate.\n");
    } else {
        let _ = writeln!(m, "Tasks: {}.", s.common_tasks.join(", "));
        if !s.uncommon_tasks.is_empty() {
            let _ = writeln!(
                m,
                "Left out (some algorithm has no finished run there): {}.",
                s.uncommon_tasks.join(", ")
            );
        }
        m.push_str("\n| algo | IQM score [95 % CI] | P(rfm > algo) [95 % CI] |\n|---|---|---|\n");
        for a in &s.aggregates {
            let p = a.rfm_improves.map_or("—".into(), |p| {
                format!("{:.2} [{:.2}, {:.2}]", p.estimate, p.lower, p.upper)
            });
            let _ = writeln!(
                m,
                "| {} | {:.3} [{:.3}, {:.3}] | {p} |",
                a.algo, a.iqm.estimate, a.iqm.lower, a.iqm.upper
            );
        }
        m.push_str("\nPerformance profiles: `profiles.svg` / `profiles.png`. ");
    }
    m.push_str(
        "Sample-efficiency curves (mean, min–max band over seeds): `curves.svg` / `curves.png`.\n",
    );
    m.push_str("\n## Runs not counted\n\n");
    if s.excluded.is_empty() && unreadable.is_empty() {
        m.push_str("None: every run finished.\n");
    }
    for e in &s.excluded {
        let _ = writeln!(
            m,
            "- {} ({} {} seed {}): {}",
            e.dir.display(),
            e.algo,
            e.task,
            e.seed,
            state_text(&e.state)
        );
    }
    for u in unreadable {
        let _ = writeln!(m, "- unreadable: {u}");
    }
    m
}

fn final_returns_csv(s: &Summary) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["task", "algo", "seeds", "mean", "sd", "min", "max"])?;
    for c in &s.cells {
        w.write_record([
            c.task.clone(),
            c.algo.to_string(),
            c.seeds.len().to_string(),
            c.mean.to_string(),
            c.sd.to_string(),
            c.min.to_string(),
            c.max.to_string(),
        ])?;
    }
    Ok(w.into_inner()?)
}

fn aggregates_csv(s: &Summary) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "algo",
        "iqm",
        "iqm_lower",
        "iqm_upper",
        "p_rfm_improves",
        "p_lower",
        "p_upper",
    ])?;
    for a in &s.aggregates {
        let p = a
            .rfm_improves
            .map_or([String::new(), String::new(), String::new()], |p| {
                [
                    p.estimate.to_string(),
                    p.lower.to_string(),
                    p.upper.to_string(),
                ]
            });
        w.write_record([
            a.algo.to_string(),
            a.iqm.estimate.to_string(),
            a.iqm.lower.to_string(),
            a.iqm.upper.to_string(),
            p[0].clone(),
            p[1].clone(),
            p[2].clone(),
        ])?;
    }
    Ok(w.into_inner()?)
}

/// Runs `rfm report`; returns whether every run found had finished.
///
/// # Errors
/// A directory that cannot be searched, an output that cannot be written.
pub fn run(args: &ReportArgs) -> anyhow::Result<bool> {
    let mut runs: Vec<RunOutcome> = Vec::new();
    let mut unreadable = Vec::new();
    for dir in &args.dirs {
        let found = find_runs(dir).with_context(|| format!("searching {}", dir.display()))?;
        for d in found {
            match read_outcome(&d) {
                Ok(o) => runs.push(o),
                Err(e) => unreadable.push(e.to_string()),
            }
        }
    }
    if runs.is_empty() {
        anyhow::bail!("no run directories (holding run.json) under the given directories");
    }
    let bootstrap = Bootstrap {
        resamples: args.resamples as usize,
        level: 0.95,
    };
    let summary = summarise(&runs, bootstrap, args.bootstrap_seed);
    let out = &args.out;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let md = markdown(&summary, &unreadable);
    write_atomic(&out.join("report.md"), md.as_bytes())?;
    write_atomic(
        &out.join("final_returns.csv"),
        &final_returns_csv(&summary)?,
    )?;
    write_atomic(&out.join("aggregates.csv"), &aggregates_csv(&summary)?)?;
    write_atomic(
        &out.join("summary.json"),
        serde_json::to_string_pretty(&summary)?.as_bytes(),
    )?;
    write_figures(out, &runs, &summary)?;
    print!("{md}");
    println!(
        "\nwrote {}/{{report.md, final_returns.csv, aggregates.csv, summary.json, curves.svg, curves.png, profiles.svg, profiles.png}}",
        out.display()
    );
    Ok(summary.excluded.is_empty() && unreadable.is_empty())
}
