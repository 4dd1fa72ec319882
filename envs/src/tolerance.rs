//! dm_control's reward shaping: `rewards.tolerance` and its sigmoids.
//!
//! `tolerance(x, bounds, margin, sigmoid, value_at_margin)` is 1 when `lower ≤ x ≤ upper`.
//! Outside, with distance `d = (lower − x)` or `(x − upper)` to the nearest bound, it is
//! `s(d / margin)`, where `s` is one of the [`Sigmoid`] shapes scaled so that `s(0) = 1` and
//! `s(1) = value_at_margin`. With `margin = 0` it is the indicator of the bounds.
//!
//! Every shape maps `x ≥ 0` into [0, 1], so tolerance-built rewards stay in [0, 1].
//! Definitions follow `dm_control/utils/rewards.py` (Apache-2.0); this is our own code.

/// dm_control's default value of the shaping function at `margin` distance from the bounds.
pub const DEFAULT_VALUE_AT_MARGIN: f64 = 0.1;

/// The shape of the decay outside the bounds. `x` is the distance in units of `margin`,
/// `v` is `value_at_margin`; each shape is 1 at `x = 0` and `v` at `x = 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sigmoid {
    /// `exp(−½ (x·s)²)`, `s = √(−2 ln v)`.
    Gaussian,
    /// `1 / cosh(x·s)`, `s = arccosh(1/v)`.
    Hyperbolic,
    /// `1 / ((x·s)² + 1)`, `s = √(1/v − 1)`.
    LongTail,
    /// `1 / (|x|·s + 1)`, `s = 1/v − 1`.
    Reciprocal,
    /// `(1 + cos(π x s)) / 2` if `|x s| < 1`, else 0; `s = arccos(2v − 1) / π`.
    Cosine,
    /// `1 − x s` if `|x s| < 1`, else 0; `s = 1 − v`.
    Linear,
    /// `1 − (x s)²` if `|x s| < 1`, else 0; `s = √(1 − v)`.
    Quadratic,
    /// `1 − tanh(x s)²`, `s = arctanh(√(1 − v))`.
    TanhSquared,
}

impl Sigmoid {
    /// Every shape, in dm_control's order of definition.
    pub const ALL: [Sigmoid; 8] = [
        Sigmoid::Gaussian,
        Sigmoid::Hyperbolic,
        Sigmoid::LongTail,
        Sigmoid::Reciprocal,
        Sigmoid::Cosine,
        Sigmoid::Linear,
        Sigmoid::Quadratic,
        Sigmoid::TanhSquared,
    ];

    /// Whether the shape admits `value_at_1 = 0` (the ones with compact support).
    pub fn allows_zero(self) -> bool {
        matches!(self, Sigmoid::Cosine | Sigmoid::Linear | Sigmoid::Quadratic)
    }

    /// The shape at `x` (a non-negative distance in units of the margin), scaled so that its
    /// value at `x = 1` is `value_at_1`.
    ///
    /// # Panics
    /// If `value_at_1` is outside (0, 1), or outside [0, 1) for `Cosine`, `Linear`, `Quadratic`
    /// (dm_control raises `ValueError` in the same cases).
    #[track_caller]
    pub fn eval(self, x: f64, value_at_1: f64) -> f64 {
        if self.allows_zero() {
            assert!(
                (0.0..1.0).contains(&value_at_1),
                "value_at_1 for {self:?} must be in [0, 1), got {value_at_1}"
            );
        } else {
            assert!(
                value_at_1 > 0.0 && value_at_1 < 1.0,
                "value_at_1 for {self:?} must be in (0, 1), got {value_at_1}"
            );
        }
        let v = value_at_1;
        match self {
            Sigmoid::Gaussian => {
                let s = (-2.0 * v.ln()).sqrt();
                (-0.5 * (x * s).powi(2)).exp()
            }
            Sigmoid::Hyperbolic => {
                let s = (1.0 / v).acosh();
                1.0 / (x * s).cosh()
            }
            Sigmoid::LongTail => {
                let s = (1.0 / v - 1.0).sqrt();
                1.0 / ((x * s).powi(2) + 1.0)
            }
            Sigmoid::Reciprocal => {
                let s = 1.0 / v - 1.0;
                1.0 / (x.abs() * s + 1.0)
            }
            Sigmoid::Cosine => {
                let sx = x * (2.0 * v - 1.0).acos() / std::f64::consts::PI;
                if sx.abs() < 1.0 {
                    (1.0 + (std::f64::consts::PI * sx).cos()) / 2.0
                } else {
                    0.0
                }
            }
            Sigmoid::Linear => {
                let sx = x * (1.0 - v);
                if sx.abs() < 1.0 { 1.0 - sx } else { 0.0 }
            }
            Sigmoid::Quadratic => {
                let sx = x * (1.0 - v).sqrt();
                if sx.abs() < 1.0 { 1.0 - sx * sx } else { 0.0 }
            }
            Sigmoid::TanhSquared => {
                let s = (1.0 - v).sqrt().atanh();
                1.0 - (x * s).tanh().powi(2)
            }
        }
    }
}

/// dm_control's `rewards.tolerance`: 1 inside `[lower, upper]`, decaying with `sigmoid` outside
/// so that it equals `value_at_margin` at distance `margin` from the nearest bound. Bounds may be
/// infinite. With `margin == 0` the result is the 0/1 indicator of the bounds.
///
/// # Panics
/// If `lower > upper`, `margin < 0` or NaN, or (when `margin > 0`) `value_at_margin` is out of
/// the range [`Sigmoid::eval`] allows.
#[track_caller]
pub fn tolerance(
    x: f64,
    (lower, upper): (f64, f64),
    margin: f64,
    sigmoid: Sigmoid,
    value_at_margin: f64,
) -> f64 {
    assert!(
        lower <= upper,
        "tolerance: lower bound {lower} must be <= upper bound {upper}"
    );
    assert!(
        margin >= 0.0,
        "tolerance: margin must be non-negative, got {margin}"
    );
    let in_bounds = lower <= x && x <= upper;
    if in_bounds {
        return 1.0;
    }
    if margin == 0.0 {
        return 0.0;
    }
    let d = if x < lower { lower - x } else { x - upper } / margin;
    sigmoid.eval(d, value_at_margin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cheetah_shape_is_speed_over_ten() {
        // bounds (10, inf), margin 10, linear, value_at_margin 0 → v/10 on [0, 10].
        for v in [0.0, 2.5, 5.0, 9.99] {
            let r = tolerance(v, (10.0, f64::INFINITY), 10.0, Sigmoid::Linear, 0.0);
            assert!((r - v / 10.0).abs() < 1e-12, "{v} -> {r}");
        }
        assert_eq!(
            tolerance(-1.0, (10.0, f64::INFINITY), 10.0, Sigmoid::Linear, 0.0),
            0.0
        );
    }
}
