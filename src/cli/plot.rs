//! `rfm plot`: overlay the learning curves of several run directories in one SVG.

use std::path::PathBuf;

use clap::Args;
use rfm::run::csv_log::read_csv;
use rfm::run::files;
use rfm::run::record::RunRecord;
use rfm::study::atomic_file::write_atomic;

use super::ascii_plot::ascii_plot;
use super::curve_svg::{Series, render_svg};

/// Arguments of `rfm plot`.
#[derive(Args, Debug, Clone)]
pub struct PlotArgs {
    /// Run directories.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output SVG.
    #[arg(long, default_value = "curves.svg")]
    pub out: PathBuf,
}

/// Runs `rfm plot`.
///
/// # Errors
/// A missing or malformed `eval.csv`, or an output that cannot be written (each named); the
/// SVG is written atomically.
pub fn run(args: &PlotArgs) -> anyhow::Result<()> {
    let mut series = Vec::new();
    for dir in &args.dirs {
        let (_, rows) = read_csv(&dir.join(files::EVAL_CSV)).map_err(anyhow::Error::msg)?;
        let label = match RunRecord::read(dir) {
            Ok(r) => format!("{} {} s{}", r.config.algo, r.task, r.seed),
            Err(_) => dir.display().to_string(),
        };
        let points: Vec<(f64, f64)> = rows.iter().map(|r| (r[0], r[1])).collect();
        println!("{label}:");
        print!("{}", ascii_plot(&points, 60, 8));
        series.push(Series { label, points });
    }
    write_atomic(
        &args.out,
        render_svg("evaluation return", "environment steps", "return", &series).as_bytes(),
    )
    .map_err(|e| anyhow::anyhow!("writing the plot {}: {e}", args.out.display()))?;
    println!("wrote {}", args.out.display());
    Ok(())
}
