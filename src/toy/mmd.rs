//! The squared maximum mean discrepancy with a Gaussian (RBF) kernel at the median bandwidth.
//!
//! `k_h(x, y) = exp(−‖x − y‖²/(2h²))`, `h` = the median of the pairwise distances of the pooled
//! sample (the median heuristic, Gretton et al. 2012). The unbiased estimator (their Lemma 6)
//!
//! `MMD²_u = Σ_{i≠j} k(x_i,x_j)/(m(m−1)) + Σ_{i≠j} k(y_i,y_j)/(n(n−1)) − 2 Σ_{i,j} k(x_i,y_j)/(mn)`
//!
//! has expectation `MMD²(μ, ν)` and can be slightly negative; for `m = n` it is at least
//! `−2/m` (proofs/toy-mmd2.md).

use ndarray::{ArrayView1, ArrayView2};

fn squared_distance(a: ArrayView1<f64>, b: ArrayView1<f64>) -> f64 {
    a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum()
}

/// The median of the pairwise distances `‖z_i − z_j‖`, `i < j`, of the pooled rows of `x`
/// and `y` (the mean of the two middle values for an even count).
///
/// # Panics
/// When the pooled sample has fewer than 2 points or the column counts differ.
#[track_caller]
pub fn median_bandwidth(x: ArrayView2<f64>, y: ArrayView2<f64>) -> f64 {
    assert_eq!(x.ncols(), y.ncols(), "both sets need the same dimension");
    let pooled: Vec<_> = x.rows().into_iter().chain(y.rows()).collect();
    assert!(
        pooled.len() >= 2,
        "the median bandwidth needs at least 2 points"
    );
    let mut d = Vec::with_capacity(pooled.len() * (pooled.len() - 1) / 2);
    for (i, a) in pooled.iter().enumerate() {
        for b in &pooled[i + 1..] {
            d.push(squared_distance(*a, *b));
        }
    }
    let mid = d.len() / 2;
    let (_, &mut upper, _) = d.select_nth_unstable_by(mid, f64::total_cmp);
    let median_sq = if d.len() % 2 == 1 {
        upper
    } else {
        let lower = d[..mid].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        0.5 * (lower + upper)
    };
    median_sq.sqrt()
}

/// The unbiased `MMD²_u(x, y)` with the RBF kernel of bandwidth `h`.
///
/// # Panics
/// When a set has fewer than 2 points, the dimensions differ or `h` is not positive.
#[track_caller]
pub fn mmd2_unbiased(x: ArrayView2<f64>, y: ArrayView2<f64>, h: f64) -> f64 {
    assert_eq!(x.ncols(), y.ncols(), "both sets need the same dimension");
    assert!(
        x.nrows() >= 2 && y.nrows() >= 2,
        "MMD²_u needs at least 2 points per set"
    );
    assert!(h > 0.0, "the RBF bandwidth h = {h} must be positive");
    let gamma = 0.5 / (h * h);
    let k = |a: ArrayView1<f64>, b: ArrayView1<f64>| (-gamma * squared_distance(a, b)).exp();
    let within = |s: ArrayView2<f64>| {
        let mut total = 0.0;
        for (i, a) in s.rows().into_iter().enumerate() {
            for b in s.rows().into_iter().skip(i + 1) {
                total += k(a, b);
            }
        }
        let m = s.nrows() as f64;
        2.0 * total / (m * (m - 1.0))
    };
    let mut cross = 0.0;
    for a in x.rows() {
        for b in y.rows() {
            cross += k(a, b);
        }
    }
    // [TOY:Eq.mmd2-rbf] unbiased MMD²: within-x + within-y off-diagonal means − 2 × cross mean
    within(x) + within(y) - 2.0 * cross / (x.nrows() * y.nrows()) as f64
}

/// `MMD²_u(x, y)` at the median bandwidth of the pooled sample; returns `(MMD²_u, h)`.
pub fn mmd2_median(x: ArrayView2<f64>, y: ArrayView2<f64>) -> (f64, f64) {
    let h = median_bandwidth(x, y);
    (mmd2_unbiased(x, y, h), h)
}
