//! The tolerance policy of the envs crate: every tolerance its tests use, with the reason for
//! its value. (The envs crate never depends on the core crate, so its tests keep their own
//! module; the core crate's policy is `tests/common/tolerance.rs`.)
#![allow(dead_code)]

// ---------------------------------------------------------------- envs (physics checks)

/// Pendulum small-angle period vs 2π/√(ω0² − γ²): the 1 % goal. Sources of error are
/// the small-angle approximation at 0.05 rad (≈ 0.016 %) and semi-implicit Euler's frequency
/// error (ω·dt)²/24 ≈ 0.03 % at dt = 0.02 s.
pub const ENVS_PENDULUM_PERIOD_REL: f64 = 0.01;

/// Frictionless cartpole: largest |E(t) − E(0)| over 10 s, relative to the pole's m·g·l. The
/// integrator is semi-implicit Euler (symplectic: bounded, O(dt) energy oscillation, no drift)
/// with 1.25 ms substeps, measured at 0.67 % (0.35 % at half the substep, 7 % at 8× it: the
/// error scales with dt, as expected); f32 state adds ~1e-6 relative noise per step.
pub const ENVS_CARTPOLE_ENERGY_REL: f64 = 0.01;

/// Largest |observation| allowed under 10k steps of bang-bang actions: "no explosion". MuJoCo
/// runs of these tasks stay below ~50 (joint rates of the cheetah under random torques); an
/// unstable integrator diverges to 1e6 and beyond within a few steps, so 1e3 separates the two.
pub const ENVS_MAX_ABS_OBS: f32 = 1e3;

/// `tolerance` vs its closed forms: the same f64 formulas evaluated in a different order, so
/// agreement to a few ulps of 1 (1e-12 leaves room for acosh/atanh near their poles).
pub const ENVS_TOLERANCE_ABS: f64 = 1e-12;

/// tolerance(upper + d) vs tolerance(lower − d): the two distances differ by the rounding of
/// b ± d (≈ 2e-15 for |b|, d ≤ 30); the gaussian's relative slope at x ≤ 20/0.01 amplifies
/// that by at most x·s² ≈ 1e4·(|ln v| ≤ 5), so 1e-9 relative is ample and still fails on a
/// real asymmetry.
pub const ENVS_TOLERANCE_SYMMETRY_REL: f64 = 1e-9;

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

// ---------------------------------------------------------------- envs (physics state)

/// `set_state` then `state`: the rapier tasks hold f32 coordinates, so an f64 value comes back
/// rounded to f32 (relative 2⁻²⁴ ≈ 6e-8); 1e-6 relative (absolute below 1) leaves room for
/// the f32 arithmetic rapier does when it places a coordinate, and still fails on a permuted or
/// offset coordinate (errors of 1e-3 and more).
pub const ENVS_STATE_ROUND_TRIP_REL: f64 = 1e-6;

// ---------------------------------------------------------------- envs (paired with MuJoCo)

/// rfm vs MuJoCo from the same state, where nothing touches: both integrate with first-order
/// Euler schemes at the same timestep (rapier's semi-implicit, MuJoCo's Euler with implicit
/// damping), so each is off the exact solution by e(dt) ≈ 2·|x(dt) − x(dt/2)| = 2 × MuJoCo's
/// own timestep spread (mujoco vs mujoco_half_dt in the data). |rfm − mujoco| ≤ e_rfm + e_mj
/// ≈ 4 × spread when rfm's error constant is MuJoCo's; a larger one (a wrong mass, axis or
/// sign, a phantom force) fails.
pub const ENVS_PAIRED_EULER_SPREAD_FACTOR: f64 = 4.0;
/// rfm vs MuJoCo from the same state when rfm takes MuJoCo's own step (`[ENV:Eq.euler]` with
/// the same constraint program): the discrete maps agree, so what is left is f32 against f64
/// rounding and the solvers' stopping tolerances, amplified by the motion, not a scheme error.
/// A scheme of its own (rapier's semi-implicit step) is off by e(dt) ≈ 2 × MuJoCo's timestep
/// spread (above); a tenth of the spread keeps a factor 20 from that and fails it.
pub const ENVS_PAIRED_SAME_SCHEME_FACTOR: f64 = 0.1;
/// Added to every paired tolerance: the recorded states are rounded to 6 significant digits
/// (5e-7 relative) and rfm's state is f32 (6e-8 relative per operation, ~1e-6 after a few
/// hundred steps of O(1) coordinates), so 1e-5 m or rad cannot be resolved.
pub const ENVS_PAIRED_F32_FLOOR: f64 = 1e-5;

/// Cartpole's rail overshoot past the 1.8 m stop vs MuJoCo's (m). MuJoCo moves 0.0005 m
/// between its timestep and half of it; rfm's soft stop is MuJoCo's formula applied
/// explicitly, with the unconstrained acceleration estimated from the actuator only (the
/// pole's reaction, up to ±1 m/s² of the cart's ±9 m/s², is left out), which shifts the
/// overshoot by up to ≈ 10 % of its 0.1–0.17 m. 0.02 m fails on a hard stop (0.004 m past
/// 1.8, off by 0.09–0.16).
pub const ENVS_RAIL_OVERSHOOT_ABS: f64 = 0.02;
/// Cart pushed into the stop, mean x over the last 200 of 400 steps, vs MuJoCo's: the steady
/// penetration is (1 − d)·a₀/(d·k) ≈ 3 mm for the actuator's a₀, and the still swinging
/// pole moves MuJoCo's cart by ±0.4 mm (x = 1.8033 at step 200, 1.8029 at 300); rfm's mean
/// is 0.4 mm deeper (measured: 1.8035 vs 1.8031; its a₀ leaves the pole's reaction out). 2 mm
/// keeps the rest within a penetration depth of MuJoCo's; it does not tell a soft stop from
/// a hard one (the overshoot tests do).
pub const ENVS_RAIL_REST_ABS: f64 = 0.002;

/// Largest finger hinge excursion past its ±110° range under 10k steps of bang-bang actions,
/// rad. The limits are MuJoCo's soft ones: dm_control 1.0.34 under the same protocol (±1 at
/// random every step, 10k steps, seed 9) reaches 0.36 rad past the range at its timestep and
/// 0.26 at half of it (spin and turn_hard alike). 0.5 allows a different random stream's
/// extreme; a limit that does not hold leaves the range by radians.
pub const ENVS_FINGER_MAX_LIMIT_EXCURSION: f32 = 0.5;

// walker's contacts and limits (v4) are held to MuJoCo's own bang-bang figures, read from
// tests/data/mujoco_walker_bang_bang.json by tests/walker_contacts.rs: no preset here.
