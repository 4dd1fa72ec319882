//! The Sinkhorn divergence between two uniformly weighted point sets, squared-Euclidean cost.
//!
//! Entropic optimal transport (Cuturi 2013) with the KL penalty to the product measure,
//!
//! `OT_ε(a, b) = min_π ⟨C, π⟩ + ε KL(π ‖ a ⊗ b)`, `C_ij = ‖x_i − y_j‖²`,
//!
//! solved in the log domain (stable for any ε): with potentials `f`, `g`,
//!
//! `f_i ← −ε LSE_j (log b_j + (g_j − C_ij)/ε)`, `g_j ← −ε LSE_i (log a_i + (f_i − C_ij)/ε)`,
//!
//! until the largest change of a potential falls below the tolerance (with ε-scaling: the
//! first sweeps use a larger ε, halved each sweep down to the target). After a `g` update the
//! plan `π_ij = a_i b_j exp((f_i + g_j − C_ij)/ε)` has the exact column marginals, so its
//! mass is 1 and the dual value is `OT_ε = ⟨f, a⟩ + ⟨g, b⟩`. The debiased divergence (Genevay
//! et al. 2018; Feydy et al. 2019)
//!
//! `S_ε(a, b) = OT_ε(a, b) − ½ OT_ε(a, a) − ½ OT_ε(b, b)`
//!
//! is 0 for identical sets (the same computation three times), `‖d‖²` for a set and its
//! translate by `d`, and `d²` for two Diracs at distance `d` (proofs/toy-sinkhorn.md).

use ndarray::{Array2, ArrayView2};

/// Regularisation and stopping rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SinkhornOptions {
    /// ε, in units of the squared-Euclidean cost. Default 0.05.
    pub epsilon: f64,
    /// Stop when `max|Δf| + max|Δg|` of one sweep is below this (cost units). Default 1e-6.
    pub tolerance: f64,
    /// Upper bound on sweeps. Default 2000.
    pub max_iterations: usize,
}

impl Default for SinkhornOptions {
    fn default() -> Self {
        Self {
            epsilon: 0.05,
            tolerance: 1e-6,
            max_iterations: 2000,
        }
    }
}

/// The entropic OT value and how it was reached.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EntropicOt {
    /// `OT_ε` (dual value).
    pub value: f64,
    /// Sweeps used.
    pub iterations: usize,
    /// `max|Δf| + max|Δg|` of the last sweep.
    pub last_change: f64,
}

/// One half-sweep: `out_i = −ε LSE_j (log w_j + (other_j − C_ij)/ε)` over the rows of `cost`.
fn soft_min(
    cost: ArrayView2<f64>,
    other: &[f64],
    log_w: f64,
    epsilon: f64,
    out: &mut [f64],
) -> f64 {
    let mut change: f64 = 0.0;
    for (o, row) in out.iter_mut().zip(cost.rows()) {
        let mut max = f64::NEG_INFINITY;
        for (&c, &g) in row.iter().zip(other) {
            max = max.max((g - c) / epsilon);
        }
        let s: f64 = row
            .iter()
            .zip(other)
            .map(|(&c, &g)| ((g - c) / epsilon - max).exp())
            .sum();
        let new = -epsilon * (log_w + max + s.ln());
        change = change.max((new - *o).abs());
        *o = new;
    }
    change
}

/// `OT_ε` between the uniform measures on the rows of `x` and of `y`.
///
/// # Panics
/// When a set is empty, the dimensions differ, or ε or the tolerance is not positive.
#[track_caller]
pub fn entropic_ot(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    options: &SinkhornOptions,
) -> EntropicOt {
    assert!(
        x.nrows() > 0 && y.nrows() > 0,
        "entropic OT needs points on both sides"
    );
    assert_eq!(x.ncols(), y.ncols(), "both sets need the same dimension");
    assert!(
        options.epsilon > 0.0,
        "ε = {} must be positive",
        options.epsilon
    );
    assert!(options.tolerance > 0.0, "the tolerance must be positive");
    let (m, n) = (x.nrows(), y.nrows());
    let cost = Array2::from_shape_fn((m, n), |(i, j)| {
        x.row(i)
            .iter()
            .zip(y.row(j))
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
    });
    let cost_t = cost.t().as_standard_layout().into_owned();
    let (log_a, log_b) = (-(m as f64).ln(), -(n as f64).ln());
    let (mut f, mut g) = (vec![0.0; m], vec![0.0; n]);
    // ε-scaling (Kosowsky & Yuille 1994; Feydy et al. 2019): start at the largest cost and halve
    // ε every sweep down to the target; the stopping rule only applies at the target ε
    let largest = cost.iter().copied().fold(0.0f64, f64::max);
    let mut epsilon = largest.max(options.epsilon);
    let (mut iterations, mut last_change) = (0, f64::INFINITY);
    while iterations < options.max_iterations
        && (epsilon > options.epsilon || last_change >= options.tolerance)
    {
        // [TOY:Eq.sinkhorn-divergence] log-domain Sinkhorn sweep: f then g by soft-min
        let df = soft_min(cost.view(), &g, log_b, epsilon, &mut f);
        let dg = soft_min(cost_t.view(), &f, log_a, epsilon, &mut g);
        last_change = df + dg;
        iterations += 1;
        epsilon = (0.5 * epsilon).max(options.epsilon);
    }
    let value = f.iter().sum::<f64>() / m as f64 + g.iter().sum::<f64>() / n as f64;
    EntropicOt {
        value,
        iterations,
        last_change,
    }
}

/// The Sinkhorn divergence `S_ε(x, y) = OT_ε(x, y) − ½ OT_ε(x, x) − ½ OT_ε(y, y)`.
///
/// # Panics
/// As [`entropic_ot`].
#[track_caller]
pub fn sinkhorn_divergence(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    options: &SinkhornOptions,
) -> f64 {
    let xy = entropic_ot(x, y, options).value;
    let xx = entropic_ot(x, x, options).value;
    let yy = entropic_ot(y, y, options).value;
    // [TOY:Eq.sinkhorn-divergence] debiased: S_ε = OT_ε(x,y) − ½OT_ε(x,x) − ½OT_ε(y,y)
    xy - 0.5 * xx - 0.5 * yy
}
