//! The rational f32 tanh of the sampling hot path against libm.

use rfm::policies::fast_gelu::{fast_tanh_f32, gelu};

#[test]
fn fast_tanh_is_within_a_few_ulp_of_libm() {
    // Max abs error over a fine grid of [−10, 10]; Eigen documents ~2e-7 for this fit, and
    // f32 ulp at |tanh| ≈ 1 is 6e-8, so 5e-7 allows a handful of ulp and nothing more.
    let mut worst = 0f64;
    for i in -200_000..=200_000 {
        let x = i as f32 * 5e-5;
        let err = (fast_tanh_f32(x) as f64 - (x as f64).tanh()).abs();
        worst = worst.max(err);
    }
    assert!(worst < 5e-7, "max |fast_tanh − tanh| = {worst}");
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
