//! The scatter plot of `rfm toy two-moons`: one panel per method (its samples over the exact
//! samples of the target, seed 0) and one panel of exact samples, as SVG and PNG.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use rfm::toy::experiment::PlotSet;
use rfm::toy::{ToyMethod, ToyResults};

use super::report_figures::{FONT_NAME, font};

fn colour(method: ToyMethod) -> RGBColor {
    match method {
        ToyMethod::Rfm => RGBColor(214, 39, 40),
        ToyMethod::Idem => RGBColor(44, 160, 44),
        ToyMethod::Qne => RGBColor(31, 119, 180),
    }
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    target: &ndarray::Array2<f64>,
    set: Option<&PlotSet>,
) -> DrawResult<DB> {
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT_NAME, 14))
        .margin(6)
        .x_label_area_size(22)
        .y_label_area_size(30)
        .build_cartesian_2d(-1.8f64..1.8, -1.3f64..1.3)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .label_style((FONT_NAME, 10))
        .draw()?;
    let grey = RGBColor(150, 150, 150).mix(0.5).filled();
    chart.draw_series(
        target
            .rows()
            .into_iter()
            .map(|r| Circle::new((r[0], r[1]), 1, grey)),
    )?;
    if let Some(s) = set {
        let c = colour(s.method).mix(0.6).filled();
        chart.draw_series(
            s.samples
                .rows()
                .into_iter()
                .filter(|r| r[0].is_finite() && r[1].is_finite())
                .map(|r| Circle::new((r[0], r[1]), 1, c)),
        )?;
    }
    Ok(())
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, results: &ToyResults) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let n = 1 + results.plot_sets.len();
    let areas = root.split_evenly((1, n));
    panel(&areas[0], "exact samples", &results.target_samples, None)?;
    for (area, set) in areas[1..].iter().zip(&results.plot_sets) {
        let title = format!("{} ({} steps)", set.method.name(), set.sampling_steps);
        panel(area, &title, &results.target_samples, Some(set))?;
    }
    root.present()
}

/// Writes `samples.svg` and `samples.png` into `dir`.
///
/// # Errors
/// When a file cannot be written.
pub fn write_scatter(dir: &Path, results: &ToyResults) -> anyhow::Result<()> {
    font()?;
    let size = (300 * (1 + results.plot_sets.len()) as u32, 250);
    let svg = dir.join("samples.svg");
    draw(&SVGBackend::new(&svg, size).into_drawing_area(), results)
        .map_err(|e| anyhow::anyhow!("{}: {e:?}", svg.display()))?;
    let png = dir.join("samples.png");
    draw(&BitMapBackend::new(&png, size).into_drawing_area(), results)
        .map_err(|e| anyhow::anyhow!("{}: {e:?}", png.display()))?;
    Ok(())
}
