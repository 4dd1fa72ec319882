//! Conversions between velocity, ε-prediction, score and data prediction.

#[path = "common/seeded.rs"]
mod seeded;

mod common;

use common::strategies::{any_path, interior_time};
use common::tolerance::PATH_ROUND_TRIP_RELATIVE;
use ndarray::Array2;
use proptest::prelude::*;
use rfm::paths::conversions::{
    convert_rows, data_to_noise, noise_to_data, noise_to_score, noise_to_velocity,
};
use rfm::paths::{PredictionTarget, ProbabilityPath};

fn rows(values: &[f64], d: usize) -> Array2<f64> {
    Array2::from_shape_vec((values.len() / d, d), values.to_vec()).unwrap()
}

fn max_rel(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    let scale = a.iter().chain(b.iter()).fold(1.0f64, |m, v| m.max(v.abs()));
    a.iter()
        .zip(b)
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

proptest! {

    #![proptest_config(seeded::cases(256))]
    #[test]
    fn rfm_eq_target_conversions_round_trip(
        path in any_path(),
        t in interior_time(),
        x in prop::collection::vec(-3.0f64..3.0, 6),
        y in prop::collection::vec(-3.0f64..3.0, 6),
    ) {
        let c = vec![path.coefficients(t); 3];
        let (x, y) = (rows(&x, 2), rows(&y, 2));
        for from in PredictionTarget::ALL {
            for to in PredictionTarget::ALL {
                let mut there = Array2::zeros(x.dim());
                let mut back = Array2::zeros(x.dim());
                convert_rows(from, to, &c, x.view(), y.view(), there.view_mut());
                convert_rows(to, from, &c, x.view(), there.view(), back.view_mut());
                let err = max_rel(&back, &y);
                prop_assert!(err <= PATH_ROUND_TRIP_RELATIVE, "{from:?}→{to:?}→{from:?}: {err}");
            }
        }
    }

    #[test]
    fn rfm_eq_target_conversions_match_their_definitions(
        path in any_path(),
        t in interior_time(),
        x in prop::collection::vec(-3.0f64..3.0, 4),
        mu_0 in prop::collection::vec(-3.0f64..3.0, 4),
    ) {
        let c = path.coefficients(t);
        let cs = vec![c; 2];
        let (x, mu_0) = (rows(&x, 2), rows(&mu_0, 2));
        // Independent formulas: μ_1 = (x − β μ_0)/α, score = −μ_0/β, v = α̇ μ_1 + β̇ μ_0.
        let mu_1 = (&x - &(&mu_0 * c.beta_t)) / c.alpha_t;
        let score = &mu_0 * (-1.0 / c.beta_t);
        let v = &mu_1 * c.alpha_dot_t + &(&mu_0 * c.beta_dot_t);
        let mut out = Array2::zeros(x.dim());
        noise_to_data(&cs, x.view(), mu_0.view(), out.view_mut());
        prop_assert!(max_rel(&out, &mu_1) <= PATH_ROUND_TRIP_RELATIVE);
        noise_to_score(&cs, x.view(), mu_0.view(), out.view_mut());
        prop_assert!(max_rel(&out, &score) <= PATH_ROUND_TRIP_RELATIVE);
        noise_to_velocity(&cs, x.view(), mu_0.view(), out.view_mut());
        prop_assert!(max_rel(&out, &v) <= PATH_ROUND_TRIP_RELATIVE);
        data_to_noise(&cs, x.view(), mu_1.view(), out.view_mut());
        prop_assert!(max_rel(&out, &mu_0) <= PATH_ROUND_TRIP_RELATIVE);
        // x_t = α μ_1 + β μ_0
        let rebuilt = &mu_1 * c.alpha_t + &(&mu_0 * c.beta_t);
        prop_assert!(max_rel(&rebuilt, &x) <= PATH_ROUND_TRIP_RELATIVE);
    }

    #[test]
    fn rfm_eq_velocity_target_linear_path_forms(
        t in interior_time(),
        x in prop::collection::vec(-3.0f64..3.0, 4),
        mu_0 in prop::collection::vec(-3.0f64..3.0, 4),
    ) {
        let c = rfm::paths::LinearPath.coefficients(t);
        let cs = vec![c; 2];
        let (x, mu_0) = (rows(&x, 2), rows(&mu_0, 2));
        let mu_1 = (&x - &(&mu_0 * (1.0 - t))) / t;
        let mut v = Array2::zeros(x.dim());
        noise_to_velocity(&cs, x.view(), mu_0.view(), v.view_mut());
        // v = μ_1 − μ_0 = (μ_1 − x)/(1 − t) = (x − μ_0)/t
        prop_assert!(max_rel(&v, &(&mu_1 - &mu_0)) <= PATH_ROUND_TRIP_RELATIVE);
        prop_assert!(max_rel(&v, &((&mu_1 - &x) / (1.0 - t))) <= PATH_ROUND_TRIP_RELATIVE);
        prop_assert!(max_rel(&v, &((&x - &mu_0) / t)) <= PATH_ROUND_TRIP_RELATIVE);
    }
}
