//! Conversions between the four regression targets of an affine path.
//!
//! With `μ_1 = E[x_1 | x_t]` and `μ_0 = E[x_0 | x_t]`, `x_t = α_t μ_1 + β_t μ_0`, and every
//! target is affine in `(x_t, μ_0)`: `y = a x_t + b μ_0` with
//!
//! | target | a | b |
//! |---|---|---|
//! | noise (ε-prediction) `μ_0` | 0 | 1 |
//! | data prediction `μ_1` | 1/α_t | −β_t/α_t |
//! | score `∇ log p_t(x_t) = −μ_0/β_t` | 0 | −1/β_t |
//! | velocity `v = α̇_t μ_1 + β̇_t μ_0` | α̇_t/α_t | β̇_t − α̇_t β_t/α_t |
//!
//! so `from → to` is `μ_0 = (y − a_from x_t)/b_from`, then `a_to x_t + b_to μ_0`.
//! That single formula is [`convert_rows`]; the named functions (`velocity_to_noise`, ...)
//! are thin aliases so call sites read like the paper.

use ndarray::{ArrayView2, ArrayViewMut2, Zip};

use super::PathCoefficients;
use crate::Scalar;

/// One of the four regression targets of a flow / diffusion model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PredictionTarget {
    /// Velocity `v(x_t, t)` of the probability-flow ODE of the path.
    Velocity,
    /// ε-prediction: the posterior mean of the noise, `μ_0`.
    Noise,
    /// Score `∇_x log p_t(x_t)`.
    Score,
    /// Data prediction: the posterior mean of the data, `μ_1`.
    Data,
}

impl PredictionTarget {
    /// All four targets (for round-trip tests and reports).
    pub const ALL: [PredictionTarget; 4] = [
        PredictionTarget::Velocity,
        PredictionTarget::Noise,
        PredictionTarget::Score,
        PredictionTarget::Data,
    ];

    /// `(a, b)` such that this target equals `a x_t + b μ_0`.
    pub fn affine_in_noise(self, c: &PathCoefficients) -> (f64, f64) {
        // [RFM:Eq.target-conversions]
        match self {
            PredictionTarget::Noise => (0.0, 1.0),
            PredictionTarget::Data => (1.0 / c.alpha_t, -c.beta_t / c.alpha_t),
            PredictionTarget::Score => (0.0, -1.0 / c.beta_t),
            PredictionTarget::Velocity => (
                c.alpha_dot_t / c.alpha_t,
                c.beta_dot_t - c.alpha_dot_t * c.beta_t / c.alpha_t,
            ),
        }
    }
}

/// Converts a batch of targets row by row; row `r` uses `coefficients[r]`.
///
/// # Panics
/// When the shapes of `x_t`, `y` and `out` differ, or `coefficients.len()` is not the
/// number of rows.
#[track_caller]
pub fn convert_rows<T: Scalar>(
    from: PredictionTarget,
    to: PredictionTarget,
    coefficients: &[PathCoefficients],
    x_t: ArrayView2<T>,
    y: ArrayView2<T>,
    mut out: ArrayViewMut2<T>,
) {
    assert_eq!(
        x_t.dim(),
        y.dim(),
        "x_t and the source target differ in shape"
    );
    assert_eq!(x_t.dim(), out.dim(), "x_t and the output differ in shape");
    assert_eq!(
        coefficients.len(),
        x_t.nrows(),
        "one set of path coefficients per row is required"
    );
    for (r, c) in coefficients.iter().enumerate() {
        let (a_from, b_from) = from.affine_in_noise(c);
        let (a_to, b_to) = to.affine_in_noise(c);
        // y_to = a_to x + b_to (y − a_from x)/b_from = (a_to − b_to a_from/b_from) x + (b_to/b_from) y
        let gain = T::from_f64(b_to / b_from);
        let x_gain = T::from_f64(a_to - b_to * a_from / b_from);
        Zip::from(out.row_mut(r))
            .and(x_t.row(r))
            .and(y.row(r))
            .for_each(|o, &x, &v| *o = x_gain * x + gain * v);
    }
}

macro_rules! named_conversion {
    ($name:ident, $from:ident, $to:ident) => {
        #[doc = concat!("Converts ", stringify!($from), " targets to ", stringify!($to),
            " targets row by row (see [`convert_rows`]).\n\n# Panics\nAs [`convert_rows`].")]
        #[track_caller]
        pub fn $name<T: Scalar>(
            coefficients: &[PathCoefficients],
            x_t: ArrayView2<T>,
            y: ArrayView2<T>,
            out: ArrayViewMut2<T>,
        ) {
            convert_rows(
                PredictionTarget::$from,
                PredictionTarget::$to,
                coefficients,
                x_t,
                y,
                out,
            )
        }
    };
}

named_conversion!(velocity_to_noise, Velocity, Noise);
named_conversion!(velocity_to_score, Velocity, Score);
named_conversion!(velocity_to_data, Velocity, Data);
named_conversion!(noise_to_velocity, Noise, Velocity);
named_conversion!(noise_to_score, Noise, Score);
named_conversion!(noise_to_data, Noise, Data);
named_conversion!(score_to_velocity, Score, Velocity);
named_conversion!(score_to_noise, Score, Noise);
named_conversion!(score_to_data, Score, Data);
named_conversion!(data_to_velocity, Data, Velocity);
named_conversion!(data_to_noise, Data, Noise);
named_conversion!(data_to_score, Data, Score);
