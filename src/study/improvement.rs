//! Probability of improvement (Agarwal et al. 2021, §4.3):
//! `P(X > Y) = (1/M) Σ_m P(X_m > Y_m)`, where per task
//! `P(X_m > Y_m) = (1/(N K)) Σ_i Σ_j S(x_{m,i}, y_{m,j})`, `S(x, y) = 1` if `x > y`, `½` if
//! `x = y`, `0` otherwise (the Mann–Whitney U statistic over `N × K` pairs of seeds).

/// `P(X > Y)`: how likely a run of algorithm X beats a run of Y on a task drawn uniformly.
///
/// # Panics
/// If the two algorithms have different task counts, no tasks, or a task without runs.
#[track_caller]
pub fn probability_of_improvement(x: &[Vec<f64>], y: &[Vec<f64>]) -> f64 {
    assert_eq!(x.len(), y.len(), "both algorithms need the same tasks");
    assert!(!x.is_empty(), "probability of improvement over no tasks");
    let per_task = x.iter().zip(y).map(|(xm, ym)| {
        assert!(
            !xm.is_empty() && !ym.is_empty(),
            "probability of improvement on a task without runs"
        );
        let wins: f64 = xm
            .iter()
            .flat_map(|a| ym.iter().map(move |b| (a, b)))
            .map(|(a, b)| match a.partial_cmp(b) {
                Some(std::cmp::Ordering::Greater) => 1.0,
                Some(std::cmp::Ordering::Equal) => 0.5,
                _ => 0.0,
            })
            .sum();
        wins / (xm.len() * ym.len()) as f64
    });
    per_task.sum::<f64>() / x.len() as f64
}
