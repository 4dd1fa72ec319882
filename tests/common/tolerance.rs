//! The tolerance policy: every tolerance used by a test lives here, with the reason for its
//! value. Monte Carlo tolerances are not presets: they are derived from the estimator's
//! variance inside each test (see the comment there); only their confidence multiplier is here.

// ---------------------------------------------------------------- autodiff (gradient checks)

/// Gradient check in f64 (central differences and adjoint test, mixed error
/// `|a − n| / max(1, |a|, |n|)`), step `h = ε^{1/3} max(1, |x|)`. Truncation `h²|∂³L|/6` plus
/// rounding `ε|L|/h` are each `≈ ε^{2/3} ≈ 3.7e-11` times the scale of `L` and of its third
/// derivative; on the checked domains (`|x| ≤ 3`, ≤ 100 outputs, values and third derivatives
/// ≲ 250) that bounds the error by ≈ 9e-8, so 1e-6 leaves a 10× margin while a wrong gradient
/// errs by O(1). The library's `rfm::autodiff::gradcheck::DEFAULT_TOLERANCE` (used by
/// `rfm selfcheck`) must equal this value: `gradcheck_tolerance_matches_the_library_default`.
/// (A literal, not a path into `rfm`: `envs/tests` include this file without the core crate.)
pub const GRADCHECK_F64: f64 = 1e-6;

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

/// Optimiser steps (Adam, clipping, Polyak) against hand computations in f64: each element
/// passes through ~10 correctly rounded operations (relative error ≤ ~10·2⁻⁵³ ≈ 1e-15), and the
/// step-dependent factors `1 − β^t` come from `powf` (≤ 1 ulp). 1e-13 relative leaves ~100×
/// margin while still catching any formula change (a small one, ε inside instead of outside the
/// square root, moves the step-2 update by ≈ 5e-9 relative).
pub const OPTIM_F64_REL: f64 = 1e-13;

/// The same computations in f32: ~10 roundings of 2⁻²⁴ ≈ 6e-8 each, plus the f64 → f32 rounding
/// of the inputs; 2e-6 relative (≈ 30 ulps).
pub const OPTIM_F32_REL: f64 = 2e-6;

/// `WᵀW = gain²·I` for an f64 orthogonal init (n ≤ 256): two Gram–Schmidt passes leave a loss of
/// orthogonality of a few `n·ε ≈ 6e-14`; the Gram entries carry `gain² = 2`. 1e-12 absolute.
pub const ORTHOGONAL_F64_ABS: f64 = 1e-12;

/// The same for f32 weights: each entry is rounded to f32 (relative 6e-8), and a Gram entry sums
/// n = 256 such products, so the error is ≈ √n·6e-8·gain² ≈ 2e-6. 1e-5 absolute.
pub const ORTHOGONAL_F32_ABS: f64 = 1e-5;

/// Confidence multiplier for init statistics (sample mean and variance against their expected
/// values, standard errors from the CLT): 5σ, a two-sided false-alarm probability of 6e-7 for a
/// fresh seed; the tests use fixed seeds, so the outcome is deterministic.
pub const INIT_SIGMAS: f64 = 5.0;

/// Gradient checks of composed networks (stacks: dense and residual layers) in f64: the autodiff section's
/// bound for smooth functions of inputs with |x| ≤ 3, unchanged: the networks are compositions
/// of the checked primitives with O(1) weights.
pub const NN_GRADCHECK_F64: f64 = GRADCHECK_F64;

/// Activation scalar forms (fast paths) against the tape primitives in f64: the same formula
/// evaluated with possibly different association; a few ulps, 1e-14 absolute for |z| ≤ 10
/// (values ≤ 10, derivatives ≤ 1.2).
pub const ACTIVATION_SCALAR_VS_TAPE_F64_ABS: f64 = 1e-14;

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

/// Sampling checks of the policies (particle-selection frequencies, the diffusion samplers'
/// endpoint mean and variance) in standard errors: binomial counts and sample moments are
/// within 5σ with probability 1 − 5.7e-7 each; with fixed seeds a failure is a real change.
pub const SAMPLER_Z: f64 = 5.0;

/// tanh-Gaussian density against the central difference of its CDF (h = 1e-4), relative,
/// where the density exceeds 0.1: truncation error h²/6·|p''| ≲ 1e-7, rounding of the series
/// erf ≲ 1e-9 / 2h = 5e-6 absolute, so 5e-5 relative at p ≥ 0.1; 1e-4 leaves a factor 2.
pub const NUMERIC_DENSITY_REL: f64 = 1e-4;

/// `|fast_tanh_f32(x) − tanh(x)|` over all x: Eigen documents ≈ 2e-7 for its rational fit, and
/// the f32 ulp at |tanh| ≈ 1 is 6e-8, so 5e-7 is a handful of ulp (tests/policies_fast_gelu.rs
/// checks it on a grid of [−10, 10]).
pub const FAST_TANH_F32_ABS: f64 = 5e-7;

