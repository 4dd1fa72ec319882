//! Adam against a hand computation, and the bias correction.

#[path = "common/seeded.rs"]
mod seeded;

mod common;

use common::tolerance::{OPTIM_F32_REL, OPTIM_F64_REL};
use ndarray::{Array2, array};
use proptest::prelude::*;
use rfm::nn::Params;
use rfm::optim::{Adam, AdamConfig};

fn rel_err(got: f64, want: f64) -> f64 {
    (got - want).abs() / want.abs().max(1e-300)
}

/// One parameter `p` (1×1) starting at 1.0, lr = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8, gradients
/// 0.5, −1, 2; a second parameter `q` (1×1) with zero gradients throughout. By hand (exact
/// decimals, 40 digits, rounded here to 17 significant):
///
/// step 1, g = 0.5:  m = 0.1·0.5 = 0.05,  v = 0.001·0.25 = 0.00025,
///   m̂ = 0.05/(1−0.9) = 0.5,  v̂ = 0.00025/(1−0.999) = 0.25,  √v̂ = 0.5,
///   Δ = 0.1·0.5/(0.5 + 1e-8) = 0.099999998000000040,  p = 0.90000000199999996.
/// step 2, g = −1:   m = 0.9·0.05 − 0.1 = −0.055,  v = 0.999·0.00025 + 0.001 = 0.00124975,
///   m̂ = −0.055/(1−0.81) = −0.28947368421052632,  v̂ = 0.00124975/(1−0.998001) = 0.62518759379689845,
///   √v̂ = 0.79068805087524780,  Δ = 0.1·m̂/(√v̂ + 1e-8) = −0.036610352240565643,
///   p = 0.93661035424056560.
/// step 3, g = 2:    m = 0.9·(−0.055) + 0.2 = 0.1505,  v = 0.999·0.00124975 + 0.004 = 0.00524850025,
///   m̂ = 0.1505/(1−0.729) = 0.55535055350553506,  v̂ = 0.00524850025/(1−0.997002999) = 1.7512507503334166,
///   √v̂ = 1.3233483102847174,  Δ = 0.041965561522460829,  p = 0.89464479271810477.
/// `q`: m = v = 0 at every step, so Δ = 0.1·0/(0 + 1e-8) = 0 and q stays at −3.
const HAND_M: [f64; 3] = [0.05, -0.055, 0.1505];
const HAND_V: [f64; 3] = [0.00025, 0.00124975, 0.00524850025];
#[allow(clippy::excessive_precision)] // hand-derived decimals, quoted to 17 digits
const HAND_P: [f64; 3] = [
    0.900_000_001_999_999_96,
    0.936_610_354_240_565_60,
    0.894_644_792_718_104_77,
];
const GRADS: [f64; 3] = [0.5, -1.0, 2.0];

fn scalar_store<T: rfm::Scalar>(p: f64, q: f64) -> Params<T> {
    let mut params = Params::new();
    params.push("p", array![[T::from_f64(p)]]);
    params.push("q", array![[T::from_f64(q)]]);
    params
}

#[test]
fn adam_matches_hand_computation_for_three_steps_f64() {
    let mut params = scalar_store::<f64>(1.0, -3.0);
    let mut adam = Adam::new(AdamConfig::with_lr(0.1), &params);
    for (t, g) in GRADS.iter().enumerate() {
        let grads = scalar_store::<f64>(*g, 0.0);
        adam.step(&mut params, &grads);
        assert_eq!(adam.step_count(), t as u64 + 1);
        let (m, v, p) = (
            adam.first_moment().values()[0][[0, 0]],
            adam.second_moment().values()[0][[0, 0]],
            params.values()[0][[0, 0]],
        );
        assert!(
            rel_err(m, HAND_M[t]) < OPTIM_F64_REL,
            "step {}: m = {m}",
            t + 1
        );
        assert!(
            rel_err(v, HAND_V[t]) < OPTIM_F64_REL,
            "step {}: v = {v}",
            t + 1
        );
        assert!(
            rel_err(p, HAND_P[t]) < OPTIM_F64_REL,
            "step {}: p = {p}",
            t + 1
        );
        assert_eq!(
            params.values()[1][[0, 0]],
            -3.0,
            "zero gradient must not move q"
        );
    }
}

