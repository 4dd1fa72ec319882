//! The fused, row-blocked f32 evaluation of the velocity net (`rfm::policies::velocity_fused`)
//! against a layer-by-layer f64 evaluation of the same network, with an entrywise rounding
//! bound carried through the layers; and bit-identity across threads and batch layouts.

#[path = "common/seeded.rs"]
mod seeded;

#[allow(dead_code)]
mod common;

use common::tolerance::{FAST_TANH_F32_ABS, FUSED_NET_SECOND_ORDER, GELU_LIPSCHITZ};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, s};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::linalg::packed::MAX_BLOCK_ROWS;
use rfm::nn::fast_gelu::gelu;
use rfm::policies::velocity_fused::FusedVelocityNet;

const EPS: f64 = f32::EPSILON as f64;

/// Random network (f32 values) with weights of scale `√2/√fan_in` like the orthogonal init.
struct Net {
    w_x: Array2<f32>,
    blocks: Vec<(Array2<f32>, Array2<f32>)>,
    w_out: Array2<f32>,
    b_out: Array2<f32>,
}

fn uniform(rng: &mut ChaCha8Rng, shape: (usize, usize), scale: f32) -> Array2<f32> {
    Array2::from_shape_simple_fn(shape, || rng.random_range(-scale..scale))
}

fn net(rng: &mut ChaCha8Rng, d: usize, h: usize, nblocks: usize) -> Net {
    // Uniform(−a, a) has variance a²/3: a = √6/√fan_in gives variance 2/fan_in.
    let a = |fan_in: usize| (6.0 / fan_in as f32).sqrt();
    Net {
        w_x: uniform(rng, (d, h), a(d)),
        blocks: (0..nblocks)
            .map(|_| (uniform(rng, (h, h), a(h)), uniform(rng, (1, h), 0.1)))
            .collect(),
        w_out: uniform(rng, (h, d), a(h)),
        b_out: uniform(rng, (1, d), 0.1),
    }
}

fn fused(n: &Net) -> Option<FusedVelocityNet> {
    FusedVelocityNet::new(
        n.w_x.view(),
        n.blocks.iter().map(|(w, b)| (w.view(), b.view())),
        n.w_out.view(),
        n.b_out.view(),
    )
}

fn f64s(a: ArrayView2<'_, f32>) -> Array2<f64> {
    a.mapv(f64::from)
}

/// `y = a·W + b` in f64 with its f32 rounding bound: an entry computed in f32 from inputs with
/// errors `e_a` lies within `|W|ᵀe_a + γ_{k+1}(|a|·|W| + |b|)` of the exact value (Higham
/// Thm 3.1 for the sum, first order in ε; an FMA chain rounds once per step, which only helps).
fn affine(
    a: &Array2<f64>,
    e_a: &Array2<f64>,
    w: ArrayView2<'_, f32>,
    b: ArrayView1<'_, f32>,
) -> (Array2<f64>, Array2<f64>) {
    let (w, b) = (w.mapv(f64::from), b.mapv(f64::from));
    let (wa, ba) = (w.mapv(f64::abs), b.mapv(f64::abs));
    let gamma = (w.nrows() + 1) as f64 * EPS;
    let y = a.dot(&w) + &b;
    let mag = (a.mapv(f64::abs) + e_a).dot(&wa) + &ba;
    let e = e_a.dot(&wa) + mag * gamma;
    (y, e)
}

/// `gelu(z)` in f64 and the bound of the f32 kernel at a `z` known within `e_z`:
/// `L·e_z` (GELU is `L`-Lipschitz) plus the kernel's own error at a point — the rational tanh
/// (≤ `FAST_TANH_F32_ABS`, times `½|z|`), its argument `√(2/π)(z + 0.044715 z³)` rounded in 5
/// operations (relative 5ε, times `½|z|·tanh' ≤ ½|z|`), and the final `½ z (1 + t)` in 3.
fn gelu_bound(z: &Array2<f64>, e_z: &Array2<f64>) -> (Array2<f64>, Array2<f64>) {
    let g = z.mapv(gelu::<f64>);
    let own = z.mapv(|z| {
        let zm = z.abs();
        let inner = 0.797_884_6 * (zm + 0.044715 * zm.powi(3));
        0.5 * zm * (FAST_TANH_F32_ABS + 5.0 * EPS * inner) + 3.0 * EPS * zm
    });
    let e = e_z * GELU_LIPSCHITZ + own;
    (g, e)
}