/// `max |gelu'(z)|` of the tanh-form GELU: 1.128993 (at z ≈ 1.5; the minimum is −0.128993), found
/// on a 1e-4 grid of [−10, 10]; rounded up.
pub const GELU_LIPSCHITZ: f64 = 1.1290;

// ---------------------------------------------------------------- linalg (packed GEMM)

/// Packed f32 GEMM vs matrixmultiply, per output entry: each computes `Σ_p a_p w_p (+ b)` in f32
/// with some summation order, so each is within `γ_{k+1} Σ_p |a_p||w_p| (+|b|)` of the exact
/// value, `γ_{k+1} = (k+1)ε/(1 − (k+1)ε) ≤ 1.01 (k+1) ε₃₂` for `k ≤ 10⁴` (Higham, Thm 3.1;
/// an FMA chain rounds once per step, which only helps). Their difference is at most twice that:
/// the test uses `tol = PACKED_GEMM_F32_FACTOR · (k+1) · ε₃₂ · (Σ_p |a_p||w_p| + |b|)` with the
/// factor 2.02 (ReLU is 1-Lipschitz, so it keeps the bound). A wrong panel index or a lost tail
/// column errs by a whole term, O(Σ|a||w|/k) ≫ this for the drawn k.
pub const PACKED_GEMM_F32_FACTOR: f64 = 2.02;

// ---------------------------------------------------------------- one network, every backend

/// The networks' backends (tape f32/f64, tape-free, fused f32) against the tape in f64, per
/// output entry, first order in ε (tests/nn_equivalence.rs). Write `M` for the output of the
/// *magnitude network*: the same stack with every parameter and input replaced by its absolute
/// value, every activation by the identity, and the weights and bias of a layer followed by an
/// activation of Lipschitz constant `L` scaled by `L` (ReLU: 1, GELU: [`GELU_LIPSCHITZ`]).
/// Since `|act(z)| ≤ L|z|`, `M` bounds every magnitude the real network forms. A dense layer
/// over `k` inputs rounds each entry within `γ_{k+1}·(|x|·|W| + |b|)` (Higham Thm 3.1); by
/// induction over the layers (each error is carried by `L·|W|ᵀ`, as `M` is) the output error
/// is at most `S·M`, `S = Σ_layers γ_l`, with `γ_l = (k_l + b_l + 2)·ε₃₂` for a layer with
/// `b_l` summed blocks, `+ ε₃₂` for a residual add, `+ δ_act` for an activation that is not
/// exact ([`GELU_F32_REL`]). Gradients (cotangent `G`, magnitude network's gradient `M'`) add
/// the backward products' `γ`, the derivative factors' error and the `(rows + 1)·ε₃₂` of the
/// parameter-gradient sums. This factor covers `γ_{k+1} ≤ 1.01·(k+1)ε` (the neglected O(ε²)
/// terms are ≤ (k+1)ε₃₂ ≈ 3e-5 of the bound at k = 256) and the f64 reference's own rounding
/// (~1e-16 of the magnitudes).
pub const NET_ROUNDING_SAFETY: f64 = 1.01;

/// `|gelu_f32(z) − gelu(z)| / |z|` for the f32 GELUs (tape: libm `tanhf`; tape-free and fused:
/// the rational tanh): `½·|Δtanh|` with `|Δtanh| ≤` [`FAST_TANH_F32_ABS`], plus ~6 rounded
/// operations (`≤ 6ε₃₂·|z|` since `|gelu(z)| ≤ |z|`): 2.5e-7 + 7.2e-7 ≈ 1e-6.
pub const GELU_F32_REL: f64 = 1e-6;

/// `max |gelu''(z)|` of the tanh-form GELU: 0.7979 at z = 0 (`2φ(0) = √(2/π)`), found on a
/// 1e-4 grid of [−10, 10]; rounded up. It bounds how far `gelu'` moves when `z` is off by `e`.
pub const GELU_SECOND_DERIVATIVE_MAX: f64 = 0.80;

// ---------------------------------------------------------------- study statistics

/// Allowance for the percentile bootstrap's own coverage error in the coverage check of
/// `tests/study_statistics.rs`. For a smooth statistic (the IQM is a trimmed mean, smooth
/// enough) the two-sided percentile interval's coverage error is `O(1/n)` (Hall 1988,
/// "Theoretical comparison of bootstrap confidence intervals"); the constant is not known in
/// closed form, so the check allows `2/n` with `n` the pooled run count (150 there: 0.013). The
/// Monte Carlo part of the tolerance (`MONTE_CARLO_Z` binomial standard errors) is added in the
/// test, where the replication count is.
pub const BOOTSTRAP_COVERAGE_BIAS_PER_RUN: f64 = 2.0;

/// Sums and means of at most a few hundred O(1) doubles against hand computations: each
/// addition rounds by ≤ 2⁻⁵³ relative, so 1e-12 absolute leaves a wide margin while any
/// change of definition (another trimming rule, `n` instead of `n − 1`) moves results by ≥ 1e-3.
pub const STUDY_STATISTIC_ABS: f64 = 1e-12;
