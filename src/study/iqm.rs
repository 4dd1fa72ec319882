//! The interquartile mean (Agarwal et al. 2021, §4.2): the mean of the middle 50 % of the runs.
//!
//! Definition used (the one of `scipy.stats.trim_mean(x, 0.25)`, which the authors' `rliable`
//! calls): sort the `n` values, drop `⌊n/4⌋` from each end, average the rest. For `n < 4`
//! nothing is dropped and the IQM is the mean.

/// Interquartile mean of `values`.
///
/// # Panics
/// If `values` is empty or holds a NaN (the report leaves diverged runs out before this).
#[track_caller]
pub fn iqm(values: &[f64]) -> f64 {
    assert!(!values.is_empty(), "IQM of no values");
    assert!(
        values.iter().all(|v| !v.is_nan()),
        "IQM of a set holding NaN"
    );
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let cut = sorted.len() / 4;
    let middle = &sorted[cut..sorted.len() - cut];
    middle.iter().sum::<f64>() / middle.len() as f64
}

/// IQM of every run of every task pooled (the across-task aggregate; `strata[m]` = task `m`).
///
/// # Panics
/// As [`iqm`], when there are no runs at all.
#[track_caller]
pub fn pooled_iqm(strata: &[Vec<f64>]) -> f64 {
    let pooled: Vec<f64> = strata.iter().flatten().copied().collect();
    iqm(&pooled)
}

/// `p`-quantile of sorted values with linear interpolation between order statistics
/// (numpy's default, `h = (n − 1) p`).
///
/// # Panics
/// If `sorted` is empty or `p ∉ [0, 1]`.
#[track_caller]
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    assert!(!sorted.is_empty(), "quantile of no values");
    assert!(
        (0.0..=1.0).contains(&p),
        "quantile level {p} outside [0, 1]"
    );
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}
