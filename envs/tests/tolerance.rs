//! `tolerance` against dm_control's definition (utils/rewards.py): 1 inside the bounds,
//! `value_at_margin` at distance `margin`, each sigmoid's closed form, monotone decay.

#[path = "../../tests/common/seeded.rs"]
mod seeded;

use proptest::prelude::*;
use rfm_envs::tolerance::{Sigmoid, tolerance};

#[allow(dead_code)] // shared presets; each test file uses its own
#[path = "common/tolerance.rs"]
mod tol;

fn sigmoid() -> impl Strategy<Value = Sigmoid> {
    prop::sample::select(Sigmoid::ALL.to_vec())
}

fn bounds() -> impl Strategy<Value = (f64, f64)> {
    (-10.0..10.0f64, 0.0..5.0f64).prop_map(|(lo, w)| (lo, lo + w))
}

proptest! {

    #![proptest_config(seeded::cases(256))]
    #[test]
    fn is_one_inside_the_bounds(b in bounds(), t in 0.0..=1.0f64, margin in 0.0..5.0f64,
                                s in sigmoid(), v in 0.01..0.99f64) {
        let x = b.0 + t * (b.1 - b.0);
        prop_assert_eq!(tolerance(x, b, margin, s, v), 1.0);
    }

    #[test]
    fn equals_value_at_margin_at_the_margin(b in bounds(), margin in 0.01..5.0f64,
                                            s in sigmoid(), v in 0.01..0.99f64, below in any::<bool>()) {
        let x = if below { b.0 - margin } else { b.1 + margin };
        let got = tolerance(x, b, margin, s, v);
        prop_assert!((got - v).abs() < tol::ENVS_TOLERANCE_ABS, "{:?}: {} vs {}", s, got, v);
    }

    #[test]
    fn decreases_away_from_the_bounds_and_stays_in_unit_interval(
        b in bounds(), margin in 0.01..5.0f64, s in sigmoid(), v in 0.01..0.99f64,
        d1 in 0.0..20.0f64, d2 in 0.0..20.0f64) {
        let (near, far) = if d1 < d2 { (d1, d2) } else { (d2, d1) };
        let f = |d: f64| tolerance(b.1 + d, b, margin, s, v);
        prop_assert!((0.0..=1.0).contains(&f(near)) && (0.0..=1.0).contains(&f(far)));
        prop_assert!(f(far) <= f(near) + 1e-15);
        // Symmetric on both sides (up to the rounding of b ± d, amplified by the slope).
        let other = tolerance(b.0 - near, b, margin, s, v);
        prop_assert!((f(near) - other).abs() <= tol::ENVS_TOLERANCE_SYMMETRY_REL * f(near).max(other),
                     "{:?}: {} vs {}", s, f(near), other);
    }

    #[test]
    fn zero_margin_is_the_indicator(b in bounds(), d in 1e-6..10.0f64, s in sigmoid()) {
        prop_assert_eq!(tolerance(b.1 + d, b, 0.0, s, 0.1), 0.0);
        prop_assert_eq!(tolerance(b.0 - d, b, 0.0, s, 0.1), 0.0);
    }

    /// Each shape against its closed form in rewards.py at x = distance/margin.
    #[test]
    fn each_sigmoid_matches_its_closed_form(x in 0.0..3.0f64, v in 0.01..0.99f64) {
        use std::f64::consts::PI;
        let cases = [
            (Sigmoid::Gaussian, (-0.5 * (x * (-2.0 * v.ln()).sqrt()).powi(2)).exp()),
            (Sigmoid::Hyperbolic, 1.0 / (x * (1.0 / v).acosh()).cosh()),
            (Sigmoid::LongTail, 1.0 / ((x * (1.0 / v - 1.0).sqrt()).powi(2) + 1.0)),
            (Sigmoid::Reciprocal, 1.0 / (x * (1.0 / v - 1.0) + 1.0)),
            (Sigmoid::Cosine, {
                let sx = x * (2.0 * v - 1.0).acos() / PI;
                if sx < 1.0 { (1.0 + (PI * sx).cos()) / 2.0 } else { 0.0 }
            }),
            (Sigmoid::Linear, { let sx = x * (1.0 - v); if sx < 1.0 { 1.0 - sx } else { 0.0 } }),
            (Sigmoid::Quadratic, {
                let sx = x * (1.0 - v).sqrt();
                if sx < 1.0 { 1.0 - sx * sx } else { 0.0 }
            }),
            (Sigmoid::TanhSquared, 1.0 - (x * (1.0 - v).sqrt().atanh()).tanh().powi(2)),
        ];
        for (s, want) in cases {
            // Distance x·margin above an upper bound of 0 with margin 2.
            let got = tolerance(2.0 * x, (-1.0, 0.0), 2.0, s, v);
            prop_assert!((got - want).abs() < tol::ENVS_TOLERANCE_ABS, "{:?}: {} vs {}", s, got, want);
        }
    }
}

#[test]
fn compact_shapes_accept_zero_value_at_margin() {
    for s in [Sigmoid::Cosine, Sigmoid::Linear, Sigmoid::Quadratic] {
        assert_eq!(tolerance(1.0, (0.0, 0.0), 1.0, s, 0.0), 0.0);
        assert!(tolerance(0.5, (0.0, 0.0), 1.0, s, 0.0) > 0.0);
    }
    // Cartpole's small_control: quadratic, margin 1, value 0 → 1 − u².
    assert!((tolerance(0.5, (0.0, 0.0), 1.0, Sigmoid::Quadratic, 0.0) - 0.75).abs() < 1e-15);
}

#[test]
#[should_panic(expected = "value_at_1")]
fn gaussian_rejects_zero_value_at_margin() {
    tolerance(1.0, (0.0, 0.0), 1.0, Sigmoid::Gaussian, 0.0);
}

#[test]
#[should_panic(expected = "lower bound")]
fn inverted_bounds_panic() {
    tolerance(0.0, (1.0, 0.0), 1.0, Sigmoid::Gaussian, 0.1);
}

#[test]
#[should_panic(expected = "margin")]
fn negative_margin_panics() {
    tolerance(0.0, (1.0, 2.0), -1.0, Sigmoid::Gaussian, 0.1);
}
