//! f32 GEMM throughput at the project's shapes, and the critic input gradient `∇ₐQ`.
//!
//! Throughput is reported in "elements/s" where one element is one flop (`2mnk` per GEMM), so
//! criterion's `Gelem/s` reads as GFLOP/s. matrixmultiply fixes its thread count at first use
//! from `MATMUL_NUM_THREADS` (default: physical cores), so 1 vs 2 threads are two runs:
//!
//! ```text
//! MATMUL_NUM_THREADS=1 cargo bench --bench gemm -- --warm-up-time 1 --measurement-time 3
//! MATMUL_NUM_THREADS=2 cargo bench --bench gemm -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::Tape;
use rfm::linalg::gemm;
use rfm::linalg::isa::Isa;
use rfm::linalg::packed::{Epilogue, PackedWeights, packed_gemm};

fn random(rng: &mut ChaCha8Rng, shape: (usize, usize), scale: f32) -> Array2<f32> {
    Array2::from_shape_simple_fn(shape, || rng.random_range(-scale..scale))
}

fn threads() -> String {
    std::env::var("MATMUL_NUM_THREADS").unwrap_or_else(|_| "default".into())
}

/// `C ← A·B` straight through `sgemm`, bypassing the dot-product path of `rfm::linalg::gemm`.
fn matrixmultiply_only(
    a: ndarray::ArrayView2<'_, f32>,
    b: ndarray::ArrayView2<'_, f32>,
    mut c: ndarray::ArrayViewMut2<'_, f32>,
) {
    let ((m, k), n) = (a.dim(), b.ncols());
    let (sa, sb, sc) = (
        a.strides().to_vec(),
        b.strides().to_vec(),
        c.strides().to_vec(),
    );
    // SAFETY: shapes and strides come from valid views; `c` is unique.
    unsafe {
        <f32 as rfm::Scalar>::gemm_raw(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            sa[0],
            sa[1],
            b.as_ptr(),
            sb[0],
            sb[1],
            0.0,
            c.as_mut_ptr(),
            sc[0],
            sc[1],
        )
    }
}

/// `C = A·B` with `A: m×k`, `B: k×n`, and the two transposed products of its backward:
/// `G·Bᵀ` (input gradient) and `Aᵀ·G` (weight gradient), transposes as strides.
fn gemm_shapes(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let mut group = c.benchmark_group(format!("gemm_f32/threads={}", threads()));
    group.sample_size(10);
    for (m, k, n) in [(8192, 23, 256), (8192, 256, 256), (25600, 256, 256)] {
        let a = random(&mut rng, (m, k), 1.0);
        let b = random(&mut rng, (k, n), 1.0);
        let g = random(&mut rng, (m, n), 1.0);
        let flops = 2 * (m * n * k) as u64;
        group.throughput(Throughput::Elements(flops));
        let mut out = Array2::<f32>::zeros((m, n));
        group.bench_function(format!("{m}x{k}·{k}x{n} (A·B)"), |bench| {
            bench.iter(|| gemm(1.0, a.view(), b.view(), 0.0, out.view_mut()))
        });
        let mut da = Array2::<f32>::zeros((m, k));
        group.bench_function(format!("{m}x{n}·({k}x{n})ᵀ (G·Bᵀ)"), |bench| {
            bench.iter(|| gemm(1.0, g.view(), b.t(), 0.0, da.view_mut()))
        });
        if k <= 32 {
            // The same product forced through matrixmultiply, to compare with the dot path.
            group.bench_function(
                format!("{m}x{n}·({k}x{n})ᵀ (G·Bᵀ, matrixmultiply)"),
                |bench| bench.iter(|| matrixmultiply_only(g.view(), b.t(), da.view_mut())),
            );
        }
        let mut db = Array2::<f32>::zeros((k, n));
        group.bench_function(format!("({m}x{k})ᵀ·{m}x{n} (Aᵀ·G)"), |bench| {
            bench.iter(|| gemm(1.0, a.t(), g.view(), 0.0, db.view_mut()))
        });
        black_box((&out, &da, &db));
    }
    group.finish();
}