#[test]
fn adam_matches_hand_computation_for_three_steps_f32() {
    let mut params = scalar_store::<f32>(1.0, -3.0);
    let mut adam = Adam::new(AdamConfig::with_lr(0.1), &params);
    for (t, g) in GRADS.iter().enumerate() {
        adam.step(&mut params, &scalar_store::<f32>(*g, 0.0));
        let p = params.values()[0][[0, 0]] as f64;
        assert!(
            rel_err(p, HAND_P[t]) < OPTIM_F32_REL,
            "step {}: p = {p}",
            t + 1
        );
        assert_eq!(params.values()[1][[0, 0]], -3.0);
    }
}

#[test]
fn adam_defaults_are_optax_and_pytorch_defaults() {
    let c = AdamConfig::default();
    assert_eq!((c.beta1, c.beta2, c.eps), (0.9, 0.999, 1e-8));
}

proptest! {

    #![proptest_config(seeded::cases(256))]
    /// Bias correction: the first step moves every coordinate by `lr·g/(|g| + ε)`, i.e. by `lr`
    /// against the gradient's sign whatever the gradient's size (without the correction it would
    /// be `lr·0.1·g/(√0.001·|g|) ≈ 3.16·lr`).
    #[test]
    fn adam_bias_correction_first_step_is_lr_times_sign(
        g in prop::collection::vec(prop_oneof![-1e3f64..-1e-3, 1e-3f64..1e3], 1..8),
        p0 in prop::collection::vec(-5.0f64..5.0, 8),
        lr in 1e-5f64..1e-1,
    ) {
        let n = g.len();
        let mut params = Params::new();
        params.push("w", Array2::from_shape_vec((1, n), p0[..n].to_vec()).unwrap());
        let mut grads = Params::new();
        grads.push("w", Array2::from_shape_vec((1, n), g.clone()).unwrap());
        let mut adam = Adam::new(AdamConfig::with_lr(lr), &params);
        adam.step(&mut params, &grads);
        for j in 0..n {
            let want = p0[j] - lr * g[j] / (g[j].abs() + 1e-8);
            let got = params.values()[0][[0, j]];
            prop_assert!((got - want).abs() <= OPTIM_F64_REL * (want.abs() + lr), "{got} vs {want}");
        }
    }

    /// With a constant gradient the bias-corrected moments are exactly `g` and `g²` at every
    /// step, so every step moves by `lr·g/(|g| + ε)`.
    #[test]
    fn adam_bias_correction_constant_gradient_gives_constant_steps(
        g in prop_oneof![-10.0f64..-0.01, 0.01f64..10.0],
        steps in 2usize..20,
    ) {
        let lr = 0.01;
        let mut params = Params::new();
        params.push("w", array![[0.0f64]]);
        let mut grads = Params::new();
        grads.push("w", array![[g]]);
        let mut adam = Adam::new(AdamConfig::with_lr(lr), &params);
        for _ in 0..steps {
            adam.step(&mut params, &grads);
        }
        let want = -(steps as f64) * lr * g / (g.abs() + 1e-8);
        let got = params.values()[0][[0, 0]];
        prop_assert!((got - want).abs() <= 1e-12 * want.abs(), "{got} vs {want}");
    }
}

#[test]
#[should_panic(expected = "differ")]
fn adam_rejects_gradients_of_another_layout() {
    let mut params = scalar_store::<f64>(1.0, 2.0);
    let mut adam = Adam::new(AdamConfig::default(), &params);
    let mut wrong = Params::new();
    wrong.push("p", array![[1.0f64, 2.0]]);
    wrong.push("q", array![[1.0f64]]);
    adam.step(&mut params, &wrong);
}
