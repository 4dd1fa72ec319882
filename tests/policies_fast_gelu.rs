//! The rational f32 tanh of the sampling hot path against libm.

#[path = "common/seeded.rs"]
mod seeded;

#[allow(dead_code)]
mod common;

use common::tolerance::FAST_TANH_F32_ABS;
use proptest::prelude::*;
use rfm::nn::fast_gelu::{add_gelu_f32, fast_tanh_f32, gelu, gelu_f32, gelu_in_place_f32};

#[test]
fn fast_tanh_is_within_a_few_ulp_of_libm() {
    // Max abs error over a fine grid of [−10, 10] (the derivation is at the constant).
    let mut worst = 0f64;
    for i in -200_000..=200_000 {
        let x = i as f32 * 5e-5;
        let err = (fast_tanh_f32(x) as f64 - (x as f64).tanh()).abs();
        worst = worst.max(err);
    }
    assert!(
        worst < FAST_TANH_F32_ABS,
        "max |fast_tanh − tanh| = {worst}"
    );
    assert_eq!(fast_tanh_f32(0.0), 0.0);
    assert_eq!(fast_tanh_f32(40.0), 1.0);
    assert_eq!(fast_tanh_f32(-40.0), -1.0);
}

#[test]
fn gelu_f32_matches_the_f64_formula() {
    for i in -1000..=1000 {
        let z = i as f64 * 0.01;
        let exact = gelu::<f64>(z);
        let fast = gelu::<f32>(z as f32) as f64;
        // Relative 1e-6 of max(|z|, 1): f32 rounding of the products plus the tanh error.
        assert!(
            (fast - exact).abs() < 1e-6 * z.abs().max(1.0),
            "z {z}: {fast} vs {exact}"
        );
    }
}

proptest! {

    #![proptest_config(seeded::cases(256))]
    /// The slice kernels (vectorised with AVX-512 / AVX2 when present) are elementwise, so they
    /// must equal the scalar `gelu::<f32>` bit for bit, at any length (vector tails included).
    #[test]
    fn slice_gelu_kernels_equal_the_scalar_gelu_bitwise(
        z in proptest::collection::vec(-20.0f32..20.0, 0..100),
        h in proptest::collection::vec(-5.0f32..5.0, 100),
    ) {
        let mut g = z.clone();
        gelu_in_place_f32(&mut g);
        for (&zi, &gi) in z.iter().zip(&g) {
            prop_assert_eq!(gi.to_bits(), gelu::<f32>(zi).to_bits(), "z = {}", zi);
            prop_assert_eq!(gelu_f32(zi).to_bits(), gi.to_bits());
        }
        let mut acc = h[..z.len()].to_vec();
        add_gelu_f32(&mut acc, &z);
        for ((&a, &hi), &zi) in acc.iter().zip(&h).zip(&z) {
            prop_assert_eq!(a.to_bits(), (hi + gelu::<f32>(zi)).to_bits());
        }
    }
}
