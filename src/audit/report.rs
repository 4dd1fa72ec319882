//! The outcome of one check and the audit's text / JSON reports.

use serde::Serialize;

/// One special-case check: a claim compared on one path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckOutcome {
    /// The claim's tag, e.g. `RFM:Claim.eta-zero-is-qne`.
    pub claim: &'static str,
    /// The path (and any variant) it was checked on.
    pub path: String,
    /// The measured discrepancy.
    pub max_abs_difference: f64,
    /// The tolerance it is held to (why: see the check's documentation).
    pub tolerance: f64,
}

impl CheckOutcome {
    /// True when the discrepancy is finite and within the tolerance.
    pub fn passed(&self) -> bool {
        self.max_abs_difference.is_finite() && self.max_abs_difference <= self.tolerance
    }
}

/// One row of a variance table: empirical variance of `μ̂_0` over repetitions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VarianceRow {
    /// Target name.
    pub target: String,
    /// Path time.
    pub t: f64,
    /// Empirical variance (summed over dimensions) of the noise-expectation (η = 0).
    pub eta_zero: f64,
    /// Same for the gradient-expectation (η = 1).
    pub eta_one: f64,
    /// Same for the plug-in optimal coefficient (reference options).
    pub optimal: f64,
    /// Mean chosen noise-space coefficient (average diagonal entry) of the plug-in.
    pub mean_optimal_eta: f64,
}

/// Everything `rfm audit` reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditReport {
    /// Reverse samples per state used by the checks.
    pub samples_per_state: usize,
    /// Base seed.
    pub seed: u64,
    /// Special-case checks.
    pub checks: Vec<CheckOutcome>,
    /// Variance tables.
    pub variance: Vec<VarianceRow>,
}

impl AuditReport {
    /// True when every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(CheckOutcome::passed)
    }

    /// Human-readable tables.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "rfm audit: K = {}, seed = {}\n\n{:<38} {:<36} {:>10} {:>9}  {}\n",
            self.samples_per_state, self.seed, "claim", "path", "max |diff|", "tolerance", "pass"
        );
        for c in &self.checks {
            out += &format!(
                "{:<38} {:<36} {:>10.2e} {:>9.1e}  {}\n",
                c.claim,
                c.path,
                c.max_abs_difference,
                c.tolerance,
                if c.passed() { "ok" } else { "FAIL" }
            );
        }
        out += &format!(
            "\nvariance of μ̂_0 over repetitions (sum over dims)\n{:<26} {:>5} {:>11} {:>11} {:>11} {:>8}\n",
            "target", "t", "eta=0", "eta=1", "optimal", "mean η*"
        );
        for r in &self.variance {
            out += &format!(
                "{:<26} {:>5.2} {:>11.3e} {:>11.3e} {:>11.3e} {:>8.3}\n",
                r.target, r.t, r.eta_zero, r.eta_one, r.optimal, r.mean_optimal_eta
            );
        }
        let failed = self.checks.iter().filter(|c| !c.passed()).count();
        out += &format!("\n{} checks, {} failed\n", self.checks.len(), failed);
        out
    }
}
