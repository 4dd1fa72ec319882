//! The packed-weight f32 GEMM (`rfm::linalg::packed`) against matrixmultiply: random shapes with
//! edges (m, n not multiples of the tile, k = 1, m = 1), both transposes, every epilogue, every
//! kernel the CPU runs; bit-identical results across kernels and across 1 and 2 rayon threads.

#[path = "common/seeded.rs"]
mod seeded;

#[allow(dead_code)]
mod common;

use common::tolerance::PACKED_GEMM_F32_FACTOR;
use ndarray::{Array2, ArrayView2};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::Scalar;
use rfm::linalg::isa::Isa;
use rfm::linalg::packed::{Epilogue, PackedWeights, packed_gemm};

fn random(rng: &mut ChaCha8Rng, shape: (usize, usize)) -> Array2<f32> {
    Array2::from_shape_simple_fn(shape, || rng.random_range(-1.0f32..1.0))
}

/// `A·W` straight through matrixmultiply's `sgemm`.
fn reference(a: ArrayView2<'_, f32>, w: ArrayView2<'_, f32>) -> Array2<f32> {
    let ((m, k), n) = (a.dim(), w.ncols());
    let mut c = Array2::<f32>::zeros((m, n));
    let (sa, sw) = (a.strides().to_vec(), w.strides().to_vec());
    // SAFETY: shapes and strides come from valid views; `c` is a fresh array.
    unsafe {
        f32::gemm_raw(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            sa[0],
            sa[1],
            w.as_ptr(),
            sw[0],
            sw[1],
            0.0,
            c.as_mut_ptr(),
            n as isize,
            1,
        )
    };
    c
}

/// The kernels this CPU runs (the portable one always).
fn kernels() -> Vec<Isa> {
    let mut v = vec![Isa::Portable];
    match Isa::detect() {
        Some(Isa::Avx512) => v.extend([Isa::Avx2Fma, Isa::Avx512]),
        Some(isa) => v.push(isa),
        None => {}
    }
    v
}

fn check(a: ArrayView2<'_, f32>, w: ArrayView2<'_, f32>, bias: &[f32]) {
    let (m, k) = a.dim();
    let n = w.ncols();
    let packed = PackedWeights::pack(w);
    let plain = reference(a, w);
    let mut first: Option<Array2<f32>> = None;
    for isa in kernels() {
        for (e, epi) in [
            Epilogue::None,
            Epilogue::Bias(bias),
            Epilogue::BiasRelu(bias),
        ]
        .into_iter()
        .enumerate()
        {
            let mut c = Array2::from_elem((m, n), f32::NAN);
            packed_gemm(a, &packed, epi, c.view_mut(), isa);
            for i in 0..m {
                for j in 0..n {
                    let b = if e == 0 { 0.0 } else { bias[j] };
                    let mut want = plain[[i, j]] + b;
                    if e == 2 {
                        want = want.max(0.0);
                    }
                    let mag: f64 = (0..k)
                        .map(|p| f64::from((a[[i, p]] * w[[p, j]]).abs()))
                        .sum::<f64>()
                        + f64::from(b.abs());
                    let tol =
                        PACKED_GEMM_F32_FACTOR * (k + 1) as f64 * f64::from(f32::EPSILON) * mag;
                    let err = f64::from((c[[i, j]] - want).abs());
                    assert!(
                        err <= tol,
                        "{isa:?} epilogue {e} {m}×{k}×{n} at ({i},{j}): {} vs {want} (tol {tol:e})",
                        c[[i, j]]
                    );
                }
            }
            if e == 0 {
                // Every kernel runs the same fused-multiply-add chain per entry.
                match &first {
                    None => first = Some(c),
                    Some(f) => assert!(
                        f.iter()
                            .zip(c.iter())
                            .all(|(x, y)| x.to_bits() == y.to_bits()),
                        "{isa:?} differs bitwise from the portable kernel at {m}×{k}×{n}"
                    ),
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(seeded::cases(48))]

    #[test]
    fn packed_gemm_equals_matrixmultiply_for_any_shape_kernel_and_epilogue(
        m in prop_oneof![Just(1usize), 1usize..60, Just(200usize)],
        k in prop_oneof![Just(1usize), 1usize..80],
        n in prop_oneof![Just(1usize), 1usize..100],
        seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let a = random(&mut rng, (m, k));
        let w = random(&mut rng, (k, n));
        let bias = random(&mut rng, (1, n)).into_raw_vec_and_offset().0;
        check(a.view(), w.view(), &bias);
        // The backward's G·Wᵀ: a second packing of the transposed view.
        let g = random(&mut rng, (m, n));
        let bias_k = random(&mut rng, (1, k)).into_raw_vec_and_offset().0;
        check(g.view(), w.t(), &bias_k);
    }
}

#[test]
fn packed_gemm_is_bit_identical_on_one_and_two_threads() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (m, k, n) = (1000, 256, 70); // m·n·k above the parallel threshold, ragged tiles
    let a = random(&mut rng, (m, k));
    let w = random(&mut rng, (k, n));
    let bias = random(&mut rng, (1, n)).into_raw_vec_and_offset().0;
    let packed = PackedWeights::pack(w.view());
    for isa in kernels() {
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut c = Array2::<f32>::zeros((m, n));
            pool.install(|| {
                packed_gemm(
                    a.view(),
                    &packed,
                    Epilogue::BiasRelu(&bias),
                    c.view_mut(),
                    isa,
                )
            });
            c
        };
        let (one, two) = (run(1), run(2));
        assert!(
            one.iter()
                .zip(two.iter())
                .all(|(x, y)| x.to_bits() == y.to_bits()),
            "{isa:?}: 1 and 2 threads differ"
        );
    }
}

/// `rfm::linalg::gemm` sends large f32 products (`m ≥ 1024`, `k, n ≥ 64`, α = 1, β = 0) to the
/// packed kernel on AVX-512 CPUs; whichever route it takes, plain and transposed `B` must match
/// matrixmultiply within the same bound.
#[test]
fn dispatching_gemm_on_large_f32_products_equals_matrixmultiply() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let (m, k, n) = (1100, 70, 90);
    let a = random(&mut rng, (m, k));
    let w = random(&mut rng, (k, n));
    let wt = random(&mut rng, (n, k));
    for b in [w.view(), wt.t()] {
        let want = reference(a.view(), b);
        let mut c = Array2::from_elem((m, n), f32::NAN);
        rfm::linalg::gemm(1.0, a.view(), b, 0.0, c.view_mut());
        for ((i, j), &v) in c.indexed_iter() {
            let mag: f64 = (0..k)
                .map(|p| f64::from((a[[i, p]] * b[[p, j]]).abs()))
                .sum();
            let tol = PACKED_GEMM_F32_FACTOR * (k + 1) as f64 * f64::from(f32::EPSILON) * mag;
            assert!(f64::from((v - want[[i, j]]).abs()) <= tol, "({i},{j})");
        }
    }
}
