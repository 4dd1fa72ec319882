//! The tolerance policy: every tolerance used by a test lives here, with the reason for its
//! value. Monte Carlo tolerances are not presets: they are derived from the estimator's
//! variance inside each test (see the comment there); only their confidence multiplier is here.

// ---------------------------------------------------------------- autodiff (gradient checks)

/// Gradient check in f64 (central differences and adjoint test, mixed error
/// `|a − n| / max(1, |a|, |n|)`). Defined once in the library, where its derivation is
/// written (`rfm::autodiff::gradcheck::DEFAULT_TOLERANCE`): truncation `O(h²)` plus rounding
/// `O(ε/h)` at `h = ε^{1/3}` bound the error by ≈ 9e-8 on the checked domains; 1e-6 leaves 10×.
pub const GRADCHECK_F64: f64 = rfm::autodiff::gradcheck::DEFAULT_TOLERANCE;

/// Fused op vs its composition from primitives, both in f64, inputs `|x| ≤ 5`, rows of at most 8,
/// mixed error. Both are exact up to rounding except where the composed form cancels: the worst
/// is `ln(1 − tanh² x)`, whose relative error is `≈ ε / sech² x ≤ 2.2e-16 · cosh²(5) ≈ 1.2e-12`;
/// the others are `O(n ε) ≈ 2e-15`. 1e-10 leaves ~100× over the worst case.
pub const FUSED_VS_COMPOSED_F64: f64 = 1e-10;

/// The same computation in f32 and in f64 on the same (f32-representable) inputs, mixed error.
/// Each primitive is correctly rounded up to a few ulps, `ε₃₂ = 1.19e-7`; a reduction of up to
/// `n = 64` terms adds `n ε₃₂ Σ|terms|`, and the composites chain up to ~8 ops whose condition
/// numbers on the checked domains stay below ~10 (e.g. `1/x` at `x ≥ 0.2`, `exp` at `|x| ≤ 2`):
/// `(64 + 8) · 1.19e-7 · 10 ≈ 9e-5`. Hence 1e-4; a wrong f32 path (a constant rounded wrongly,
/// an overflow) gives errors of order 1e-3 or more.
pub const F32_VS_F64: f64 = 1e-4;

// ---------------------------------------------------------------- nn, optim, checkpoints

// ---------------------------------------------------------------- paths and estimators

/// Exact identities between two code paths (sums of ≤ a few thousand f64 terms, α/β maps):
/// relative to the compared magnitude; ~10⁴ ulps lost at most (derivation beside
/// `rfm::audit::case::ROUNDOFF_RELATIVE`, which the audit uses and a test pins to this literal;
/// a literal because the envs tests include this file without the core crate).
pub const ESTIMATOR_ROUNDOFF_RELATIVE: f64 = 1e-11;

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
