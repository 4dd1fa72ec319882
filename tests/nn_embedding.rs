//! The sinusoidal embedding (authors' code convention) against hand values.

use ndarray::{Array2, array};
use rfm::nn::{sinusoidal_embedding, sinusoidal_frequencies};

#[test]
fn sinusoidal_frequencies_are_powers_of_ten_for_width_8() {
    // half = 4: f_k = exp(−k·ln(1000)/3) = 1000^(−k/3) = 10^(−k).
    let f = sinusoidal_frequencies(8);
    for (k, want) in [1.0, 0.1, 0.01, 0.001].into_iter().enumerate() {
        assert!((f[k] - want).abs() <= 1e-15 * want, "f_{k} = {}", f[k]);
    }
}

#[test]
fn sinusoidal_frequencies_span_one_to_one_thousandth_at_width_256() {
    let f = sinusoidal_frequencies(256);
    assert_eq!(f.len(), 128);
    assert_eq!(f[0], 1.0);
    assert!((f[127] - 1e-3).abs() < 1e-17);
    assert!(f.windows(2).all(|w| w[1] < w[0]));
}

#[test]
fn sinusoidal_embedding_values_sin_then_cos() {
    let x = array![[2.0f64], [0.0], [-0.37]];
    let e = sinusoidal_embedding(x.view(), 8);
    assert_eq!(e.dim(), (3, 8));
    for (i, xi) in [2.0f64, 0.0, -0.37].into_iter().enumerate() {
        for (k, f) in [1.0, 0.1, 0.01, 0.001].into_iter().enumerate() {
            assert!(
                (e[[i, k]] - (xi * f).sin()).abs() < 1e-15,
                "sin row {i} k {k}"
            );
            assert!(
                (e[[i, 4 + k]] - (xi * f).cos()).abs() < 1e-15,
                "cos row {i} k {k}"
            );
        }
    }
    // x = 0: sines 0, cosines 1, exactly.
    assert_eq!(
        e.row(1).to_vec(),
        vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]
    );
}

#[test]
fn sinusoidal_embedding_f32_is_the_rounded_f64_value() {
    let x64 = array![[0.99f64], [0.01]];
    let x32 = x64.mapv(|v| v as f32);
    let e64 = sinusoidal_embedding(x64.view(), 128);
    let e32: Array2<f32> = sinusoidal_embedding(x32.view(), 128);
    // x is exactly representable after rounding to f32; compare with the f64 embedding of
    // that rounded input, rounded once.
    let e64r = sinusoidal_embedding(x32.mapv(f64::from).view(), 128).mapv(|v| v as f32);
    assert_eq!(e32, e64r);
    assert!(
        e32.iter()
            .zip(e64.iter())
            .all(|(a, b)| (*a as f64 - b).abs() < 1e-6)
    );
}

#[test]
#[should_panic(expected = "even")]
fn sinusoidal_embedding_rejects_odd_width() {
    let _ = sinusoidal_embedding(array![[1.0f64]].view(), 7);
}
