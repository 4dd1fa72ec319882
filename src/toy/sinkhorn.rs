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
//! with ε-scaling (the first sweeps use a larger ε, halved each sweep down to the target).
//! After a `g` update the plan `π_ij = a_i b_j exp((f_i + g_j − C_ij)/ε)` has the exact column
//! marginals, so its mass is 1 and the dual value is `D = ⟨f, a⟩ + ⟨g, b⟩`. Its row marginal
//! is `(π1)_i = a_i exp((f_i − f'_i)/ε)` with `f'` the next `f` update, so the marginal
//! violation `‖π1 − a‖₁` costs nothing extra: the sweeps stop when it is below the tolerance,
//! and then (proofs/toy-sinkhorn.md)
//!
//! `0 ≤ OT_ε − D ≤ (max C − min C) · ‖π1 − a‖₁`,
//!
//! the bound returned as [`EntropicOt::error_bound`]. The debiased divergence (Genevay et al.
//! 2018; Feydy et al. 2019)
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
    /// Stop when the marginal violation `‖π1 − a‖₁` of the plan (dimensionless, the plan has
    /// mass 1) is below this; the returned cost is then within `(max C − min C)` times it.
    /// Default 1e-6.
    pub tolerance: f64,
    /// Upper bound on sweeps at the target ε (the ε-scaling sweeps before it always run, about
    /// `log₂(max C / ε)` of them). Default 2000.
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
    /// `OT_ε` (dual value `⟨f, a⟩ + ⟨g, b⟩`, a lower bound of the exact value).
    pub value: f64,
    /// Sweeps used.
    pub iterations: usize,
    /// The marginal violation `‖π1 − a‖₁` of the plan whose dual value is returned.
    pub marginal_violation: f64,
    /// `(max C − min C) · marginal_violation`: `value ≤ OT_ε ≤ value + error_bound` in exact
    /// arithmetic (also when the sweeps stopped at `max_iterations`).
    pub error_bound: f64,
}

/// The Sinkhorn divergence and the bound on its error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SinkhornDivergence {
    /// `S_ε` from the three dual values.
    pub value: f64,
    /// `S_ε^exact − value` lies in `[−½(b_xx + b_yy), b_xy]` with `b` the three terms'
    /// [`EntropicOt::error_bound`]; this is `b_xy + ½(b_xx + b_yy)`, which bounds `|error|`.
    pub error_bound: f64,
}

/// One half-sweep: `out_i = −ε LSE_j (log w_j + (other_j − C_ij)/ε)` over the rows of `cost`.
fn soft_min(cost: ArrayView2<f64>, other: &[f64], log_w: f64, epsilon: f64, out: &mut [f64]) {
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
        *o = -epsilon * (log_w + max + s.ln());
    }
}

/// `‖π1 − a‖₁ = Σ_i a_i |exp((f_i − f'_i)/ε) − 1|` of the plan of `(f, g)`, with `f'` the
/// `f` update from that `g` (uniform `a_i = 1/m`).
fn marginal_violation(f: &[f64], next_f: &[f64], epsilon: f64) -> f64 {
    let m = f.len() as f64;
    f.iter()
        .zip(next_f)
        .map(|(&a, &b)| ((a - b) / epsilon).exp_m1().abs())
        .sum::<f64>()
        / m
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
    let largest = cost.iter().copied().fold(0.0f64, f64::max);
    let smallest = cost.iter().copied().fold(f64::INFINITY, f64::min);
    let (mut f, mut g, mut next_f) = (vec![0.0; m], vec![0.0; n], vec![0.0; m]);
    // ε-scaling (Kosowsky & Yuille 1994; Feydy et al. 2019): start at the largest cost and halve
    // ε every sweep down to the target. The first sweep runs unconditionally.
    let mut epsilon = largest.max(options.epsilon);
    soft_min(cost.view(), &g, log_b, epsilon, &mut f);
    soft_min(cost_t.view(), &f, log_a, epsilon, &mut g);
    let mut iterations = 1;
    let violation = loop {
        let next_epsilon = (0.5 * epsilon).max(options.epsilon);
        // [TOY:Eq.sinkhorn-divergence] log-domain Sinkhorn sweep: f then g by soft-min; the
        // f update also gives the row marginal of the current plan (exact only at the target ε)
        soft_min(cost.view(), &g, log_b, next_epsilon, &mut next_f);
        if epsilon == options.epsilon {
            let violation = marginal_violation(&f, &next_f, epsilon);
            if violation < options.tolerance || iterations >= options.max_iterations {
                break violation;
            }
        }
        epsilon = next_epsilon;
        std::mem::swap(&mut f, &mut next_f);
        soft_min(cost_t.view(), &f, log_a, epsilon, &mut g);
        iterations += 1;
    };
    let value = f.iter().sum::<f64>() / m as f64 + g.iter().sum::<f64>() / n as f64;
    EntropicOt {
        value,
        iterations,
        marginal_violation: violation,
        // [TOY:Eq.sinkhorn-error-bound] 0 ≤ OT_ε − D ≤ (max C − min C)·‖π1 − a‖₁
        error_bound: (largest - smallest) * violation,
    }
}

/// The Sinkhorn divergence `S_ε(x, y) = OT_ε(x, y) − ½ OT_ε(x, x) − ½ OT_ε(y, y)` with the
/// bound on its error.
///
/// # Panics
/// As [`entropic_ot`].
#[track_caller]
pub fn sinkhorn_divergence(
    x: ArrayView2<f64>,
    y: ArrayView2<f64>,
    options: &SinkhornOptions,
) -> SinkhornDivergence {
    let xy = entropic_ot(x, y, options);
    let xx = entropic_ot(x, x, options);
    let yy = entropic_ot(y, y, options);
    SinkhornDivergence {
        // [TOY:Eq.sinkhorn-divergence] debiased: S_ε = OT_ε(x,y) − ½OT_ε(x,x) − ½OT_ε(y,y)
        value: xy.value - 0.5 * xx.value - 0.5 * yy.value,
        error_bound: xy.error_bound + 0.5 * (xx.error_bound + yy.error_bound),
    }
}
