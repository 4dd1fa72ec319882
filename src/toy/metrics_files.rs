//! `metrics.json` and `metrics.csv` of the toy experiment.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::experiment::ToyResults;
use super::settings::ToySettings;

#[derive(Serialize)]
struct MetricsJson<'a> {
    experiment: &'static str,
    settings: &'a ToySettings,
    sinkhorn_cost: &'static str,
    wall_seconds: f64,
    final_regression_loss: Vec<(&'static str, f64)>,
    rows: &'a [super::experiment::MetricsRow],
}

/// Writes `metrics.json` (settings, wall time, every row with per-seed values) and
/// `metrics.csv` (one line per row: mean and sd of the three distances) into `dir`.
///
/// # Errors
/// When a file cannot be written.
pub fn write_metrics(
    dir: &Path,
    settings: &ToySettings,
    results: &ToyResults,
    wall_seconds: f64,
) -> std::io::Result<()> {
    let json = MetricsJson {
        experiment: "two-moons",
        settings,
        sinkhorn_cost: "squared euclidean",
        wall_seconds,
        final_regression_loss: results
            .final_losses
            .iter()
            .map(|(m, l)| (m.name(), *l))
            .collect(),
        rows: &results.rows,
    };
    let text = serde_json::to_string_pretty(&json).map_err(std::io::Error::other)?;
    std::fs::write(dir.join("metrics.json"), text + "\n")?;
    let mut csv = std::fs::File::create(dir.join("metrics.csv"))?;
    writeln!(
        csv,
        "method,sampling_steps,seeds,sliced_w2_squared_mean,sliced_w2_squared_sd,mmd2_mean,mmd2_sd,sinkhorn_mean,sinkhorn_sd"
    )?;
    for r in &results.rows {
        let steps = r.sampling_steps.map(|s| s.to_string()).unwrap_or_default();
        writeln!(
            csv,
            "{},{},{},{:.6e},{:.6e},{:.6e},{:.6e},{:.6e},{:.6e}",
            r.method,
            steps,
            r.per_seed.len(),
            r.mean.sliced_w2_squared,
            r.sd.sliced_w2_squared,
            r.mean.mmd2,
            r.sd.mmd2,
            r.mean.sinkhorn,
            r.sd.sinkhorn
        )?;
    }
    Ok(())
}
