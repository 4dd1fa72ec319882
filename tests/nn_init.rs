//! Initialisations: orthogonality, uniform bounds, and variances within CLT tolerances.

mod common;

use common::tolerance::{INIT_SIGMAS, ORTHOGONAL_F32_ABS, ORTHOGONAL_F64_ABS};
use ndarray::Array2;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::Scalar;
use rfm::nn::{Init, ORTHOGONAL_GAIN_DEFAULT};

/// Max |G − gain²·I| where G is the Gram matrix of the smaller side (WᵀW if in ≥ out, else WWᵀ).
fn orthogonality_error<T: Scalar>(w: &Array2<T>, gain: f64) -> f64 {
    let w = w.mapv(Scalar::to_f64);
    let gram = if w.nrows() >= w.ncols() {
        w.t().dot(&w)
    } else {
        w.dot(&w.t())
    };
    let mut err: f64 = 0.0;
    for ((i, j), g) in gram.indexed_iter() {
        let want = if i == j { gain * gain } else { 0.0 };
        err = err.max((g - want).abs());
    }
    err
}

#[test]
fn init_orthogonal_gram_is_gain_squared_identity_f64() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    // Square, tall (in > out: the critic's last layer) and wide (in < out: the first layer).
    for (fan_in, fan_out) in [(256, 256), (256, 1), (256, 6), (23, 256), (5, 7)] {
        let init = Init::default();
        let w: Array2<f64> = init.weight(fan_in, fan_out, &mut rng);
        assert_eq!(w.dim(), (fan_in, fan_out));
        let err = orthogonality_error(&w, ORTHOGONAL_GAIN_DEFAULT);
        assert!(
            err < ORTHOGONAL_F64_ABS,
            "{fan_in}×{fan_out}: max |Gram − 2I| = {err:e}"
        );
        let b: Array2<f64> = init.bias(fan_in, fan_out, &mut rng);
        assert_eq!(b, Array2::<f64>::zeros((1, fan_out)));
    }
}

#[test]
fn init_orthogonal_gram_is_gain_squared_identity_f32_and_custom_gain() {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    let gain = 0.01;
    let w: Array2<f32> = Init::Orthogonal { gain: 1.0 }.weight(256, 256, &mut rng);
    assert!(orthogonality_error(&w, 1.0) < ORTHOGONAL_F32_ABS);
    let w: Array2<f64> = Init::Orthogonal { gain }.weight(64, 32, &mut rng);
    assert!(orthogonality_error(&w, gain) < ORTHOGONAL_F64_ABS);
}

#[test]
fn init_orthogonal_is_seeded_and_not_degenerate() {
    let w1: Array2<f64> = Init::default().weight(16, 16, &mut ChaCha8Rng::seed_from_u64(1));
    let w2: Array2<f64> = Init::default().weight(16, 16, &mut ChaCha8Rng::seed_from_u64(1));
    let w3: Array2<f64> = Init::default().weight(16, 16, &mut ChaCha8Rng::seed_from_u64(2));
    assert_eq!(w1, w2);
    assert_ne!(w1, w3);
    // Not a signed permutation: a Haar column spreads its mass (max entry² far below gain²).
    let max_sq = w1.iter().map(|x| x * x).fold(0.0, f64::max);
    assert!(max_sq < 0.9 * 2.0, "max entry² {max_sq}");
}

/// Sample mean and variance of `x` against `U(−bound, bound)`: mean 0 with standard error
/// `σ/√n`, σ² = bound²/3; the sample variance has standard error `√((μ₄ − σ⁴)/n)` with
/// `μ₄ = bound⁴/5`, so `√(4·bound⁴/(45·n))`. Also every entry lies in `[−bound, bound]`.
fn assert_uniform(x: &Array2<f64>, bound: f64, what: &str) {
    let n = x.len() as f64;
    assert!(
        x.iter().all(|v| v.abs() <= bound),
        "{what}: an entry exceeds ±{bound}"
    );
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    let sigma2 = bound * bound / 3.0;
    let se_mean = (sigma2 / n).sqrt();
    let se_var = (4.0 * bound.powi(4) / (45.0 * n)).sqrt();
    assert!(
        mean.abs() < INIT_SIGMAS * se_mean,
        "{what}: mean {mean:e}, se {se_mean:e}"
    );
    assert!(
        (var - sigma2).abs() < INIT_SIGMAS * se_var,
        "{what}: variance {var:e} vs {sigma2:e}, se {se_var:e}"
    );
    // The range is used: the largest |entry| is within 1% of the bound for n ≥ 1000 draws
    // (P(max < 0.99·bound) = 0.99ⁿ < 5e-5).
    let max = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(
        max > 0.99 * bound,
        "{what}: max |entry| {max} far below {bound}"
    );
}

#[test]
fn init_torch_default_is_uniform_one_over_sqrt_fan_in() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let (fan_in, fan_out) = (256, 256);
    let w: Array2<f64> = Init::TorchDefault.weight(fan_in, fan_out, &mut rng);
    assert_uniform(&w, 1.0 / 16.0, "torch weight 256×256");
    // The bias: 256 draws are too few for the range check, so draw a wide layer.
    let b: Array2<f64> = Init::TorchDefault.bias(100, 4000, &mut rng);
    assert_uniform(&b, 0.1, "torch bias fan_in 100");
}

#[test]
fn init_xavier_uniform_bound_and_variance() {
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let (fan_in, fan_out, gain) = (24, 256, 1.0);
    let w: Array2<f64> = Init::XavierUniform { gain }.weight(fan_in, fan_out, &mut rng);
    let bound = gain * (6.0f64 / (fan_in + fan_out) as f64).sqrt();
    assert_uniform(&w, bound, "xavier 24×256");
    let b: Array2<f64> = Init::XavierUniform { gain }.bias(fan_in, fan_out, &mut rng);
    assert_eq!(b, Array2::<f64>::zeros((1, fan_out)));
}

#[test]
fn init_f32_is_the_rounded_f64_draw() {
    let w64: Array2<f64> = Init::TorchDefault.weight(8, 8, &mut ChaCha8Rng::seed_from_u64(3));
    let w32: Array2<f32> = Init::TorchDefault.weight(8, 8, &mut ChaCha8Rng::seed_from_u64(3));
    assert_eq!(w32, w64.mapv(|x| x as f32));
}

#[test]
#[should_panic(expected = "fan_in > 0")]
fn init_rejects_empty_layer() {
    let _: Array2<f64> = Init::default().weight(0, 3, &mut ChaCha8Rng::seed_from_u64(0));
}
