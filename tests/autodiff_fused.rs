//! Fused primitives equal their composition from other primitives (values and gradients) where
//! the composition is finite, and stay finite where the composition overflows (|x| up to 1e4).

#[path = "common/seeded.rs"]
mod seeded;

mod common;

use common::tolerance::FUSED_VS_COMPOSED_F64;
use ndarray::Array2;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::catalog::uniform;
use rfm::autodiff::{Tape, Var};

type Build = fn(&mut Tape<f64>, Var) -> Var;

/// `(name, fused, composed)`, all unary in `x: m×n`.
fn pairs() -> Vec<(&'static str, Build, Build)> {
    vec![
        (
            "logsumexp",
            |t, x| t.logsumexp(x),
            |t, x| {
                let e = t.exp(x);
                let s = t.sum_cols(e);
                t.log(s)
            },
        ),
        (
            "softmax",
            |t, x| t.softmax(x),
            |t, x| {
                let e = t.exp(x);
                let s = t.sum_cols(e);
                let ones = t.constant(Array2::ones((1, t.shape(x).1)));
                let s = t.matmul(s, ones); // column broadcast
                t.div(e, s)
            },
        ),
        (
            "log_sech2",
            |t, x| t.log_sech2(x),
            |t, x| {
                let th = t.tanh(x);
                let sq = t.square(th);
                let one_minus = t.neg(sq);
                let one_minus = t.add_scalar(one_minus, 1.0);
                t.log(one_minus)
            },
        ),
        (
            "softplus",
            |t, x| t.softplus(x),
            |t, x| {
                let e = t.exp(x);
                let e = t.add_scalar(e, 1.0);
                t.log(e)
            },
        ),
        (
            "sigmoid",
            |t, x| t.sigmoid(x),
            |t, x| {
                let e = t.neg(x);
                let e = t.exp(e);
                let d = t.add_scalar(e, 1.0);
                let ones = t.constant(Array2::ones(t.shape(x)));
                t.div(ones, d)
            },
        ),
        (
            "mish",
            |t, x| t.mish(x),
            |t, x| {
                let s = t.softplus(x);
                let s = t.tanh(s);
                t.mul(x, s)
            },
        ),
        (
            "silu",
            |t, x| t.silu(x),
            |t, x| {
                let s = t.sigmoid(x);
                t.mul(x, s)
            },
        ),
    ]
}

/// Value and gradient (seed `u`) of `build` at `x`.
fn eval(build: Build, x: &Array2<f64>, u: &Array2<f64>) -> (Array2<f64>, Array2<f64>) {
    let mut t = Tape::<f64>::new();
    let v = t.leaf(x.clone());
    let y = build(&mut t, v);
    let seed = if t.shape(y).1 == 1 {
        u.column(0).insert_axis(ndarray::Axis(1)).to_owned()
    } else {
        u.clone()
    };
    t.backward_with(y, seed.view());
    (t.value(y).to_owned(), t.grad(v).unwrap().to_owned())
}

fn mixed_err(a: f64, b: f64) -> f64 {
    (a - b).abs() / 1f64.max(a.abs()).max(b.abs())
}

proptest! {
    #![proptest_config(seeded::cases(64))]

    #[test]
    fn fused_ops_equal_their_composition_where_it_is_finite(m in 1usize..5, n in 1usize..9, seed in any::<u64>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let x = uniform(&mut rng, (m, n), -5.0, 5.0);
        let u = uniform(&mut rng, (m, n), -1.0, 1.0);
        for (name, fused, composed) in pairs() {
            let (yf, gf) = eval(fused, &x, &u);
            let (yc, gc) = eval(composed, &x, &u);
            for (a, b) in yf.iter().zip(&yc).chain(gf.iter().zip(&gc)) {
                prop_assert!(mixed_err(*a, *b) <= FUSED_VS_COMPOSED_F64, "{name}: {a} vs {b} at x = {x}");
            }
        }
    }

    #[test]
    fn fused_ops_are_finite_where_the_composition_overflows(m in 1usize..5, n in 2usize..9, seed in any::<u64>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // Magnitudes in [1e3, 1e4] with random signs: e^{|x|} overflows f64 (limit ≈ 709.8).
        let x = uniform(&mut rng, (m, n), 1.0e3, 1.0e4).mapv(|v| if (v * 1e3) as i64 % 2 == 0 { v } else { -v });
        let mut x = x;
        x[[0, 0]] = 1.0e4; // make sure the first row has a large positive entry
        let u = uniform(&mut rng, (m, n), -1.0, 1.0);
        for (name, fused, composed) in pairs() {
            let (yf, gf) = eval(fused, &x, &u);
            prop_assert!(yf.iter().chain(gf.iter()).all(|v| v.is_finite()), "{name} not finite at {x}");
            if matches!(name, "logsumexp" | "softmax" | "log_sech2" | "softplus") {
                let (yc, gc) = eval(composed, &x, &u);
                prop_assert!(!yc.iter().chain(gc.iter()).all(|v| v.is_finite()),
                    "{name}: the composed form was expected to overflow at {x}");
            }
        }
    }
}

/// At ±1e4 the fused values are the analytic limits: `lse(x) = max + ln(#ties)`,
/// `ln sech² x = 2 ln 2 − 2|x|`, `softplus(x) = max(x, 0)`, and softmax puts all mass on the max.
#[test]
fn fused_ops_reach_their_analytic_limits_at_1e4() {
    let mut t = Tape::<f64>::new();
    let x = t.leaf(ndarray::array![[1.0e4, -1.0e4, 1.0e4]]);
    let lse = t.logsumexp(x);
    let sm = t.softmax(x);
    let ls = t.log_sech2(x);
    let sp = t.softplus(x);
    assert_eq!(t.value(lse)[[0, 0]], 1.0e4 + 2f64.ln());
    assert_eq!(t.value(sm).row(0).to_vec(), vec![0.5, 0.0, 0.5]);
    let far = 2.0 * std::f64::consts::LN_2 - 2.0e4;
    assert_eq!(t.value(ls).row(0).to_vec(), vec![far, far, far]);
    assert_eq!(t.value(sp).row(0).to_vec(), vec![1.0e4, 0.0, 1.0e4]);
}
