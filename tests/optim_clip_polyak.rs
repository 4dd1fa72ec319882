//! Global gradient-norm clipping and Polyak averaging against their formulas.

#[path = "common/seeded.rs"]
mod seeded;

mod common;

use common::tolerance::OPTIM_F64_REL;
use ndarray::{Array2, array};
use proptest::prelude::*;
use rfm::nn::Params;
use rfm::optim::{clip_grad_norm, global_grad_norm, polyak_update};

fn store(a: Array2<f64>, b: Array2<f64>) -> Params<f64> {
    let mut p = Params::new();
    p.push("a", a);
    p.push("b", b);
    p
}

#[test]
fn clip_norm_of_a_3_4_12_vector_is_13() {
    // √(3² + 4² + 12²) = √169 = 13 exactly.
    let mut g = store(array![[3.0, 4.0]], array![[12.0]]);
    assert_eq!(global_grad_norm(&g), 13.0);
    let before = clip_grad_norm(&mut g, 6.5);
    assert_eq!(before, 13.0);
    // Scaled by 6.5/13 = 0.5 exactly.
    assert_eq!(g.values()[0], array![[1.5, 2.0]]);
    assert_eq!(g.values()[1], array![[6.0]]);
}

proptest! {

    #![proptest_config(seeded::cases(256))]
    /// Above the cap the clipped norm equals the cap and the direction is kept.
    #[test]
    fn clip_above_cap_gives_norm_exactly_cap(
        a in prop::collection::vec(-100.0f64..100.0, 6),
        b in prop::collection::vec(-100.0f64..100.0, 3),
        frac in 0.01f64..0.99,
    ) {
        let g0 = store(Array2::from_shape_vec((2, 3), a).unwrap(),
                       Array2::from_shape_vec((1, 3), b).unwrap());
        let norm0 = global_grad_norm(&g0);
        prop_assume!(norm0 > 1e-6);
        let cap = frac * norm0;
        let mut g = g0.clone();
        let returned = clip_grad_norm(&mut g, cap);
        prop_assert_eq!(returned, norm0);
        let norm1 = global_grad_norm(&g);
        prop_assert!((norm1 - cap).abs() <= OPTIM_F64_REL * cap, "{} vs cap {}", norm1, cap);
        for (x, y) in g.values().iter().zip(g0.values()) {
            for (xi, yi) in x.iter().zip(y.iter()) {
                prop_assert!((xi - yi * cap / norm0).abs() <= OPTIM_F64_REL * yi.abs().max(1e-300));
            }
        }
    }

    /// Below the cap the gradients are left bit-for-bit untouched.
    #[test]
    fn clip_below_cap_leaves_gradients_untouched(
        a in prop::collection::vec(-100.0f64..100.0, 6),
        excess in 1.0001f64..10.0,
    ) {
        let g0 = store(Array2::from_shape_vec((3, 2), a).unwrap(), array![[0.25]]);
        let mut g = g0.clone();
        let cap = excess * global_grad_norm(&g0) + 1e-9;
        clip_grad_norm(&mut g, cap);
        prop_assert_eq!(g, g0);
    }

    /// `θ̄ ← τθ + (1 − τ)θ̄` elementwise.
    #[test]
    fn polyak_matches_formula(
        t in prop::collection::vec(-10.0f64..10.0, 4),
        o in prop::collection::vec(-10.0f64..10.0, 4),
        tau in 0.0f64..=1.0,
    ) {
        let mut target = store(Array2::from_shape_vec((1, 3), t[..3].to_vec()).unwrap(), array![[t[3]]]);
        let online = store(Array2::from_shape_vec((1, 3), o[..3].to_vec()).unwrap(), array![[o[3]]]);
        polyak_update(&mut target, &online, tau);
        let flat: Vec<f64> = target.values().iter().flat_map(|v| v.iter().copied()).collect();
        for k in 0..4 {
            let want = tau * o[k] + (1.0 - tau) * t[k];
            prop_assert!((flat[k] - want).abs() <= OPTIM_F64_REL * (1.0 + want.abs()));
        }
    }
}

#[test]
fn polyak_endpoints_copy_or_keep() {
    let online = store(array![[1.0, 2.0]], array![[3.0]]);
    let mut target = store(array![[-1.0, -2.0]], array![[-3.0]]);
    polyak_update(&mut target, &online, 0.0);
    assert_eq!(target.values()[0], array![[-1.0, -2.0]]);
    polyak_update(&mut target, &online, 1.0);
    assert_eq!(target, online);
}

#[test]
fn polyak_authors_tau_one_step_by_hand() {
    // τ = 0.005: 0.005·1 + 0.995·0 = 0.005;  0.005·(−2) + 0.995·4 = 3.97.
    let online = store(array![[1.0, -2.0]], array![[0.0]]);
    let mut target = store(array![[0.0, 4.0]], array![[0.0]]);
    polyak_update(&mut target, &online, 0.005);
    assert!((target.values()[0][[0, 0]] - 0.005).abs() < 1e-15);
    assert!((target.values()[0][[0, 1]] - 3.97).abs() < 1e-15);
}

#[test]
#[should_panic(expected = "tau must be in [0, 1]")]
fn polyak_rejects_tau_above_one() {
    let online = store(array![[1.0]], array![[1.0]]);
    let mut target = online.clone();
    polyak_update(&mut target, &online, 1.5);
}
