//! A self-contained SVG line chart of learning curves (no fonts or plotting crates needed:
//! text uses the viewer's generic `sans-serif`).

use std::fmt::Write;

/// One curve: a legend label and its points `(step, return)`, steps increasing.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points `(x, y)`; non-finite points are skipped.
    pub points: Vec<(f64, f64)>,
}

const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];

/// Renders `series` as an 800×480 SVG document with axes, ticks, a title and a legend.
pub fn render_svg(title: &str, x_label: &str, y_label: &str, series: &[Series]) -> String {
    let (w, h) = (800.0, 480.0);
    let (ml, mr, mt, mb) = (70.0, 170.0, 40.0, 50.0);
    let (pw, ph) = (w - ml - mr, h - mt - mb);
    let pts = series
        .iter()
        .flat_map(|s| s.points.iter())
        .filter(|p| p.0.is_finite() && p.1.is_finite());
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for &(x, y) in pts {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if !x0.is_finite() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    if x1 - x0 < 1e-12 {
        x1 = x0 + 1.0;
    }
    if y1 - y0 < 1e-12 {
        y0 -= 0.5;
        y1 += 0.5;
    }
    let (yt, ystep) = nice_ticks(y0, y1);
    let (xt, xstep) = nice_ticks(x0, x1);
    y0 = y0.min(yt[0]);
    y1 = y1.max(*yt.last().unwrap_or(&y1));
    let sx = |x: f64| ml + (x - x0) / (x1 - x0) * pw;
    let sy = |y: f64| mt + ph - (y - y0) / (y1 - y0) * ph;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="24" font-size="16" text-anchor="middle">{}</text>"#,
        ml + pw / 2.0,
        escape(title)
    );
    for &t in &yt {
        if t < y0 - ystep * 1e-9 || t > y1 + ystep * 1e-9 {
            continue;
        }
        let y = sy(t);
        let _ = writeln!(
            s,
            r##"<line x1="{ml}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e0e0e0"/>"##,
            ml + pw
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            ml - 6.0,
            y + 4.0,
            tick_label(t, ystep)
        );
    }
    for &t in &xt {
        if t < x0 - xstep * 1e-9 || t > x1 + xstep * 1e-9 {
            continue;
        }
        let x = sx(t);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{mt}" x2="{x:.1}" y2="{:.1}" stroke="#f0f0f0"/>"##,
            mt + ph
        );
        let _ = writeln!(
            s,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            mt + ph + 18.0,
            tick_label(t, xstep)
        );
    }
    let _ = writeln!(
        s,
        r#"<rect x="{ml}" y="{mt}" width="{pw}" height="{ph}" fill="none" stroke="black"/>"#
    );
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        ml + pw / 2.0,
        h - 10.0,
        escape(x_label)
    );
    let _ = writeln!(
        s,
        r#"<text x="18" y="{:.1}" text-anchor="middle" transform="rotate(-90 18 {:.1})">{}</text>"#,
        mt + ph / 2.0,
        mt + ph / 2.0,
        escape(y_label)
    );
    for (i, ser) in series.iter().enumerate() {
        let c = PALETTE[i % PALETTE.len()];
        let path: Vec<String> = ser
            .points
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y)))
            .collect();
        if !path.is_empty() {
            let _ = writeln!(
                s,
                r#"<polyline fill="none" stroke="{c}" stroke-width="2" points="{}"/>"#,
                path.join(" ")
            );
            for p in &path {
                let (x, y) = p.split_once(',').unwrap_or(("0", "0"));
                let _ = writeln!(s, r#"<circle cx="{x}" cy="{y}" r="2.5" fill="{c}"/>"#);
            }
        }
        let ly = mt + 10.0 + 18.0 * i as f64;
        let lx = ml + pw + 12.0;
        let _ = writeln!(
            s,
            r#"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{c}" stroke-width="3"/>"#,
            lx + 20.0
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}">{}</text>"#,
            lx + 26.0,
            ly + 4.0,
            escape(&ser.label)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Evenly spaced "nice" tick values (1, 2, 5 × 10^k) covering `[lo, hi]`.
fn nice_ticks(lo: f64, hi: f64) -> (Vec<f64>, f64) {
    let raw = (hi - lo) / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let start = (lo / step).floor() * step;
    let mut v = Vec::new();
    let mut t = start;
    while t <= hi + step * 0.999 && v.len() < 50 {
        v.push(t);
        t += step;
    }
    (v, step)
}

fn tick_label(t: f64, step: f64) -> String {
    if step >= 1000.0 && t.abs() >= 1000.0 {
        format!("{}k", t / 1000.0)
    } else if step >= 1.0 {
        format!("{t:.0}")
    } else {
        let digits = (-step.log10()).ceil() as usize;
        format!("{t:.digits$}")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::{Series, render_svg};

    #[test]
    fn svg_and_ascii_plots_contain_every_series() {
        let s = vec![
            Series {
                label: "rfm seed 0".into(),
                points: vec![(0.0, 1.0), (1000.0, 50.0), (2000.0, 120.0)],
            },
            Series {
                label: "sac <1>".into(),
                points: vec![(0.0, 2.0), (2000.0, f64::NAN)],
            },
        ];
        let svg = render_svg("pendulum-swingup", "env steps", "return", &s);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("rfm seed 0") && svg.contains("sac &lt;1&gt;"));
        assert!(!svg.contains("NaN"));
        let a = crate::cli::ascii_plot::ascii_plot(&s[0].points, 40, 8);
        assert_eq!(a.lines().count(), 10);
        assert_eq!(a.matches('●').count(), 3);
        assert!(a.contains("120.0") && a.contains("1.0"));
    }
}
