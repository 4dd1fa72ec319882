//! Performance profiles (Agarwal et al. 2021, §4.3): the run-score distribution
//! `F̂(τ) = (1/M) Σ_m (1/N_m) Σ_n 1[x_{m,n} > τ]`, the fraction of runs scoring above `τ`,
//! each task weighted equally.

/// `F̂(τ)` for one algorithm; `strata[m]` holds task `m`'s normalised scores.
///
/// # Panics
/// If there are no tasks or a task has no runs.
#[track_caller]
pub fn fraction_above(strata: &[Vec<f64>], tau: f64) -> f64 {
    assert!(!strata.is_empty(), "performance profile of no tasks");
    let per_task = strata.iter().map(|task| {
        assert!(
            !task.is_empty(),
            "performance profile of a task without runs"
        );
        task.iter().filter(|&&x| x > tau).count() as f64 / task.len() as f64
    });
    per_task.sum::<f64>() / strata.len() as f64
}

/// `F̂` at every threshold of `taus`.
///
/// # Panics
/// As [`fraction_above`].
#[track_caller]
pub fn performance_profile(strata: &[Vec<f64>], taus: &[f64]) -> Vec<f64> {
    taus.iter().map(|&t| fraction_above(strata, t)).collect()
}

/// `n` evenly spaced thresholds from `lo` to `hi` inclusive (`n ≥ 2`).
///
/// # Panics
/// If `n < 2`.
#[track_caller]
pub fn thresholds(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    assert!(n >= 2, "a profile needs at least two thresholds");
    (0..n)
        .map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
        .collect()
}
