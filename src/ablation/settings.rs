//! What `rfm ablate` measures: states, t bins, the K sweep, the reference and the members.

use serde::Serialize;

/// Settings of one ablation run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AblationSettings {
    /// States drawn from the replay buffer (or rollouts). Default 64.
    pub states: usize,
    /// Equal-width t bins over `t_range`; every state gets one `x_t` per bin, its t uniform in
    /// the bin. Default 10.
    pub t_bins: usize,
    /// The t interval `[lo, hi]`, inside (0, 1). Default [0.01, 0.99].
    pub t_range: (f64, f64),
    /// Posterior-estimation budgets K compared. Default 4, 16, 32, 100, 500.
    pub ks: Vec<usize>,
    /// K of the reference. Default 5000.
    pub reference_k: usize,
    /// Independent repetitions of every (member, K) on the same `x_t`. Default 3.
    pub seeds: usize,
    /// The fixed noise-space η compared. Default 0, 0.25, 0.5, 0.75, 1.
    pub etas: Vec<f64>,
    /// Master seed of the states, endpoints, `x_t` and reverse samples. Default 0.
    pub seed: u64,
    /// Largest `B·K` per estimator call (memory bound; the result does not depend on it
    /// beyond the order of the random draws). Default 65536.
    pub rows_per_call: usize,
}

impl Default for AblationSettings {
    fn default() -> Self {
        Self {
            states: 64,
            t_bins: 10,
            t_range: (0.01, 0.99),
            ks: vec![4, 16, 32, 100, 500],
            reference_k: 5000,
            seeds: 3,
            etas: vec![0.0, 0.25, 0.5, 0.75, 1.0],
            seed: 0,
            rows_per_call: 1 << 16,
        }
    }
}

/// A setting out of range, named with its value and what is allowed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AblationError {
    /// A count below its minimum.
    #[error("{name} = {value} is too small: it must be at least {min}")]
    TooSmall {
        /// The flag's name.
        name: &'static str,
        /// The value given.
        value: usize,
        /// The smallest allowed.
        min: usize,
    },
    /// An empty list.
    #[error("{name} is empty: give at least one value")]
    Empty {
        /// The flag's name.
        name: &'static str,
    },
    /// The t interval is not inside (0, 1) or not increasing.
    #[error("t range [{lo}, {hi}] must satisfy 0 < lo < hi < 1")]
    TimeRange {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
    },
    /// A non-finite η.
    #[error("eta = {value} must be finite")]
    Eta {
        /// The value given.
        value: f64,
    },
}

impl AblationSettings {
    /// Checks every setting.
    ///
    /// # Errors
    /// The first setting out of range.
    pub fn validate(&self) -> Result<(), AblationError> {
        let counts = [
            ("states", self.states, 1),
            ("t-bins", self.t_bins, 1),
            ("reference-k", self.reference_k, 1),
            ("seeds", self.seeds, 1),
            ("rows-per-call", self.rows_per_call, 1),
        ];
        for (name, value, min) in counts {
            if value < min {
                return Err(AblationError::TooSmall { name, value, min });
            }
        }
        if self.ks.is_empty() {
            return Err(AblationError::Empty { name: "ks" });
        }
        if let Some(&k) = self.ks.iter().find(|&&k| k == 0) {
            return Err(AblationError::TooSmall {
                name: "ks",
                value: k,
                min: 1,
            });
        }
        if let Some(&value) = self.etas.iter().find(|e| !e.is_finite()) {
            return Err(AblationError::Eta { value });
        }
        let (lo, hi) = self.t_range;
        if !(lo > 0.0 && lo < hi && hi < 1.0) {
            return Err(AblationError::TimeRange { lo, hi });
        }
        Ok(())
    }

    /// The bounds `[lo, hi)` of bin `j`.
    pub fn bin_bounds(&self, j: usize) -> (f64, f64) {
        let (lo, hi) = self.t_range;
        let w = (hi - lo) / self.t_bins as f64;
        (lo + w * j as f64, lo + w * (j + 1) as f64)
    }
}
