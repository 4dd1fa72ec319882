//! Every autodiff primitive and several composites pass the gradient checker in f64, on shapes,
//! values and seeds drawn by proptest; f32 agrees with f64.

#[path = "common/seeded.rs"]
mod seeded;

mod common;

use common::tolerance::{F32_VS_F64, GRADCHECK_F64};
use ndarray::Array2;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::catalog::{primitive_cases, uniform};
use rfm::autodiff::gradcheck::{GradcheckConfig, check};
use rfm::autodiff::{Tape, Var};

/// Cases per property: each case checks every primitive (~36), so 48 cases give ~1700 checks
/// in well under a second in release.
fn config() -> ProptestConfig {
    seeded::cases(48)
}

fn mixed_err(a: f64, b: f64) -> f64 {
    (a - b).abs() / 1f64.max(a.abs()).max(b.abs())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_primitive_passes_gradcheck_in_f64(m in 1usize..7, n in 1usize..7, seed in any::<u64>()) {
        for case in primitive_cases() {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let inputs = (case.draw)(&mut rng, m, n);
            let cfg = GradcheckConfig { seed, ..GradcheckConfig::default() };
            let r = check(case.build_f64, &inputs, &cfg);
            prop_assert!(r.passes(GRADCHECK_F64), "{} at {}x{}: {:?}", case.name, m, n, r);
        }
    }

    #[test]
    fn f32_and_f64_agree_on_every_primitive(m in 1usize..7, n in 1usize..7, seed in any::<u64>()) {
        for case in primitive_cases() {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            // Round the inputs to f32 first so both precisions see the same numbers.
            let x64: Vec<Array2<f64>> = (case.draw)(&mut rng, m, n)
                .into_iter().map(|x| x.mapv(|v| v as f32 as f64)).collect();
            let x32: Vec<Array2<f32>> = x64.iter().map(|x| x.mapv(|v| v as f32)).collect();
            let mut t64 = Tape::<f64>::new();
            let v64: Vec<Var> = x64.iter().map(|x| t64.leaf(x.clone())).collect();
            let y64 = (case.build_f64)(&mut t64, &v64);
            let mut t32 = Tape::<f32>::new();
            let v32: Vec<Var> = x32.iter().map(|x| t32.leaf(x.clone())).collect();
            let y32 = (case.build_f32)(&mut t32, &v32);
            let seed64 = uniform(&mut rng, t64.shape(y64), -1.0, 1.0).mapv(|v| v as f32 as f64);
            t64.backward_with(y64, seed64.view());
            t32.backward_with(y32, seed64.mapv(|v| v as f32).view());
            for (a, b) in t64.value(y64).iter().zip(t32.value(y32).iter()) {
                prop_assert!(mixed_err(*a, *b as f64) <= F32_VS_F64, "{} value {} vs {}", case.name, a, b);
            }
            for (&u, &w) in v64.iter().zip(&v32) {
                let (g64, g32) = (t64.grad(u).unwrap(), t32.grad(w).unwrap());
                for (a, b) in g64.iter().zip(g32.iter()) {
                    prop_assert!(mixed_err(*a, *b as f64) <= F32_VS_F64, "{} grad {} vs {}", case.name, a, b);
                }
            }
        }
    }

    /// A 3-layer MLP (tanh, gelu hidden layers) with every parameter and the input as leaves.
    #[test]
    fn mlp_with_all_parameters_passes_gradcheck(m in 1usize..6, d in 1usize..5, h in 1usize..6, seed in any::<u64>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let shapes = [(m, d), (d, h), (1, h), (h, h), (1, h), (h, 2), (1, 2)];
        let inputs: Vec<Array2<f64>> = shapes.iter().map(|&s| uniform(&mut rng, s, -1.5, 1.5)).collect();
        let f = |t: &mut Tape<f64>, v: &[Var]| {
            let a = t.affine(v[0], v[1], v[2]);
            let a = t.tanh(a);
            let a = t.affine(a, v[3], v[4]);
            let a = t.gelu(a);
            let y = t.affine(a, v[5], v[6]);
            t.mean(y)
        };
        let r = check(f, &inputs, &GradcheckConfig { seed, ..GradcheckConfig::default() });
        prop_assert!(r.passes(GRADCHECK_F64), "{:?}", r);
    }

    /// Twin-critic input gradient: constant weights captured by the closure, only (obs, action)
    /// are leaves, `min(Q₁, Q₂)` with heads kept apart so no tie sits within the step.
    #[test]
    fn twin_critic_action_gradient_with_constant_weights_passes_gradcheck(m in 1usize..6, seed in any::<u64>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (ds, da, h) = (3, 2, 4);
        let w: Vec<Array2<f64>> = [(ds + da, h), (1, h), (h, 1), (1, 1), (ds + da, h), (1, h), (h, 1)]
            .iter().map(|&s| uniform(&mut rng, s, -1.0, 1.0)).collect();
        let b2 = Array2::from_elem((1, 1), 5.0); // second head offset by 5: no ties
        let inputs = vec![uniform(&mut rng, (m, ds), -1.0, 1.0), uniform(&mut rng, (m, da), -1.0, 1.0)];
        let f = |t: &mut Tape<f64>, v: &[Var]| {
            let c: Vec<Var> = w.iter().map(|a| t.constant_view(a.view())).collect();
            let b2 = t.constant_view(b2.view());
            let x = t.concat_cols(&[v[0], v[1]]);
            let h1 = t.affine(x, c[0], c[1]);
            let h1 = t.silu(h1);
            let q1 = t.affine(h1, c[2], c[3]);
            let h2 = t.affine(x, c[4], c[5]);
            let h2 = t.mish(h2);
            let q2 = t.affine(h2, c[6], b2);
            let q = t.minimum(q1, q2);
            t.sum(q)
        };
        let r = check(f, &inputs, &GradcheckConfig { seed, ..GradcheckConfig::default() });
        prop_assert!(r.passes(GRADCHECK_F64), "{:?}", r);
    }

    /// Softmax cross-entropy: `mean_i −Σ_j y_ij log softmax(xW + b)_ij` with one-hot `y`, written
    /// as `lse(z) − ⟨y, z⟩`, and also as `−⟨y, log softmax z⟩`.
    #[test]
    fn softmax_cross_entropy_passes_gradcheck(m in 1usize..6, d in 1usize..5, k in 2usize..6, seed in any::<u64>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let inputs = vec![uniform(&mut rng, (m, d), -2.0, 2.0), uniform(&mut rng, (d, k), -2.0, 2.0), uniform(&mut rng, (1, k), -1.0, 1.0)];
        let labels = Array2::from_shape_fn((m, k), |(i, j)| if (seed as usize + i) % k == j { 1.0 } else { 0.0 });
        let via_lse = |t: &mut Tape<f64>, v: &[Var]| {
            let y = t.constant_view(labels.view());
            let z = t.affine(v[0], v[1], v[2]);
            let lse = t.logsumexp(z);
            let yz = t.mul(y, z);
            let picked = t.sum_cols(yz);
            let nll = t.sub(lse, picked);
            t.mean(nll)
        };
        let via_softmax = |t: &mut Tape<f64>, v: &[Var]| {
            let y = t.constant_view(labels.view());
            let z = t.affine(v[0], v[1], v[2]);
            let p = t.softmax(z);
            let lp = t.log(p);
            let ylp = t.mul(y, lp);
            let s = t.sum(ylp);
            t.scale(s, -1.0 / m as f64)
        };
        let cfg = GradcheckConfig { seed, ..GradcheckConfig::default() };
        let (r1, r2) = (check(via_lse, &inputs, &cfg), check(via_softmax, &inputs, &cfg));
        prop_assert!(r1.passes(GRADCHECK_F64), "{:?}", r1);
        prop_assert!(r2.passes(GRADCHECK_F64), "{:?}", r2);
    }

    /// Mean squared error against a constant target, with slices and a reshape on the way.
    #[test]
    fn mse_passes_gradcheck(m in 1usize..7, n in 1usize..7, seed in any::<u64>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let target = uniform(&mut rng, (n, m), -1.0, 1.0);
        let inputs = vec![uniform(&mut rng, (m, n + 1), -2.0, 2.0)];
        let f = |t: &mut Tape<f64>, v: &[Var]| {
            let y = t.constant_view(target.view());
            let p = t.slice_cols(v[0], 1..n + 1);
            let p = t.reshape(p, (n, m));
            let e = t.sub(p, y);
            let e = t.square(e);
            t.mean(e)
        };
        let r = check(f, &inputs, &GradcheckConfig { seed, ..GradcheckConfig::default() });
        prop_assert!(r.passes(GRADCHECK_F64), "{:?}", r);
    }
}

