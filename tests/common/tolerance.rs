//! The tolerance policy: every tolerance used by a test lives here, with the reason for its
//! value. Monte Carlo tolerances are not presets: they are derived from the estimator's
//! variance inside each test (see the comment there); only their confidence multiplier is here.

// ---------------------------------------------------------------- autodiff (gradient checks)

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

/// Tape-free fast MLP paths against the tape forward/backward in f64: the same products summed in
/// a different order (GEMM blocking), relative 1e-12 of the output scale.
pub const MLP_FAST_VS_TAPE_F64_REL: f64 = 1e-12;

/// Gradient checks of composed networks (MLP, residual blocks) in f64: the autodiff checker's
/// own bound for smooth functions of inputs with |x| ≤ 3 (see
/// `rfm::autodiff::gradcheck::DEFAULT_TOLERANCE` for the derivation), unchanged: the networks
/// are compositions of the checked primitives with O(1) weights.
pub const NN_GRADCHECK_F64: f64 = rfm::autodiff::gradcheck::DEFAULT_TOLERANCE;

/// Activation scalar forms (fast paths) against the tape primitives in f64: the same formula
/// evaluated with possibly different association; a few ulps, 1e-14 absolute for |z| ≤ 10
/// (values ≤ 10, derivatives ≤ 1.2).
pub const ACTIVATION_SCALAR_VS_TAPE_F64_ABS: f64 = 1e-14;

/// Fast paths in f32 against the same computation in f64: inner products of length ≤ 256 in f32
/// have relative error ≤ ~√256·6e-8 ≈ 1e-6 typically; 1e-4 relative to the output scale, with
/// three layers compounding.
pub const MLP_F32_VS_F64_REL: f64 = 1e-4;

// ---------------------------------------------------------------- paths and estimators

// ---------------------------------------------------------------- policies and rl
