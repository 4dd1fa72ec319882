//! The plot of `rfm ablate`: relative error of the regression target against t, one panel per
//! K, one line per member (against the plug-in reference, log scale), as SVG and PNG.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use rfm::ablation::{AblationSettings, Summary};

use super::report_figures::{FONT_NAME, font};

/// Ten distinguishable colours (matplotlib's tab10) and black for the eleventh and later.
fn colour(i: usize) -> RGBColor {
    const TAB10: [RGBColor; 10] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
        RGBColor(188, 189, 34),
        RGBColor(23, 190, 207),
    ];
    TAB10.get(i).copied().unwrap_or(BLACK)
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    settings: &AblationSettings,
    summary: &Summary,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let mut members: Vec<&str> = Vec::new();
    for r in &summary.rows {
        if !members.contains(&r.member.as_str()) {
            members.push(&r.member);
        }
    }
    let values = summary
        .rows
        .iter()
        .filter(|r| r.bin.is_some())
        .map(|r| r.vs_plugin_reference.mean)
        .filter(|v| v.is_finite() && *v > 0.0);
    let lo = values.clone().fold(f64::INFINITY, f64::min).max(1e-8);
    let hi = values.fold(0.0f64, f64::max).max(lo * 10.0);
    let areas = root.split_evenly((1, settings.ks.len()));
    for (area, &k) in areas.iter().zip(&settings.ks) {
        let mut chart = ChartBuilder::on(area)
            .caption(format!("K = {k}"), (FONT_NAME, 14))
            .margin(6)
            .x_label_area_size(26)
            .y_label_area_size(46)
            .build_cartesian_2d(settings.t_range.0..settings.t_range.1, (lo..hi).log_scale())?;
        chart
            .configure_mesh()
            .x_desc("t")
            .y_desc("relative error")
            .y_label_formatter(&|v| format!("{v:.0e}"))
            .x_label_formatter(&|v| format!("{v:.1}"))
            .label_style((FONT_NAME, 10))
            .draw()?;
        for (i, m) in members.iter().enumerate() {
            let points: Vec<(f64, f64)> = summary
                .rows
                .iter()
                .filter(|r| r.k == k && r.bin.is_some() && r.member == *m)
                .map(|r| {
                    (
                        0.5 * (r.t_range.0 + r.t_range.1),
                        r.vs_plugin_reference.mean,
                    )
                })
                .filter(|(_, v)| v.is_finite() && *v > 0.0)
                .collect();
            let style = colour(i).stroke_width(2);
            let series = chart.draw_series(LineSeries::new(points, style))?;
            if k == *settings.ks.last().expect("validated: not empty") {
                series
                    .label(m.to_string())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], colour(i)));
            }
        }
        if k == *settings.ks.last().expect("validated: not empty") {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .label_font((FONT_NAME, 9))
                .position(SeriesLabelPosition::UpperRight)
                .draw()?;
        }
    }
    root.present()
}

/// Writes `error_vs_t.svg` and `error_vs_t.png` into `dir`.
///
/// # Errors
/// When a file cannot be written.
pub fn write_error_plot(
    dir: &Path,
    settings: &AblationSettings,
    summary: &Summary,
) -> anyhow::Result<()> {
    font()?;
    let size = (340 * settings.ks.len() as u32, 400);
    let svg = dir.join("error_vs_t.svg");
    draw(
        &SVGBackend::new(&svg, size).into_drawing_area(),
        settings,
        summary,
    )
    .map_err(|e| anyhow::anyhow!("{}: {e:?}", svg.display()))?;
    let png = dir.join("error_vs_t.png");
    draw(
        &BitMapBackend::new(&png, size).into_drawing_area(),
        settings,
        summary,
    )
    .map_err(|e| anyhow::anyhow!("{}: {e:?}", png.display()))?;
    Ok(())
}
