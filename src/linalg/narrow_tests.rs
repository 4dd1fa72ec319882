//! Unit tests of the narrow kernels (moved with the code from `nn/skinny.rs` and
//! `autodiff/dot_gemm.rs`).

use super::*;
use crate::linalg::gemm;
use ndarray::Array2;

fn filled(rows: usize, cols: usize, seed: u64) -> Array2<f64> {
    // A deterministic, irregular fill (no RNG needed for a kernel-equivalence check).
    Array2::from_shape_fn((rows, cols), |(i, j)| {
        (((i * 131 + j * 71 + seed as usize * 17) % 97) as f64 - 48.0) / 13.0
    })
}

#[test]
fn dots_with_and_without_fma_equal_naive_dot_products() {
    for k in [1, 7, 8, 9, 23, 256, 259] {
        let a = filled(1, k, 1);
        let bt = filled(SMALL_N, k, 2);
        let rows: Vec<&[f64]> = bt
            .rows()
            .into_iter()
            .map(|r| r.to_slice().unwrap())
            .collect();
        let (mut plain, mut fused) = ([0.0; SMALL_N], [0.0; SMALL_N]);
        dots_impl::<f64, false>(a.as_slice().unwrap(), &rows, &mut plain);
        dots_impl::<f64, true>(a.as_slice().unwrap(), &rows, &mut fused);
        for o in 0..SMALL_N {
            let naive: f64 = a.row(0).iter().zip(bt.row(o)).map(|(x, y)| x * y).sum();
            let scale = a
                .row(0)
                .iter()
                .zip(bt.row(o))
                .map(|(x, y)| (x * y).abs())
                .sum::<f64>();
            assert!(
                (plain[o] - naive).abs() <= 1e-14 * scale.max(1.0),
                "k {k} o {o}"
            );
            assert!(
                (fused[o] - naive).abs() <= 1e-14 * scale.max(1.0),
                "k {k} o {o}"
            );
        }
    }
}

#[test]
fn axpy_with_and_without_fma_agree() {
    let x = filled(1, 37, 5);
    let y0 = filled(1, 37, 6);
    let (mut plain, mut fused) = (y0.clone(), y0.clone());
    axpy_impl::<f64, false>(0.75, x.as_slice().unwrap(), plain.as_slice_mut().unwrap());
    axpy_impl::<f64, true>(0.75, x.as_slice().unwrap(), fused.as_slice_mut().unwrap());
    let want = &y0 + &(0.75 * &x);
    for ((p, f), w) in plain.iter().zip(fused.iter()).zip(want.iter()) {
        assert!(
            (p - w).abs() <= 1e-14 * w.abs().max(1.0) && (f - w).abs() <= 1e-14 * w.abs().max(1.0)
        );
    }
}

/// Naive triple loop in f64 (the reference).
fn reference(a: &Array2<f64>, b: &Array2<f64>, beta: f64, c0: &Array2<f64>) -> Array2<f64> {
    let (m, k) = a.dim();
    let n = b.ncols();
    Array2::from_shape_fn((m, n), |(i, j)| {
        (0..k).map(|p| a[[i, p]] * b[[p, j]]).sum::<f64>() * 1.5 + beta * c0[[i, j]]
    })
}

#[test]
fn dot_path_equals_the_naive_product_for_transposed_and_plain_b_and_both_betas() {
    let (m, k) = (300, 130); // k not a multiple of the 8 lanes: exercises the tail
    let a = Array2::from_shape_fn((m, k), |(i, p)| ((i * 31 + p * 7) % 13) as f64 / 13.0 - 0.5);
    for n in [1, 7, 32] {
        let w = Array2::from_shape_fn((n, k), |(j, p)| ((j * 5 + p * 3) % 11) as f64 / 11.0 - 0.4);
        let b_col = Array2::from_shape_fn((k, n), |(p, j)| w[[j, p]]);
        let c0 = Array2::from_shape_fn((m, n), |(i, j)| (i + j) as f64 / 100.0);
        for beta in [0.0, 1.0] {
            let want = reference(&a, &b_col, beta, &c0);
            // f64 goes to matrixmultiply; f32 with B = Wᵀ (a column-contiguous stride view)
            // takes the dot path on AVX2+FMA machines.
            assert!(!applies(&a.view(), &w.t()));
            let (a32, w32) = (a.mapv(|v| v as f32), w.mapv(|v| v as f32));
            assert_eq!(applies(&a32.view(), &w32.t()), has_avx2_fma());
            let mut c = c0.clone();
            gemm(1.5, a.view(), w.t(), beta, c.view_mut());
            let err = (&c - &want).iter().fold(0f64, |e, v| e.max(v.abs()));
            assert!(err < 1e-12, "n = {n}, beta = {beta}: {err}");
            // f32 on the same path, relative to the O(k) magnitude of the entries.
            let mut c32 = c0.mapv(|v| v as f32);
            gemm(
                1.5f32,
                a.mapv(|v| v as f32).view(),
                w.mapv(|v| v as f32).t(),
                beta as f32,
                c32.view_mut(),
            );
            let err32 = (&c32.mapv(|v| v as f64) - &want)
                .iter()
                .fold(0f64, |e, v| e.max(v.abs()));
            assert!(err32 < 1e-4, "f32 n = {n}, beta = {beta}: {err32}");
        }
    }
}