/// `∇ₐQ` of a 23→256→256→1 ReLU critic for 8192 rows: weights are constants, the input is a
/// leaf, one forward and one reverse sweep on a reused tape (the estimator's hot path).
fn critic_input_gradient(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let (rows, d, h) = (8192, 23, 256);
    let x = random(&mut rng, (rows, d), 1.0);
    let w1 = random(&mut rng, (d, h), (1.0 / d as f32).sqrt());
    let b1 = random(&mut rng, (1, h), 0.1);
    let w2 = random(&mut rng, (h, h), (1.0 / h as f32).sqrt());
    let b2 = random(&mut rng, (1, h), 0.1);
    let w3 = random(&mut rng, (h, 1), (1.0 / h as f32).sqrt());
    let b3 = random(&mut rng, (1, 1), 0.1);
    let flops = 2 * rows as u64 * (2 * (d * h + h * h) + 2 * h) as u64;
    let mut group = c.benchmark_group(format!("critic_grad_a/threads={}", threads()));
    group.sample_size(10);
    group.throughput(Throughput::Elements(flops));
    let mut tape = Tape::<f32>::new();
    group.bench_function("23-256-256-1 relu, 8192 rows", |bench| {
        bench.iter(|| {
            tape.clear();
            let a = tape.leaf_view(x.view());
            let [w1, b1, w2, b2, w3, b3] =
                [&w1, &b1, &w2, &b2, &w3, &b3].map(|p| tape.constant_view(p.view()));
            let h1 = tape.affine_relu(a, w1, b1);
            let h2 = tape.affine_relu(h1, w2, b2);
            let q = tape.affine(h2, w3, b3);
            let s = tape.sum(q);
            tape.backward(s);
            black_box(tape.grad(a).unwrap()[[0, 0]])
        })
    });
    group.finish();
}

/// `C = A·W` with `W` packed once (`rfm::linalg::packed`) against matrixmultiply (which repacks
/// both operands every call), in the same run so that both see the same machine load. Packing
/// is outside the timed loop: it happens once per parameter update. Also `max(0, A·W + b)`,
/// fused in the packed kernel versus GEMM + one elementwise pass.
fn packed_vs_matrixmultiply(c: &mut Criterion) {
    let Some(isa) = Isa::detect() else { return };
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let mut group = c.benchmark_group(format!("packed_f32/threads={}", threads()));
    group.sample_size(10);
    for (m, k, n) in [(8192, 256, 256), (25600, 256, 256), (8192, 23, 256)] {
        let a = random(&mut rng, (m, k), 1.0);
        let w = random(&mut rng, (k, n), 1.0);
        let bias = random(&mut rng, (1, n), 1.0).into_raw_vec_and_offset().0;
        let packed = PackedWeights::pack(w.view());
        group.throughput(Throughput::Elements(2 * (m * n * k) as u64));
        let mut out = Array2::<f32>::zeros((m, n));
        group.bench_function(format!("{m}x{k}x{n}/matrixmultiply"), |bench| {
            bench.iter(|| matrixmultiply_only(a.view(), w.view(), out.view_mut()))
        });
        group.bench_function(format!("{m}x{k}x{n}/packed {isa:?}"), |bench| {
            bench.iter(|| packed_gemm(a.view(), &packed, Epilogue::None, out.view_mut(), isa))
        });
        group.bench_function(format!("{m}x{k}x{n}/matrixmultiply + bias relu"), |bench| {
            bench.iter(|| {
                matrixmultiply_only(a.view(), w.view(), out.view_mut());
                out.rows_mut().into_iter().for_each(|mut r| {
                    r.iter_mut()
                        .zip(&bias)
                        .for_each(|(v, b)| *v = (*v + b).max(0.0))
                });
            })
        });
        group.bench_function(
            format!("{m}x{k}x{n}/packed {isa:?} fused bias relu"),
            |bench| {
                bench.iter(|| {
                    packed_gemm(
                        a.view(),
                        &packed,
                        Epilogue::BiasRelu(&bias),
                        out.view_mut(),
                        isa,
                    )
                })
            },
        );
        black_box(&out);
    }
    group.finish();
}

criterion_group!(
    benches,
    gemm_shapes,
    critic_input_gradient,
    packed_vs_matrixmultiply
);
criterion_main!(benches);
