//! The tolerance policy: every tolerance used by a test lives here, with the reason for its
//! value. Monte Carlo tolerances are not presets: they are derived from the estimator's
//! variance inside each test (see the comment there); only their confidence multiplier is here.

// ---------------------------------------------------------------- autodiff (gradient checks)

// ---------------------------------------------------------------- nn, optim, checkpoints

// ---------------------------------------------------------------- paths and estimators

// ---------------------------------------------------------------- policies and rl

// ---------------------------------------------------------------- envs (physics checks)

/// Pendulum small-angle period vs 2π/√(ω0² − γ²): the 1 % goal. Sources of error are
/// the small-angle approximation at 0.05 rad (≈ 0.016 %) and semi-implicit Euler's frequency
/// error (ω·dt)²/24 ≈ 0.03 % at dt = 0.02 s.
pub const ENVS_PENDULUM_PERIOD_REL: f64 = 0.01;
