//! A small terminal plot of a learning curve (the end-of-run summary on screen).

/// Draws `points` `(step, value)` on a `width × height` character grid with a labelled y axis.
pub fn ascii_plot(points: &[(f64, f64)], width: usize, height: usize) -> String {
    let pts: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    if pts.is_empty() || width < 2 || height < 2 {
        return String::from("(no finite points to plot)\n");
    }
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for &(x, y) in &pts {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x1 - x0 < 1e-12 {
        x1 = x0 + 1.0;
    }
    if y1 - y0 < 1e-12 {
        y1 = y0 + 1.0;
    }
    let mut grid = vec![vec![' '; width]; height];
    let col = |x: f64| (((x - x0) / (x1 - x0)) * (width - 1) as f64).round() as usize;
    let row = |y: f64| height - 1 - (((y - y0) / (y1 - y0)) * (height - 1) as f64).round() as usize;
    #[allow(clippy::needless_range_loop)]
    for w in pts.windows(2) {
        let (c0, c1) = (col(w[0].0), col(w[1].0));
        for c in c0..=c1 {
            let f = if c1 == c0 {
                0.0
            } else {
                (c - c0) as f64 / (c1 - c0) as f64
            };
            let y = w[0].1 + f * (w[1].1 - w[0].1);
            let r = row(y);
            if grid[r][c] == ' ' {
                grid[r][c] = '·';
            }
        }
    }
    for &(x, y) in &pts {
        grid[row(y)][col(x)] = '●';
    }
    let mut out = String::new();
    for (r, line) in grid.iter().enumerate() {
        let label = if r == 0 {
            format!("{y1:>9.1}")
        } else if r == height - 1 {
            format!("{y0:>9.1}")
        } else {
            " ".repeat(9)
        };
        out.push_str(&label);
        out.push_str(" │");
        out.extend(line.iter());
        out.push('\n');
    }
    out.push_str(&" ".repeat(10));
    out.push('└');
    out.push_str(&"─".repeat(width));
    out.push('\n');
    let left = format!("{x0:.0}");
    let right = format!("{x1:.0} steps");
    let pad = (width + 1).saturating_sub(left.len() + right.len());
    out.push_str(&" ".repeat(11));
    out.push_str(&left);
    out.push_str(&" ".repeat(pad));
    out.push_str(&right);
    out.push('\n');
    out
}
