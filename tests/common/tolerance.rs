//! The tolerance policy: every tolerance used by a test lives here, with the reason for its
//! value. Monte Carlo tolerances are not presets: they are derived from the estimator's
//! variance inside each test (see the comment there); only their confidence multiplier is here.

// ---------------------------------------------------------------- autodiff (gradient checks)

// ---------------------------------------------------------------- nn, optim, checkpoints

// ---------------------------------------------------------------- paths and estimators

/// Exact identities between two code paths (sums of ≤ a few thousand f64 terms, α/β maps):
/// relative to the compared magnitude. Defined next to the checks the audit shares.
pub use rfm::audit::case::ROUNDOFF_RELATIVE as ESTIMATOR_ROUNDOFF_RELATIVE;

/// Path conversion round trips: two affine maps with coefficients up to ~1/(α_t β_t) ≤ 10³
/// on the tested t-range, so ~10³ ulps of the largest term; 1e-10 relative leaves margin.
pub const PATH_ROUND_TRIP_RELATIVE: f64 = 1e-10;

/// α̇, β̇ against central differences with step h = 1e-5: truncation error h²/6 · |f‴| plus
/// rounding ε|f|/h ≈ 2e-11. |f‴| stays below ~10³ on t ∈ [0.05, 0.95] for the schedules
/// tested (linear-β VP is the stiffest, near t → 0), so 1e-6 relative (to max(1, |f'|))
/// holds with margin and still catches a wrong sign or factor.
pub const PATH_DERIVATIVE_RELATIVE: f64 = 1e-6;

/// Finite-difference step for the path derivative checks.
pub const PATH_DERIVATIVE_STEP: f64 = 1e-5;

/// Gradient of the tanh-latent log-target against central differences (step 1e-6 on O(1)
/// inputs, |Q/λ| ≤ ~10²): truncation ~1e-12·|f‴|, rounding ~1e-16·|f|/1e-6 ≈ 1e-8.
pub const LOG_TARGET_GRADIENT_ABSOLUTE: f64 = 1e-6;

/// Confidence multiplier (in standard errors) of the Monte Carlo checks that compare one
/// statistic with its expectation: 4.5σ has a two-sided false-alarm probability of 6.8e-6 per
/// comparison; the checks make at most ~100 comparisons per run.
pub const MONTE_CARLO_Z: f64 = 4.5;

// ---------------------------------------------------------------- policies and rl