/// The network layer by layer in f64, with the entrywise bound of the fused f32 evaluation.
fn reference(
    n: &Net,
    row_const: ArrayView2<'_, f32>,
    particles: usize,
    x: ArrayView2<'_, f32>,
) -> (Array2<f64>, Array2<f64>) {
    let rows = x.nrows();
    let c = Array2::from_shape_fn((rows, n.w_x.ncols()), |(r, j)| {
        f64::from(row_const[[r / particles, j]])
    });
    // First layer: `c + Σ_j x_j W_x[j]` as d sequential axpys (γ_{d+1}).
    let zero = Array1::<f32>::zeros(n.w_x.ncols());
    let (z, mut e) = affine(&f64s(x), &Array2::zeros(x.dim()), n.w_x.view(), zero.view());
    let z = z + &c;
    e += &(c.mapv(f64::abs) * (EPS * (x.ncols() + 1) as f64));
    let (mut h, mut e_h) = gelu_bound(&z, &e);
    for (w, b) in &n.blocks {
        let (z, e_z) = affine(&h, &e_h, w.view(), b.row(0));
        let (g, e_g) = gelu_bound(&z, &e_z);
        h += &g;
        // The residual sum rounds once.
        e_h = e_h + e_g + h.mapv(f64::abs) * EPS;
    }
    affine(&h, &e_h, n.w_out.view(), n.b_out.row(0))
}

proptest! {
    #![proptest_config(seeded::cases(24))]

    /// The fused f32 evaluation computes the network of
    /// `velocity_net.rs` (first layer from the row constants, residual GELU blocks, output),
    /// row `r` conditioned on state `r / P`, for any shape, including ragged last blocks.
    #[test]
    fn fused_velocity_net_equals_the_layerwise_network_within_f32_rounding(
        states in 1usize..9,
        particles in prop_oneof![Just(1usize), 1usize..40],
        d in 1usize..12,
        h in prop_oneof![Just(32usize), 8usize..80],
        nblocks in 0usize..3,
        seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = net(&mut rng, d, h, nblocks);
        let Some(f) = fused(&n) else { return Ok(()) };
        let row_const = uniform(&mut rng, (states, h), 1.0);
        let x = uniform(&mut rng, (states * particles, d), 2.0);
        let mut out = Array2::<f32>::zeros(x.dim());
        f.eval(row_const.view(), particles, x.view(), out.view_mut());
        let (want, bound) = reference(&n, row_const.view(), particles, x.view());
        for ((&o, &w), &e) in out.iter().zip(&want).zip(&bound) {
            let tol = FUSED_NET_SECOND_ORDER * e;
            prop_assert!(
                (f64::from(o) - w).abs() <= tol,
                "{o} vs {w} (bound {e:e}) at {states}×{particles} rows, d {d}, h {h}, {nblocks} blocks"
            );
        }
    }
}

/// Each row's output depends on its own inputs only, bit for bit: the same rows give the same
/// bits in a 2-thread pool, a 1-thread pool and when shifted to another block offset.
#[test]
fn fused_velocity_net_rows_are_bit_identical_across_threads_and_block_offsets() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let (states, particles, d, h) = (13, 17, 6, 64); // 221 rows: three blocks, ragged
    assert!(states * particles > 2 * MAX_BLOCK_ROWS);
    let n = net(&mut rng, d, h, 2);
    let Some(f) = fused(&n) else { return };
    let row_const = uniform(&mut rng, (states, h), 1.0);
    let x = uniform(&mut rng, (states * particles, d), 2.0);
    let run = |threads: usize, rc: ArrayView2<'_, f32>, x: ArrayView2<'_, f32>| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let mut out = Array2::<f32>::zeros(x.dim());
        pool.install(|| f.eval(rc, particles, x, out.view_mut()));
        out
    };
    let two = run(2, row_const.view(), x.view());
    let one = run(1, row_const.view(), x.view());
    let bits = |a: &Array2<f32>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&one), bits(&two), "1 vs 2 threads");
    // Drop the first state: every remaining row moves by `particles` rows, across blocks.
    let shifted = run(
        2,
        row_const.slice(s![1.., ..]),
        x.slice(s![particles.., ..]),
    );
    assert_eq!(
        bits(&shifted),
        bits(&two.slice(s![particles.., ..]).to_owned()),
        "rows shifted to other blocks"
    );
    assert!(two.iter().all(|v| v.is_finite()));
}
