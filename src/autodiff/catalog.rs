//! The catalogue of primitives with the input domains on which their gradient is checked.
//!
//! One entry per differentiable [`Op`](super::Op) variant: how to draw valid inputs for an
//! `m×n` case (positive for `log`/`sqrt`, away from the kinks of `relu`, `minimum`, `maximum`,
//! `affine_relu`, nonzero denominators) and how to build the op on a tape, in `f64` and `f32`.
//! `rfm selfcheck` and the property tests (`tests/autodiff_gradcheck.rs`) both run from it, so
//! a new primitive is checked everywhere once it is listed here.

use ndarray::Array2;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Tape, Var};

/// A primitive, a valid-input sampler and its construction on a tape.
pub struct PrimitiveCase {
    /// The `Tape` method exercised.
    pub name: &'static str,
    /// Draws the inputs of an `m×n` case (shapes depend on the op).
    pub draw: fn(&mut ChaCha8Rng, usize, usize) -> Vec<Array2<f64>>,
    /// Builds the op in `f64`.
    pub build_f64: fn(&mut Tape<f64>, &[Var]) -> Var,
    /// Builds the op in `f32`.
    pub build_f32: fn(&mut Tape<f32>, &[Var]) -> Var,
}

/// Smallest distance kept between an input and a kink (`≫` the finite-difference step 6e-6).
pub const KINK_MARGIN: f64 = 0.1;

/// Entries uniform in `[lo, hi)`.
pub fn uniform(rng: &mut ChaCha8Rng, shape: (usize, usize), lo: f64, hi: f64) -> Array2<f64> {
    Array2::from_shape_simple_fn(shape, || rng.random_range(lo..hi))
}

fn real(rng: &mut ChaCha8Rng, shape: (usize, usize)) -> Array2<f64> {
    uniform(rng, shape, -2.0, 2.0)
}

/// `±U[KINK_MARGIN, 2)` with a random sign.
fn away_from_zero(rng: &mut ChaCha8Rng, shape: (usize, usize)) -> Array2<f64> {
    Array2::from_shape_simple_fn(shape, || {
        let s = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
        s * rng.random_range(KINK_MARGIN..2.0)
    })
}

fn positive(rng: &mut ChaCha8Rng, shape: (usize, usize)) -> Array2<f64> {
    uniform(rng, shape, 0.2, 3.0)
}

/// `(a, b)` with `|a − b| ≥ KINK_MARGIN` everywhere and either order.
fn distinct_pair(rng: &mut ChaCha8Rng, m: usize, n: usize) -> Vec<Array2<f64>> {
    let a = real(rng, (m, n));
    let gap = away_from_zero(rng, (m, n));
    let b = &a + &gap;
    vec![a, b]
}

/// `x, W, b` with every pre-activation `xW + b` at least `KINK_MARGIN` from 0: even output
/// columns all positive (ReLU passes), odd columns all negative (ReLU blocks).
fn affine_away_from_kink(rng: &mut ChaCha8Rng, m: usize, n: usize) -> Vec<Array2<f64>> {
    let (x, w) = (real(rng, (m, n)), real(rng, (n, 3)));
    let z = x.dot(&w);
    let b = Array2::from_shape_fn((1, 3), |(_, j)| {
        let col = z.column(j);
        let shift = rng.random_range(KINK_MARGIN..1.0);
        if j % 2 == 0 {
            -col.fold(f64::INFINITY, |a, &v| a.min(v)) + shift
        } else {
            -col.fold(f64::NEG_INFINITY, |a, &v| a.max(v)) - shift
        }
    });
    vec![x, w, b]
}

macro_rules! case {
    ($name:expr, $draw:expr, |$t:ident, $v:ident| $body:expr) => {
        PrimitiveCase {
            name: $name,
            draw: $draw,
            build_f64: |$t: &mut Tape<f64>, $v: &[Var]| $body,
            build_f32: |$t: &mut Tape<f32>, $v: &[Var]| $body,
        }
    };
}