#[test]
fn gradcheck_tolerance_matches_the_library_default() {
    assert_eq!(GRADCHECK_F64, rfm::autodiff::gradcheck::DEFAULT_TOLERANCE);
}

/// The catalogue covers every differentiable `Op` variant (a new op must be listed to be checked).
#[test]
fn catalogue_covers_every_differentiable_op() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut seen = std::collections::BTreeSet::new();
    for case in primitive_cases() {
        let mut t = Tape::<f64>::new();
        let v: Vec<Var> = (case.draw)(&mut rng, 3, 2)
            .into_iter()
            .map(|x| t.leaf(x))
            .collect();
        let y = (case.build_f64)(&mut t, &v);
        let name = format!("{:?}", t.op(y));
        seen.insert(name.split([' ', '{']).next().unwrap().to_string());
    }
    let all = [
        "MatMul",
        "Affine",
        "AffineRelu",
        "Add",
        "Sub",
        "Mul",
        "Div",
        "AddRow",
        "Scale",
        "AddScalar",
        "Neg",
        "Exp",
        "Log",
        "Sqrt",
        "Square",
        "Tanh",
        "Sigmoid",
        "Relu",
        "Gelu",
        "Silu",
        "Mish",
        "Softplus",
        "Sum",
        "Mean",
        "SumRows",
        "SumCols",
        "MeanRows",
        "MeanCols",
        "ConcatCols",
        "SliceCols",
        "Reshape",
        "Minimum",
        "Maximum",
        "LogSumExp",
        "Softmax",
        "LogSech2",
    ];
    let all: std::collections::BTreeSet<String> = all.iter().map(|s| s.to_string()).collect();
    assert_eq!(seen, all);
}
