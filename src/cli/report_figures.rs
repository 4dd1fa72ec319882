//! The report's figures with plotters, each as SVG and PNG: sample-efficiency curves (mean
//! evaluation return over the finished seeds with a min–max band, one panel per task, like the
//! paper's Fig. 2) and the performance profiles.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use rfm::config::Algo;
use rfm::study::run_outcome::{RunOutcome, RunState};
use rfm::study::summary::Summary;

/// DejaVu Sans Mono (free licence, `report_font/LICENSE-DejaVu.txt`): the PNG backend
/// rasterises text itself and needs a font; SVG text uses the viewer's.
static FONT: &[u8] = include_bytes!("report_font/DejaVuSansMono.ttf");
pub(crate) const FONT_NAME: &str = "sans-serif";

fn colour(algo: Algo) -> RGBColor {
    match algo {
        Algo::Rfm => RGBColor(214, 39, 40),
        Algo::Qne => RGBColor(31, 119, 180),
        Algo::MaxEntDp => RGBColor(23, 190, 207),
        Algo::Dqs => RGBColor(44, 160, 44),
        Algo::Qsm => RGBColor(148, 103, 189),
        Algo::Qvpo => RGBColor(140, 86, 75),
        Algo::Sac => RGBColor(255, 127, 14),
    }
}

/// `(step, mean, min, max)` over the finished runs of one task × algorithm, at the steps every
/// one of them evaluated.
fn band(runs: &[&RunOutcome]) -> Vec<(f64, f64, f64, f64)> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    first
        .curve
        .iter()
        .filter_map(|&(step, _)| {
            let at: Vec<f64> = runs
                .iter()
                .map(|r| r.curve.iter().find(|c| c.0 == step).map(|c| c.1))
                .collect::<Option<_>>()?;
            let mean = at.iter().sum::<f64>() / at.len() as f64;
            let lo = at.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = at.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Some((step as f64, mean, lo, hi))
        })
        .collect()
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw_curves<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    runs: &[RunOutcome],
    tasks: &[String],
    algos: &[Algo],
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let cols = tasks.len().clamp(1, 3);
    let rows = tasks.len().div_ceil(cols).max(1);
    let panels = root.split_evenly((rows, cols));
    for (task, panel) in tasks.iter().zip(panels.iter()) {
        let finished: Vec<&RunOutcome> = runs
            .iter()
            .filter(|r| &r.task == task && r.state == RunState::Finished)
            .collect();
        let x_max = finished
            .iter()
            .map(|r| r.total_steps as f64)
            .fold(1.0, f64::max);
        let (lo, hi) = finished
            .iter()
            .flat_map(|r| r.curve.iter().map(|c| c.1))
            .fold((0.0f64, 1.0f64), |(a, b), v| (a.min(v), b.max(v)));
        let mut chart = ChartBuilder::on(panel)
            .caption(task, (FONT_NAME, 18))
            .margin(8)
            .x_label_area_size(32)
            .y_label_area_size(48)
            .build_cartesian_2d(0.0..x_max, lo..hi * 1.05)?;
        chart
            .configure_mesh()
            .x_desc("environment steps")
            .y_desc("evaluation return")
            .x_labels(6)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style((FONT_NAME, 11))
            .draw()?;
        for &algo in algos {
            let cell: Vec<&RunOutcome> = finished
                .iter()
                .copied()
                .filter(|r| r.algo == algo)
                .collect();
            let b = band(&cell);
            if b.is_empty() {
                continue;
            }
            let c = colour(algo);
            let mut outline: Vec<(f64, f64)> = b.iter().map(|p| (p.0, p.3)).collect();
            outline.extend(b.iter().rev().map(|p| (p.0, p.2)));
            chart.draw_series(std::iter::once(Polygon::new(outline, c.mix(0.2).filled())))?;
            chart
                .draw_series(LineSeries::new(
                    b.iter().map(|p| (p.0, p.1)),
                    c.stroke_width(2),
                ))?
                .label(format!("{algo} ({} seeds)", cell.len()))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font((FONT_NAME, 11))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()?;
    }
    root.present()
}

fn draw_profiles<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, s: &Summary) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(root)
        .caption(
            format!("performance profiles over {} task(s)", s.common_tasks.len()),
            (FONT_NAME, 18),
        )
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .build_cartesian_2d(0.0..1.0, 0.0..1.02)?;
    chart
        .configure_mesh()
        .x_desc("normalised score τ (return / max return)")
        .y_desc("fraction of runs with score > τ")
        .label_style((FONT_NAME, 11))
        .draw()?;
    for a in &s.aggregates {
        let c = colour(a.algo);
        chart
            .draw_series(LineSeries::new(
                s.taus.iter().copied().zip(a.profile.iter().copied()),
                c.stroke_width(2),
            ))?
            .label(a.algo.to_string())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], c.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font((FONT_NAME, 11))
        .draw()?;
    root.present()
}

pub(crate) fn font() -> anyhow::Result<()> {
    plotters::style::register_font(FONT_NAME, FontStyle::Normal, FONT)
        .map_err(|_| anyhow::anyhow!("the embedded font does not parse"))
}

fn fail<E: std::fmt::Debug>(path: &Path) -> impl FnOnce(E) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("{}: {e:?}", path.display())
}

/// Writes (each to a `.partial` file, then renamed) `<stem>.svg` and `<stem>.png` in `out` for the sample-efficiency curves
/// (`curves`) and the performance profiles (`profiles`).
///
/// # Errors
/// A file that cannot be written.
pub fn write_figures(out: &Path, runs: &[RunOutcome], s: &Summary) -> anyhow::Result<()> {
    font()?;
    let mut tasks: Vec<String> = runs.iter().map(|r| r.task.clone()).collect();
    tasks.sort();
    tasks.dedup();
    let mut algos: Vec<Algo> = runs.iter().map(|r| r.algo).collect();
    algos.sort_by_key(|a| Algo::ALL.iter().position(|b| b == a));
    algos.dedup();
    let cols = tasks.len().clamp(1, 3) as u32;
    let rows = tasks.len().div_ceil(3).max(1) as u32;
    let size = (420 * cols, 320 * rows);
    for ext in ["svg", "png"] {
        let path = out.join(format!("curves.partial.{ext}"));
        if ext == "svg" {
            let root = SVGBackend::new(&path, size).into_drawing_area();
            draw_curves(&root, runs, &tasks, &algos).map_err(fail(&path))?;
        } else {
            let root = BitMapBackend::new(&path, size).into_drawing_area();
            draw_curves(&root, runs, &tasks, &algos).map_err(fail(&path))?;
        }
        std::fs::rename(&path, out.join(format!("curves.{ext}")))?;
    }
    if s.aggregates.is_empty() {
        return Ok(());
    }
    for ext in ["svg", "png"] {
        let path = out.join(format!("profiles.partial.{ext}"));
        if ext == "svg" {
            let root = SVGBackend::new(&path, (560, 400)).into_drawing_area();
            draw_profiles(&root, s).map_err(fail(&path))?;
        } else {
            let root = BitMapBackend::new(&path, (560, 400)).into_drawing_area();
            draw_profiles(&root, s).map_err(fail(&path))?;
        }
        std::fs::rename(&path, out.join(format!("profiles.{ext}")))?;
    }
    Ok(())
}
