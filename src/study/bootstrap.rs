//! Stratified bootstrap confidence intervals (Agarwal et al. 2021, §4.1 and Appendix A.1).
//!
//! The strata are the tasks: a resample draws, for every algorithm and every task
//! independently, as many runs as that task has, with replacement, and recomputes the
//! statistic. The interval is the percentile interval of the resampled statistics. The RNG is
//! passed in, so a seeded report is reproducible.

use rand::Rng;

use super::iqm::quantile_sorted;

/// Runs of one algorithm: `scores[m]` holds the (normalised) final scores of task `m`'s seeds.
pub type Strata = Vec<Vec<f64>>;

/// A point estimate with a confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Interval {
    /// The statistic on the data as observed.
    pub estimate: f64,
    /// Lower end of the interval.
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
}

/// How many resamples and which confidence level.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bootstrap {
    /// Number of resamples (rliable uses 50 000 for its figures; 2 000 is ample for 95 % ends).
    pub resamples: usize,
    /// Two-sided confidence level in (0, 1), e.g. 0.95.
    pub level: f64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap {
            resamples: 2_000,
            level: 0.95,
        }
    }
}

impl Bootstrap {
    /// Percentile interval of `statistic` over stratified resamples of `groups` (one
    /// [`Strata`] per algorithm the statistic compares; each group is resampled on its own).
    ///
    /// # Panics
    /// If `resamples == 0`, `level ∉ (0, 1)` or a task of some group has no runs.
    #[track_caller]
    pub fn interval<R, F>(&self, groups: &[&Strata], statistic: F, rng: &mut R) -> Interval
    where
        R: Rng + ?Sized,
        F: Fn(&[Strata]) -> f64,
    {
        assert!(self.resamples > 0, "bootstrap with no resamples");
        assert!(
            self.level > 0.0 && self.level < 1.0,
            "confidence level {} outside (0, 1)",
            self.level
        );
        assert!(
            groups.iter().all(|g| g.iter().all(|task| !task.is_empty())),
            "a task without runs cannot be resampled"
        );
        let observed: Vec<Strata> = groups.iter().map(|g| (*g).clone()).collect();
        let estimate = statistic(&observed);
        let mut resample = observed.clone();
        let mut values = Vec::with_capacity(self.resamples);
        for _ in 0..self.resamples {
            for (group, out) in groups.iter().zip(resample.iter_mut()) {
                for (task, out_task) in group.iter().zip(out.iter_mut()) {
                    for slot in out_task.iter_mut() {
                        *slot = task[rng.random_range(0..task.len())];
                    }
                }
            }
            values.push(statistic(&resample));
        }
        values.sort_by(f64::total_cmp);
        let tail = (1.0 - self.level) / 2.0;
        Interval {
            estimate,
            lower: quantile_sorted(&values, tail),
            upper: quantile_sorted(&values, 1.0 - tail),
        }
    }
}