/// Every differentiable primitive with a valid-input sampler.
pub fn primitive_cases() -> Vec<PrimitiveCase> {
    let one = |r: &mut ChaCha8Rng, m, n| vec![real(r, (m, n))];
    let two = |r: &mut ChaCha8Rng, m, n| vec![real(r, (m, n)), real(r, (m, n))];
    vec![
        case!(
            "matmul",
            |r, m, n| vec![real(r, (m, n)), real(r, (n, m))],
            |t, v| t.matmul(v[0], v[1])
        ),
        case!(
            "affine",
            |r, m, n| vec![real(r, (m, n)), real(r, (n, 3)), real(r, (1, 3))],
            |t, v| t.affine(v[0], v[1], v[2])
        ),
        case!("affine_relu", affine_away_from_kink, |t, v| t
            .affine_relu(v[0], v[1], v[2])),
        case!("add", two, |t, v| t.add(v[0], v[1])),
        case!("sub", two, |t, v| t.sub(v[0], v[1])),
        case!("mul", two, |t, v| t.mul(v[0], v[1])),
        case!(
            "div",
            |r, m, n| vec![real(r, (m, n)), away_from_zero(r, (m, n))],
            |t, v| t.div(v[0], v[1])
        ),
        case!(
            "add_row",
            |r, m, n| vec![real(r, (m, n)), real(r, (1, n))],
            |t, v| t.add_row(v[0], v[1])
        ),
        case!("scale", one, |t, v| t.scale(v[0], 1.75)),
        case!("add_scalar", one, |t, v| t.add_scalar(v[0], -0.25)),
        case!("neg", one, |t, v| t.neg(v[0])),
        case!("exp", one, |t, v| t.exp(v[0])),
        case!("log", |r, m, n| vec![positive(r, (m, n))], |t, v| t
            .log(v[0])),
        case!("sqrt", |r, m, n| vec![positive(r, (m, n))], |t, v| t
            .sqrt(v[0])),
        case!("square", one, |t, v| t.square(v[0])),
        case!("tanh", one, |t, v| t.tanh(v[0])),
        case!("sigmoid", one, |t, v| t.sigmoid(v[0])),
        case!("relu", |r, m, n| vec![away_from_zero(r, (m, n))], |t, v| t
            .relu(v[0])),
        case!("gelu", one, |t, v| t.gelu(v[0])),
        case!("silu", one, |t, v| t.silu(v[0])),
        case!("mish", one, |t, v| t.mish(v[0])),
        case!("softplus", one, |t, v| t.softplus(v[0])),
        case!("sum", one, |t, v| t.sum(v[0])),
        case!("mean", one, |t, v| t.mean(v[0])),
        case!("sum_rows", one, |t, v| t.sum_rows(v[0])),
        case!("sum_cols", one, |t, v| t.sum_cols(v[0])),
        case!("mean_rows", one, |t, v| t.mean_rows(v[0])),
        case!("mean_cols", one, |t, v| t.mean_cols(v[0])),
        case!(
            "concat_cols",
            |r, m, n| vec![real(r, (m, n)), real(r, (m, 1)), real(r, (m, 2))],
            |t, v| t.concat_cols(&[v[0], v[1], v[2]])
        ),
        case!("slice_cols", |r, m, n| vec![real(r, (m, n + 2))], |t, v| {
            let n = t.shape(v[0]).1;
            t.slice_cols(v[0], 1..n - 1)
        }),
        case!("reshape", one, |t, v| {
            let (m, n) = t.shape(v[0]);
            t.reshape(v[0], (n, m))
        }),
        case!("minimum", distinct_pair, |t, v| t.minimum(v[0], v[1])),
        case!("maximum", distinct_pair, |t, v| t.maximum(v[0], v[1])),
        case!(
            "logsumexp",
            |r, m, n| vec![uniform(r, (m, n), -3.0, 3.0)],
            |t, v| t.logsumexp(v[0])
        ),
        case!(
            "softmax",
            |r, m, n| vec![uniform(r, (m, n), -3.0, 3.0)],
            |t, v| t.softmax(v[0])
        ),
        case!(
            "log_sech2",
            |r, m, n| vec![uniform(r, (m, n), -3.0, 3.0)],
            |t, v| t.log_sech2(v[0])
        ),
    ]
}
