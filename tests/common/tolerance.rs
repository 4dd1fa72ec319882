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

/// Fluid model formulas evaluated in f32 against the same formula in f64: a few f32 ulps of
/// the largest term (relative 1e-5 covers the ≈ 10 rounding steps of each expression).
pub const ENVS_FLUID_FORMULA_REL: f64 = 1e-5;
/// A body coasting under quadratic drag vs v(t) = v0 / (1 + k v0 t / m): semi-implicit Euler with
/// explicit drag has a first-order error ≈ ½ k v0 dt / m per unit of k v0 t / m; with the test's
/// k v0 dt / m = 2e-3 that is ≈ 1e-3 relative, so 0.5 % leaves margin for f32 accumulation.
pub const ENVS_FLUID_COAST_REL: f64 = 5e-3;
/// Anti-aliased disc coverage vs π r²: the one-pixel ramp is symmetric about the edge, so the
/// error is the curvature term ≈ 1/(12 r) relative per unit perimeter; 1 % at r = 30 px.
pub const ENVS_RENDER_DISC_AREA_REL: f64 = 0.01;
