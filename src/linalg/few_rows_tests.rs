//! Properties of the few-rows product: it equals the exact product within the forward error
//! bound of a `k`-term sum, for every `β`, and it keeps NaN.

use super::*;
use crate::linalg::gemm;
use ndarray::Array2;
use proptest::prelude::*;

/// Operands `(α, β, A (m×k), B (k×n), C (m×n))` with `m ≤ FEW_ROWS`, every entry drawn.
fn operands() -> impl Strategy<Value = (f32, f32, Array2<f32>, Array2<f32>, Array2<f32>)> {
    (1..=FEW_ROWS, 0usize..300, 1usize..150).prop_flat_map(|(m, k, n)| {
        let entries = |len| proptest::collection::vec(-4.0f32..4.0, len);
        (
            -2.0f32..2.0,
            prop_oneof![Just(0.0f32), Just(1.0f32), -2.0f32..2.0],
            entries(m * k),
            entries(k * n),
            entries(m * n),
        )
            .prop_map(move |(alpha, beta, a, b, c)| {
                (
                    alpha,
                    beta,
                    Array2::from_shape_vec((m, k), a).unwrap(),
                    Array2::from_shape_vec((k, n), b).unwrap(),
                    Array2::from_shape_vec((m, n), c).unwrap(),
                )
            })
    })
}

proptest! {
    /// Error bound: the f32 result is `α s + β c` with `s = Σ_p a_ip b_p` accumulated from zero
    /// in `p` order. The product of `p = 1` is rounded once (not at all inside an FMA) and then
    /// by each of the `k` additions, `α s` once and the final addition once; `β c` is rounded
    /// at most twice. So |ĉ − c| ≤ γ_{k+3} Σ |terms| with γ_j = j·u/(1 − j·u), u = 2⁻²⁴
    /// (Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1), plus at most 2⁻¹⁴⁹
    /// per multiplication from gradual underflow. The reference is the f64 product of the same
    /// f32 inputs (exact to 2⁻⁵³ relative, far below the bound).
    #[test]
    fn few_rows_path_equals_the_exact_product_within_the_sum_bound((alpha, beta, a, b, c) in operands()) {
        let (m, k) = a.dim();
        let n = b.ncols();
        let mut got = c.clone();
        gemm(alpha, a.view(), b.view(), beta, got.view_mut());
        let u = f64::from(f32::EPSILON) / 2.0;
        let j = k as f64 + 3.0;
        let gamma = j * u / (1.0 - j * u);
        for i in 0..m {
            for q in 0..n {
                let terms: Vec<f64> = (0..k)
                    .map(|p| f64::from(alpha) * f64::from(a[[i, p]]) * f64::from(b[[p, q]]))
                    .collect();
                let bc = if beta == 0.0 { 0.0 } else { f64::from(beta) * f64::from(c[[i, q]]) };
                let exact: f64 = terms.iter().sum::<f64>() + bc;
                let scale: f64 = terms.iter().map(|t| t.abs()).sum::<f64>() + bc.abs();
                let err = (f64::from(got[[i, q]]) - exact).abs();
                let underflow = 2.0 * (k as f64 + 1.0) * 2f64.powi(-149);
                prop_assert!(err <= gamma * scale + underflow,
                    "({i},{q}) of {m}×{k}·{k}×{n}: got {} exact {exact}, error {err} > {}", got[[i, q]], gamma * scale);
            }
        }
    }
}

#[test]
fn few_rows_path_ignores_stale_c_at_beta_zero_and_keeps_nan_from_b() {
    let a = Array2::from_shape_vec((1, 2), vec![0.0f32, 1.0]).unwrap();
    let b = Array2::from_shape_vec((2, 2), vec![f32::NAN, 1.0, 2.0, 3.0]).unwrap();
    let mut c = Array2::from_elem((1, 2), f32::NAN);
    gemm(1.0, a.view(), b.view(), 0.0, c.view_mut());
    // 0 · NaN is NaN: the zero coefficient is not skipped; the stale NaN in C is not read.
    assert!(c[[0, 0]].is_nan(), "{c:?}");
    assert_eq!(c[[0, 1]], 3.0);
}

proptest! {
    /// On an AVX2+FMA CPU the few-rows path gives matrixmultiply's result bit for bit for
    /// `k ≤ 256` (same summation order, FMA in both; beyond, matrixmultiply sums blocks of 256
    /// and the association differs): every layer of the agents' networks has `k ≤ 256`, so
    /// routing one state's forward here changes no run.
    #[test]
    fn few_rows_path_equals_matrixmultiply_bit_for_bit_on_fma_cpus((alpha, beta, a, b, c) in operands()) {
        prop_assume!(crate::linalg::narrow::has_avx2_fma());
        let (m, k) = a.dim();
        prop_assume!(k <= 256);
        let n = b.ncols();
        let mut ours = c.clone();
        few_rows_gemm(alpha, a.view(), b.view(), beta, ours.view_mut());
        let mut theirs = c.clone();
        // SAFETY: standard-layout arrays of the stated shapes; `theirs` aliases neither input.
        unsafe {
            <f32 as crate::Scalar>::gemm_raw(
                m, k, n, alpha,
                a.as_ptr(), k as isize, 1,
                b.as_ptr(), n as isize, 1,
                beta,
                theirs.as_mut_ptr(), n as isize, 1,
            );
        }
        let same = ours.iter().zip(&theirs).all(|(x, y)| x.to_bits() == y.to_bits());
        prop_assert!(same, "{m}×{k}·{k}×{n}, α {alpha}, β {beta}:\n{ours:?}\nvs\n{theirs:?}");
    }
}
