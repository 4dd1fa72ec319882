//! One network, every backend: for each network type (critic, velocity net, Gaussian actor)
//! the tape in f32 and f64, the tape-free backend in f32 and f64 and the fused f32 backend are
//! the same function of the same `Params`, values and every gradient the tape gives, within
//! the first-order rounding bound of `tolerance::NET_ROUNDING_SAFETY` (derivation there), at 1
//! and 2 threads, at exact ReLU kinks. Also: the fused rows do not depend on the block they
//! fall in (bit for bit), the twin `min(Q_1, Q_2)` follows the smaller critic and splits exact
//! ties on every backend, a residual layer is `h + act(h·W + b)`, frozen parameters get no
//! gradient, and the networks register the parameter names the checkpoints store.

#[path = "common/seeded.rs"]
mod seeded;

#[allow(dead_code)]
mod common;

use common::tolerance::{
    GELU_F32_REL, GELU_LIPSCHITZ, GELU_SECOND_DERIVATIVE_MAX, NET_ROUNDING_SAFETY,
};
use ndarray::{Array1, Array2, ArrayView2, Axis, array, s};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::Scalar;
use rfm::autodiff::Tape;
use rfm::config::settings::CriticConfig;
use rfm::critic::action_value::CriticActionValue;
use rfm::critic::twin::TwinCritic;
use rfm::estimators::ActionValue;
use rfm::linalg::packed::MAX_BLOCK_ROWS;
use rfm::nn::block_dense::{BiasOrder, BlockDense, InputBlock, TapeInput};
use rfm::nn::critic_net::CriticNet;
use rfm::nn::gaussian_actor::GaussianActorNet;
use rfm::nn::stack::{Layer, Stack, StackScratch};
use rfm::nn::stack_fused::{FusedOutputs, FusedStack};
use rfm::nn::velocity_net::{VelocityNet, VelocityNetShape};
use rfm::nn::{Activation, ParamMode, Params};

const EPS: f64 = f32::EPSILON as f64;

fn uniform(rng: &mut ChaCha8Rng, shape: (usize, usize), scale: f32) -> Array2<f32> {
    Array2::from_shape_simple_fn(shape, || rng.random_range(-scale..scale))
}

/// Every parameter redrawn (weights `U(±√(6/fan_in))`, biases `U(±0.1)`), so that biases and
/// output layers are not the init's zeros.
fn redraw(params: &mut Params<f32>, rng: &mut ChaCha8Rng) {
    for v in params.values_mut() {
        let scale = if v.nrows() == 1 {
            0.1
        } else {
            (6.0 / v.nrows() as f32).sqrt()
        };
        let fresh = uniform(rng, v.dim(), scale);
        v.assign(&fresh);
    }
}

fn to_f64(p: &Params<f32>) -> Params<f64> {
    let mut out = Params::new();
    for (name, v) in p.iter() {
        out.push(name, v.mapv(f64::from));
    }
    out
}

fn up(a: ArrayView2<'_, f32>) -> Array2<f64> {
    a.mapv(f64::from)
}

/// One input of a tape evaluation: its block, value, and whether it is one broadcast row.
type Input<T> = (InputBlock, Array2<T>, bool);

/// Output, parameter gradients and input gradients of `Σ G ⊙ stack(inputs)` on the tape.
fn tape_eval<T: Scalar>(
    stack: &Stack,
    params: &Params<T>,
    inputs: &[Input<T>],
    g: &Array2<T>,
) -> (Array2<T>, Params<T>, Vec<Array2<T>>) {
    let mut tape = Tape::new();
    let vars = params.bind(&mut tape, ParamMode::Trainable);
    let xs: Vec<_> = inputs
        .iter()
        .map(|(b, x, row)| {
            let v = tape.leaf_view(x.view());
            (
                *b,
                if *row {
                    TapeInput::Row(v)
                } else {
                    TapeInput::Rows(v)
                },
            )
        })
        .collect();
    let y = stack.on_tape(&mut tape, &vars, &xs);
    let gv = tape.constant_view(g.view());
    let prod = tape.mul(y, gv);
    let loss = tape.sum(prod);
    tape.backward(loss);
    let mut grads = params.zeros_like();
    vars.grads_into(&tape, &mut grads);
    let input_grads = xs
        .iter()
        .map(|(_, x)| {
            let v = match x {
                TapeInput::Rows(v) | TapeInput::Row(v) => *v,
            };
            tape.grad(v).expect("input leaf").to_owned()
        })
        .collect();
    (tape.value(y).to_owned(), grads, input_grads)
}

/// The magnitude network of `tolerance::NET_ROUNDING_SAFETY`: identity activations, absolute
/// parameters, each layer before an activation scaled by that activation's Lipschitz constant.
fn magnitude(stack: &Stack, params: &Params<f64>) -> (Stack, Params<f64>) {
    let lip = |a: Activation| match a {
        Activation::Relu | Activation::Identity => 1.0,
        Activation::Gelu => GELU_LIPSCHITZ,
        other => panic!("no Lipschitz constant for {other:?} here"),
    };
    let mut p = params.clone();
    for v in p.values_mut() {
        v.mapv_inplace(f64::abs);
    }
    let mut scale = |id, l: f64| p.get_mut(id).mapv_inplace(|v| v * l);
    let l0 = lip(stack.activation);
    for b in &stack.first.blocks {
        scale(b.weight, l0);
    }
    scale(stack.first.bias, l0);
    let mut s = stack.clone();
    s.activation = Activation::Identity;
    for layer in &mut s.trunk {
        let (w, b, act) = layer.parts();
        scale(w, lip(act));
        scale(b, lip(act));
        *layer = match layer {
            Layer::Dense { .. } => Layer::Dense {
                weight: w,
                bias: b,
                activation: Activation::Identity,
            },
            Layer::Residual { .. } => Layer::Residual {
                weight: w,
                bias: b,
                activation: Activation::Identity,
            },
        };
    }
    (s, p)
}

/// The pre-activations `z` of every layer (first, then each trunk layer) on the f64 tape, each
/// with the rounding sum `S` of the layers up to it.
fn pre_activations(
    stack: &Stack,
    params: &Params<f64>,
    inputs: &[Input<f64>],
) -> Vec<(Array2<f64>, f64)> {
    let mut tape = Tape::new();
    let vars = params.bind(&mut tape, ParamMode::Frozen);
    let xs: Vec<_> = inputs
        .iter()
        .map(|(b, x, row)| {
            let v = tape.constant_view(x.view());
            (
                *b,
                if *row {
                    TapeInput::Row(v)
                } else {
                    TapeInput::Rows(v)
                },
            )
        })
        .collect();
    let z0 = stack
        .first
        .on_tape(&mut tape, &vars, &xs, Activation::Identity);
    let first = &stack.first;
    let k: usize = first.blocks.iter().map(|b| b.width).sum();
    let s0 = NET_ROUNDING_SAFETY * (k + first.blocks.len() + 2) as f64 * EPS;
    let mut out = vec![(tape.value(z0).to_owned(), s0)];
    for l in 0..stack.trunk.len() {
        let mut s = stack.clone();
        s.output = (s.trunk[l].parts().0, s.trunk[l].parts().1);
        s.trunk.truncate(l);
        let z = s.on_tape(&mut tape, &vars, &xs);
        out.push((tape.value(z).to_owned(), rounding_sums(&s, params, 0.0).0));
    }
    out
}

/// The rounding sums `S` (forward) and `S'` (backward) of the derivation in tolerance.rs.
fn rounding_sums(stack: &Stack, params: &Params<f64>, m_max: f64) -> (f64, f64) {
    let act_rel = |a: Activation| {
        if a == Activation::Gelu {
            GELU_F32_REL
        } else {
            0.0
        }
    };
    let first = &stack.first;
    let k: usize = first.blocks.iter().map(|b| b.width).sum();
    let mut fwd = (k + first.blocks.len() + 2) as f64 * EPS + act_rel(stack.activation);
    let h = first.out as f64;
    let mut bwd = (h + 2.0) * EPS; // ∂x = g_0·W_xᵀ
    let mut gelu_layers = usize::from(stack.activation == Activation::Gelu);
    for layer in &stack.trunk {
        let (w, _, act) = layer.parts();
        let (k, n) = params.get(w).dim();
        fwd += (k + 2) as f64 * EPS + act_rel(act);
        bwd += (n + 2) as f64 * EPS + 8.0 * EPS;
        if matches!(layer, Layer::Residual { .. }) {
            fwd += EPS;
            bwd += EPS;
        }
        gelu_layers += usize::from(act == Activation::Gelu);
    }
    let (k, n) = params.get(stack.output.0).dim();
    fwd += (k + 2) as f64 * EPS;
    bwd += (n + 2) as f64 * EPS;
    // gelu' at a pre-activation off by ≤ S·m_max moves by ≤ 0.8·S·m_max, relative to L.
    bwd += gelu_layers as f64 * GELU_SECOND_DERIVATIVE_MAX * fwd * m_max / GELU_LIPSCHITZ;
    (NET_ROUNDING_SAFETY * fwd, NET_ROUNDING_SAFETY * bwd)
}

fn assert_within(
    what: &str,
    got: ArrayView2<'_, f64>,
    want: ArrayView2<'_, f64>,
    bound: ArrayView2<'_, f64>,
    rows: &[bool],
) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.dim(), want.dim(), "{} shape", what);
    for ((r, c), &w) in want.indexed_iter() {
        if want.nrows() == rows.len() && !rows[r] {
            continue;
        }
        let (g, b) = (got[[r, c]], bound[[r, c]]);
        prop_assert!(
            (g - w).abs() <= b,
            "{} [{}, {}]: {} vs {} (bound {:e})",
            what,
            r,
            c,
            g,
            w,
            b
        );
    }
    Ok(())
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("pool")
}

/// Rows whose f64 pre-activations lie within twice their rounding bound (the layers up to
/// them) of a ReLU kink
/// (there an f32 mask may legitimately differ); an exact zero with a zero bound is a kink
/// every backend sees alike (all give `relu'(0) = 0`). Also returns the largest pre-activation
/// magnitude, for the GELU derivative term.
fn ambiguous_rows(
    stack: &Stack,
    p64: &Params<f64>,
    inputs: &[Input<f64>],
    abs_inputs: &[Input<f64>],
) -> (Vec<bool>, f64) {
    let (ms, mp) = magnitude(stack, p64);
    let zs = pre_activations(stack, p64, inputs);
    let ms = pre_activations(&ms, &mp, abs_inputs);
    let rows = zs[0].0.nrows();
    let mut amb = vec![false; rows];
    let mut m_max = 0f64;
    for ((z, s_fwd), (m, _)) in zs.iter().zip(&ms) {
        m_max = m.iter().fold(m_max, |a, &b| a.max(b));
        for (r, a) in amb.iter_mut().enumerate() {
            *a |= z
                .row(r)
                .iter()
                .zip(m.row(r))
                .any(|(z, m)| *m > 0.0 && z.abs() <= 2.0 * s_fwd * m);
        }
    }
    (amb, m_max)
}

fn repeat_rows(a: &Array2<f32>, n: usize) -> Array2<f32> {
    Array2::from_shape_fn((a.nrows() * n, a.ncols()), |(r, j)| a[[r / n, j]])
}

fn widen(inputs: &[Input<f32>]) -> Vec<Input<f64>> {
    inputs
        .iter()
        .map(|(b, x, r)| (*b, up(x.view()), *r))
        .collect()
}

fn absolute(inputs: &[Input<f64>]) -> Vec<Input<f64>> {
    inputs
        .iter()
        .map(|(b, x, r)| (*b, x.mapv(f64::abs), *r))
        .collect()
}

/// The tape in f32 and f64 against each other (values, every parameter and input gradient)
/// with the derived bounds; returns the f64 values, input gradients, the value bound and the
/// input-gradient bounds for the other backends, and the rows kept.
struct TapeCheck {
    y: Array2<f64>,
    input_grads: Vec<Array2<f64>>,
    y_bound: Array2<f64>,
    input_bounds: Vec<Array2<f64>>,
    kept: Vec<bool>,
    g: Array2<f64>,
}

fn check_tapes(
    stack: &Stack,
    p32: &Params<f32>,
    inputs: &[Input<f32>],
    g32: &mut Array2<f32>,
    relu: bool,
) -> Result<TapeCheck, TestCaseError> {
    let p64 = to_f64(p32);
    let (i64s, abs) = (widen(inputs), absolute(&widen(inputs)));
    let rows = g32.nrows();
    let (amb, m_max) = ambiguous_rows(stack, &p64, &i64s, &abs);
    let kept: Vec<bool> = if relu {
        amb.iter().map(|a| !a).collect()
    } else {
        vec![true; rows]
    };
    // The exclusion must stay an exception, or the gradient checks would test nothing:
    // measured over the 72 cases of this file (fixed seed): 236 of 4428 rows (5.3 %), at most
    // 47 % in one case (a 3-layer, 64-wide actor, where the first-order bound is loosest).
    let excluded = kept.iter().filter(|k| !**k).count();
    prop_assert!(
        excluded * 2 <= rows,
        "{} of {} rows near a kink",
        excluded,
        rows
    );
    for (r, k) in kept.iter().enumerate() {
        if !k {
            g32.row_mut(r).fill(0.0);
        }
    }
    let g64 = up(g32.view());
    let (s_fwd, s_bwd) = rounding_sums(stack, &p64, m_max);
    let (ms, mp) = magnitude(stack, &p64);
    let (m, mgp, mgi) = tape_eval(&ms, &mp, &abs, &g64.mapv(f64::abs));
    let (y64, gp64, gi64) = tape_eval(stack, &p64, &i64s, &g64);
    let (y32, gp32, gi32) = tape_eval(stack, p32, inputs, g32);
    let y_bound = &m * s_fwd;
    let grad_factor = s_fwd + s_bwd + (rows + 1) as f64 * EPS;
    assert_within(
        "tape f32 y",
        up(y32.view()).view(),
        y64.view(),
        y_bound.view(),
        &kept,
    )?;
    for ((name, a), (b, m)) in gp32.iter().zip(gp64.values().iter().zip(mgp.values())) {
        let bound = m * grad_factor;
        assert_within(name, up(a.view()).view(), b.view(), bound.view(), &[])?;
    }
    let input_bounds: Vec<Array2<f64>> = mgi.iter().map(|m| m * grad_factor).collect();
    for (i, (a, b)) in gi32.iter().zip(&gi64).enumerate() {
        let what = format!("∂/∂{:?}", inputs[i].0);
        assert_within(
            &what,
            up(a.view()).view(),
            b.view(),
            input_bounds[i].view(),
            &kept,
        )?;
    }
    Ok(TapeCheck {
        y: y64,
        input_grads: gi64,
        y_bound,
        input_bounds,
        kept,
        g: g64,
    })
}

/// Runs `f` on a pool of 1 and of 2 threads and asserts the results are bit-identical.
fn on_threads<R: PartialEq + std::fmt::Debug + Send>(
    f: impl Fn() -> R + Sync,
) -> Result<R, TestCaseError> {
    let one = pool(1).install(&f);
    let two = pool(2).install(&f);
    prop_assert_eq!(&one, &two, "1 and 2 threads differ");
    Ok(two)
}

fn bits(a: &Array2<f32>) -> Vec<u32> {
    a.iter().map(|v| v.to_bits()).collect()
}

proptest! {
    #![proptest_config(seeded::cases(24))]

    /// Critic `Q(s, a)`: tape f32/f64, `q_values` f32/f64, the repeated-state tape and the
    /// fused backend agree on `Q` and on `∇_a Q`; the tapes on every parameter gradient.
    #[test]
    fn critic_backends_are_one_function(
        states in 2usize..6,
        n in 4usize..30,
        o in 1usize..12,
        d in 1usize..7,
        h in prop_oneof![Just(64usize), 4usize..48],
        layers in 1usize..4,
        kink in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (net, mut p32) = CriticNet::new::<f32, _>(o, d, h, layers, &mut rng);
        redraw(&mut p32, &mut rng);
        let mut obs = uniform(&mut rng, (states, o), 1.0);
        let mut act = uniform(&mut rng, (states * n, d), 1.0);
        if kink {
            // State 0 with zero actions and half the first biases zero: exact zero
            // pre-activations, the ReLU kink every backend must treat alike.
            obs.row_mut(0).fill(0.0);
            act.slice_mut(ndarray::s![..n, ..]).fill(0.0);
            let b = p32.get_mut(net.stack.first.bias);
            for j in (0..h).step_by(2) {
                b[[0, j]] = 0.0;
            }
        }
        let rows = states * n;
        let mut g = uniform(&mut rng, (rows, 1), 1.0);
        let inputs = [
            (InputBlock::Obs, repeat_rows(&obs, n), false),
            (InputBlock::Action, act.clone(), false),
        ];
        let t = check_tapes(&net.stack, &p32, &inputs, &mut g, true)?;
        let p64 = to_f64(&p32);
        let q32 = on_threads(|| {
            let mut q = ndarray::Array1::<f32>::zeros(rows);
            net.q_values(&p32, obs.view(), act.view(), n, &mut Default::default(), q.view_mut());
            q.insert_axis(Axis(1))
        })?;
        assert_within("q_values f32", up(q32.view()).view(), t.y.view(), t.y_bound.view(), &t.kept)?;
        let mut q64 = ndarray::Array1::<f64>::zeros(rows);
        net.q_values(&p64, up(obs.view()).view(), up(act.view()).view(), n, &mut Default::default(), q64.view_mut());
        assert_within("q_values f64", q64.insert_axis(Axis(1)).view(), t.y.view(), t.y_bound.view(), &t.kept)?;
        // ∇_a Q scaled by the cotangent, as the tape's ∂(Σ G Q)/∂a.
        let scaled = |grad: &Array2<f32>| Array2::from_shape_fn(grad.dim(), |(r, j)| f64::from(grad[[r, j]]) * t.g[[r, 0]]);
        let repeated = {
            let mut tape = Tape::new();
            let a = tape.leaf_view(act.view());
            let q = net.forward_tape_repeated(&mut tape, &p32, obs.view(), n, a, &mut Default::default());
            let total = tape.sum(q);
            let qv = tape.value(q).to_owned();
            tape.backward(total);
            (qv, tape.grad(a).expect("leaf").to_owned())
        };
        assert_within("repeated tape Q", up(repeated.0.view()).view(), t.y.view(), t.y_bound.view(), &t.kept)?;
        assert_within("repeated tape ∇_a Q", scaled(&repeated.1).view(), t.input_grads[1].view(), t.input_bounds[1].view(), &t.kept)?;
        let fused = on_threads(|| {
            let f = net.fused(&p32, obs.view(), FusedOutputs::ValuesAndGradients)?;
            let mut q = ndarray::Array1::<f32>::zeros(rows);
            let mut grad = Array2::<f32>::zeros((rows, d));
            f.evaluate(n, act.view(), q.view_mut(), Some(grad.view_mut()));
            let mut q_none = ndarray::Array1::<f32>::zeros(rows);
            f.evaluate(n, act.view(), q_none.view_mut(), None);
            let values = net.fused(&p32, obs.view(), FusedOutputs::Values).expect("same CPU");
            let mut q_only = ndarray::Array1::<f32>::zeros(rows);
            values.evaluate(n, act.view(), q_only.view_mut(), None);
            Some((bits(&q.clone().insert_axis(Axis(1))), q.insert_axis(Axis(1)), grad, bits(&q_only.insert_axis(Axis(1))), bits(&q_none.insert_axis(Axis(1)))))
        })?;
        if let Some((qb, q, grad, q_only, q_none)) = fused {
            prop_assert_eq!(&qb, &q_none, "Q must not depend on whether the gradient is asked for");
            prop_assert_eq!(qb, q_only, "a critic packed for values only gives the same Q");
            assert_within("fused Q", up(q.view()).view(), t.y.view(), t.y_bound.view(), &t.kept)?;
            assert_within("fused ∇_a Q", scaled(&grad).view(), t.input_grads[1].view(), t.input_bounds[1].view(), &t.kept)?;
        }
    }

    /// Velocity net: tape f32/f64, the tape-free backend f32/f64 and the fused backend agree on
    /// the output at one time for every row; the tapes on every parameter and input gradient.
    #[test]
    fn velocity_net_backends_are_one_function(
        states in 1usize..5,
        n in prop_oneof![Just(1usize), 2usize..30],
        o in 1usize..10,
        d in 1usize..6,
        h in prop_oneof![Just(64usize), 4usize..40],
        blocks in 0usize..3,
        e in prop_oneof![Just(4usize), Just(8usize), Just(16usize)],
        t in 0.0f64..1.0,
        temperature in 0.01f64..1.0,
        seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let shape = VelocityNetShape { obs_dim: o, action_dim: d, hidden: h, residual_blocks: blocks, embed_dim: e };
        let mut p32 = Params::new();
        let net = VelocityNet::new(shape, temperature, &mut p32, &mut rng);
        redraw(&mut p32, &mut rng);
        let obs = uniform(&mut rng, (states, o), 1.0);
        let x = uniform(&mut rng, (states * n, d), 2.0);
        let rows = states * n;
        let et: Array2<f32> = net.embed_scalar(t);
        let el: Array2<f32> = net.embed_scalar(temperature);
        let inputs = [
            (InputBlock::Obs, repeat_rows(&obs, n), false),
            (InputBlock::Latent, x.clone(), false),
            (InputBlock::TimeEmbedding, repeat_rows(&et, rows), false),
            (InputBlock::TemperatureEmbedding, el.clone(), true),
        ];
        let mut g = uniform(&mut rng, (rows, d), 1.0);
        let tc = check_tapes(&net.stack, &p32, &inputs, &mut g, false)?;
        // The net's own tape forward and row constants are the stack's, bit for bit.
        {
            let mut tape = Tape::new();
            let vars = p32.bind(&mut tape, ParamMode::Frozen);
            let (s, xv) = (tape.constant_view(inputs[0].1.view()), tape.constant_view(x.view()));
            let y = net.on_tape(&mut tape, &vars, s, xv, &vec![t; rows]);
            let (y_stack, _, _) = tape_eval(&net.stack, &p32, &inputs, &Array2::zeros((rows, d)));
            prop_assert_eq!(bits(&tape.value(y).to_owned()), bits(&y_stack));
        }
        let first = &net.stack.first;
        let (mut c, mut c_t, mut c_net, mut c_t_net) = Default::default();
        first.row_constants(&p32, &[(InputBlock::TemperatureEmbedding, el.view())], &[(InputBlock::Obs, obs.view())], &mut c);
        first.add_row(&p32, c.view(), InputBlock::TimeEmbedding, et.view(), &mut c_t);
        net.row_constants(&p32, obs.view(), &mut c_net);
        net.step_constants(&p32, c_net.view(), t, &mut c_t_net);
        prop_assert_eq!(bits(&c_t), bits(&c_t_net), "the net's row constants are the layer's");
        let y32 = on_threads(|| {
            let mut out = Array2::<f32>::zeros((rows, d));
            net.stack.infer(&p32, c_t.view(), n, &[(InputBlock::Latent, x.view())], &mut StackScratch::default(), out.view_mut());
            out
        })?;
        assert_within("infer f32", up(y32.view()).view(), tc.y.view(), tc.y_bound.view(), &tc.kept)?;
        let p64 = to_f64(&p32);
        let (mut c64, mut c64_t) = Default::default();
        first.row_constants(&p64, &[(InputBlock::TemperatureEmbedding, up(el.view()).view())], &[(InputBlock::Obs, up(obs.view()).view())], &mut c64);
        first.add_row(&p64, c64.view(), InputBlock::TimeEmbedding, up(et.view()).view(), &mut c64_t);
        let mut y64 = Array2::<f64>::zeros((rows, d));
        net.stack.infer(&p64, c64_t.view(), n, &[(InputBlock::Latent, up(x.view()).view())], &mut StackScratch::default(), y64.view_mut());
        assert_within("infer f64", y64.view(), tc.y.view(), tc.y_bound.view(), &tc.kept)?;
        let fused = on_threads(|| {
            let f = FusedStack::new(&net.stack, &p32, InputBlock::Latent, FusedOutputs::Values)?;
            let mut out = Array2::<f32>::zeros((rows, d));
            f.eval(c_t.view(), n, x.view(), out.view_mut(), None);
            Some(out)
        })?;
        if let Some(y) = fused {
            assert_within("fused", up(y.view()).view(), tc.y.view(), tc.y_bound.view(), &tc.kept)?;
        }
    }

    /// Gaussian actor: tape f32/f64, tape-free f32/f64 and the fused backend agree on the
    /// `2d` outputs; the tapes on every parameter and input gradient.
    #[test]
    fn gaussian_actor_backends_are_one_function(
        rows in 8usize..120,
        o in 1usize..20,
        d in 1usize..7,
        h in prop_oneof![Just(64usize), 4usize..48],
        hidden_layers in 1usize..4,
        seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut p32 = Params::new();
        let net = GaussianActorNet::new(o, d, h, hidden_layers, &mut p32, &mut rng);
        redraw(&mut p32, &mut rng);
        let obs = uniform(&mut rng, (rows, o), 1.0);
        let inputs = [(InputBlock::Obs, obs.clone(), false)];
        let mut g = uniform(&mut rng, (rows, 2 * d), 1.0);
        let tc = check_tapes(&net.stack, &p32, &inputs, &mut g, true)?;
        let y32 = on_threads(|| {
            let mut out = Array2::<f32>::zeros((rows, 2 * d));
            net.infer(&p32, obs.view(), &mut StackScratch::default(), out.view_mut());
            out
        })?;
        assert_within("infer f32", up(y32.view()).view(), tc.y.view(), tc.y_bound.view(), &tc.kept)?;
        let mut y64 = Array2::<f64>::zeros((rows, 2 * d));
        net.infer(&to_f64(&p32), up(obs.view()).view(), &mut StackScratch::default(), y64.view_mut());
        assert_within("infer f64", y64.view(), tc.y.view(), tc.y_bound.view(), &tc.kept)?;
        let fused = on_threads(|| {
            let f = FusedStack::new(&net.stack, &p32, InputBlock::Obs, FusedOutputs::Values)?;
            let mut c = Array2::zeros((0, 0));
            net.stack.first.row_constants(&p32, &[], &[], &mut c);
            let mut out = Array2::<f32>::zeros((rows, 2 * d));
            f.eval(c.view(), rows, obs.view(), out.view_mut(), None);
            Some(out)
        })?;
        if let Some(y) = fused {
            assert_within("fused", up(y.view()).view(), tc.y.view(), tc.y_bound.view(), &tc.kept)?;
        }
    }
}

/// A critic of the property's kind with every parameter redrawn, its states and actions.
fn critic_case(
    seed: u64,
    (states, n, o, d, h, layers): (usize, usize, usize, usize, usize, usize),
) -> (CriticNet, Params<f32>, Array2<f32>, Array2<f32>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (net, mut p) = CriticNet::new::<f32, _>(o, d, h, layers, &mut rng);
    redraw(&mut p, &mut rng);
    let obs = uniform(&mut rng, (states, o), 1.0);
    let act = uniform(&mut rng, (states * n, d), 1.0);
    (net, p, obs, act)
}

/// Each fused row depends on its own inputs only, bit for bit: the same rows give the same bits
/// in a 1- and a 2-thread pool and when shifted by one state to other block offsets (253 rows:
/// more than two blocks of `MAX_BLOCK_ROWS`, the last ragged), `Q` and `∇_a Q`.
#[test]
fn critic_fused_rows_are_bit_identical_across_threads_and_block_offsets() {
    let (states, n, d) = (11, 23, 5);
    assert!(states * n > 2 * MAX_BLOCK_ROWS);
    let (net, p, obs, act) = critic_case(3, (states, n, 7, d, 64, 3));
    let run = |threads: usize, obs: ArrayView2<'_, f32>, act: ArrayView2<'_, f32>| {
        let f = net.fused(&p, obs, FusedOutputs::ValuesAndGradients)?;
        let mut q = Array1::<f32>::zeros(act.nrows());
        let mut g = Array2::<f32>::zeros(act.dim());
        pool(threads).install(|| f.evaluate(n, act, q.view_mut(), Some(g.view_mut())));
        Some((bits(&q.insert_axis(Axis(1))), bits(&g)))
    };
    let Some((q2, g2)) = run(2, obs.view(), act.view()) else {
        return; // no packed-GEMM kernel on this CPU: the fused backend does not exist here
    };
    assert_eq!(
        run(1, obs.view(), act.view()),
        Some((q2.clone(), g2.clone()))
    );
    let (qs, gs) = run(2, obs.slice(s![1.., ..]), act.slice(s![n.., ..])).expect("same CPU");
    assert_eq!(qs, q2[n..], "Q of rows shifted to other blocks");
    assert_eq!(gs, g2[n * d..], "∇_a Q of rows shifted to other blocks");
}

/// As for the critic: the fused velocity net's rows across threads and block offsets (221 rows).
#[test]
fn velocity_net_fused_rows_are_bit_identical_across_threads_and_block_offsets() {
    let (states, particles, d, h) = (13, 17, 6, 64);
    assert!(states * particles > 2 * MAX_BLOCK_ROWS);
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let shape = VelocityNetShape {
        obs_dim: 5,
        action_dim: d,
        hidden: h,
        residual_blocks: 2,
        embed_dim: 8,
    };
    let mut p = Params::new();
    let net = VelocityNet::new(shape, 0.3, &mut p, &mut rng);
    redraw(&mut p, &mut rng);
    let obs = uniform(&mut rng, (states, 5), 1.0);
    let x = uniform(&mut rng, (states * particles, d), 2.0);
    let (mut c, mut c_t) = Default::default();
    net.row_constants(&p, obs.view(), &mut c);
    net.step_constants(&p, c.view(), 0.4, &mut c_t);
    let Some(f) = FusedStack::new(&net.stack, &p, InputBlock::Latent, FusedOutputs::Values) else {
        return; // no packed-GEMM kernel on this CPU
    };
    let run = |threads: usize, c: ArrayView2<'_, f32>, x: ArrayView2<'_, f32>| {
        let mut out = Array2::<f32>::zeros(x.dim());
        pool(threads).install(|| f.eval(c, particles, x, out.view_mut(), None));
        out
    };
    let two = run(2, c_t.view(), x.view());
    assert_eq!(
        bits(&run(1, c_t.view(), x.view())),
        bits(&two),
        "1 vs 2 threads"
    );
    let shifted = run(2, c_t.slice(s![1.., ..]), x.slice(s![particles.., ..]));
    assert_eq!(
        bits(&shifted),
        bits(&two.slice(s![particles.., ..]).to_owned()),
        "rows shifted to other blocks"
    );
    assert!(two.iter().all(|v| v.is_finite()));
}

/// One critic's `Q` and `∇_a Q` at `B·n` action rows on the backend the agent picks for `T`
/// (fused in f32 on a CPU with the kernels, the repeated-state tape otherwise).
fn single_critic<T: Scalar>(
    twin: &TwinCritic<T>,
    i: usize,
    obs: ArrayView2<'_, T>,
    act: ArrayView2<'_, T>,
    n: usize,
) -> (Array1<T>, Array2<T>) {
    let rows = act.nrows();
    let (mut q, mut g) = (Array1::<T>::zeros(rows), Array2::<T>::zeros(act.dim()));
    let fused = twin
        .net
        .fused(&twin.online[i], obs, FusedOutputs::ValuesAndGradients);
    if let (Some(f), Some(a), Some(q32), Some(g32)) = (
        fused,
        T::as_f32(act),
        T::as_f32_mut(q.view_mut()),
        T::as_f32_mut(g.view_mut()),
    ) {
        f.evaluate(n, a, q32, Some(g32));
        return (q, g);
    }
    let mut tape = Tape::new();
    let a = tape.leaf_view(act);
    let qv = twin.net.forward_tape_repeated(
        &mut tape,
        &twin.online[i],
        obs,
        n,
        a,
        &mut Default::default(),
    );
    let total = tape.sum(qv);
    q.assign(&tape.value(qv).column(0));
    tape.backward(total);
    g.assign(&tape.grad(a).expect("leaf"));
    (q, g)
}

/// `min(Q_1, Q_2)` and its gradient through `CriticActionValue` are exactly the smaller
/// critic's value and gradient, and at exact ties (two identical critics) exactly
/// `½ g + ½ g = g`: on the fused f32 backend and on the f64 tape.
fn twin_min_follows_the_smaller_critic<T: Scalar>() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (b, n, o, d) = (5, 41, 9, 4);
    let settings = CriticConfig {
        hidden: 48,
        layers: 2,
        lr: 3e-4,
        gamma: 0.99,
        tau: 0.005,
        max_grad_norm: 0.0,
    };
    let mut twin = TwinCritic::<T>::new(o, d, settings, &mut rng);
    let draw =
        |rng: &mut ChaCha8Rng, shape| uniform(rng, shape, 1.0).mapv(|v| T::from_f64(f64::from(v)));
    let obs = draw(&mut rng, (b, o));
    let a = draw(&mut rng, (b * n, d));
    let run = |twin: &TwinCritic<T>| {
        let mut tape = Tape::new();
        let mut value = CriticActionValue::new(twin, obs.view(), &mut tape);
        let (mut q, mut g) = (Array1::<T>::zeros(b * n), Array2::<T>::zeros((b * n, d)));
        value.evaluate(a.view(), n, q.view_mut(), g.view_mut());
        (q, g)
    };
    let (q1, g1) = single_critic(&twin, 0, obs.view(), a.view(), n);
    let (q2, g2) = single_critic(&twin, 1, obs.view(), a.view(), n);
    let (q, g) = run(&twin);
    let (mut from_1, mut from_2) = (0, 0);
    for r in 0..b * n {
        let (qs, gs) = if q1[r] <= q2[r] {
            from_1 += 1;
            (q1[r], g1.row(r))
        } else {
            from_2 += 1;
            (q2[r], g2.row(r))
        };
        assert_eq!(q[r], qs, "{} row {r}", T::NAME);
        assert_eq!(g.row(r), gs, "{} row {r}", T::NAME);
    }
    assert!(
        from_1 > 0 && from_2 > 0,
        "both critics must be the minimum somewhere"
    );
    let copy = twin.online[0].clone();
    twin.online[1].assign(&copy);
    let (q, g) = run(&twin);
    assert_eq!(q, q1);
    assert_eq!(g, g1, "{}: ½ g + ½ g must be g exactly", T::NAME);
}

#[test]
fn twin_min_follows_the_smaller_critic_and_splits_ties_exactly_f32() {
    twin_min_follows_the_smaller_critic::<f32>();
}

#[test]
fn twin_min_follows_the_smaller_critic_and_splits_ties_exactly_f64() {
    twin_min_follows_the_smaller_critic::<f64>();
}

/// A residual trunk layer is `h + act(h·W + b)`, on the tape and without it, by hand:
/// first layer the identity, `h = (1, 2)`, `h·W + b = (1 + 4 + 0.5, −1 + 1 − 3) = (5.5, −3)`,
/// ReLU → `(5.5, 0)`, plus `h` → `(6.5, 2)`, output layer the identity.
#[test]
fn residual_layer_is_h_plus_act_of_dense_h() {
    let mut p = Params::<f64>::new();
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let first = BlockDense::new(
        &mut p,
        &[(InputBlock::Obs, 2, "in.w")],
        "in.b",
        2,
        BiasOrder::WithFirstBlock,
        &mut rng,
    );
    let eye = array![[1.0, 0.0], [0.0, 1.0]];
    *p.get_mut(first.blocks[0].weight) = eye.clone();
    let weight = p.push("res.w", array![[1.0, -1.0], [2.0, 0.5]]);
    let bias = p.push("res.b", array![[0.5, -3.0]]);
    let output = (p.push("out.w", eye), p.push("out.b", Array2::zeros((1, 2))));
    let stack = Stack {
        first,
        activation: Activation::Identity,
        trunk: vec![Layer::Residual {
            weight,
            bias,
            activation: Activation::Relu,
        }],
        output,
    };
    let x = array![[1.0, 2.0]];
    let mut tape = Tape::new();
    let vars = p.bind(&mut tape, ParamMode::Frozen);
    let xv = tape.constant(x.clone());
    let y = stack.on_tape(&mut tape, &vars, &[(InputBlock::Obs, TapeInput::Rows(xv))]);
    assert_eq!(tape.value(y), array![[6.5, 2.0]]);
    let mut c = Array2::zeros((0, 0));
    stack.first.row_constants(&p, &[], &[], &mut c);
    let mut out = Array2::zeros((1, 2));
    stack.infer(
        &p,
        c.view(),
        1,
        &[(InputBlock::Obs, x.view())],
        &mut StackScratch::default(),
        out.view_mut(),
    );
    assert_eq!(out, array![[6.5, 2.0]]);
}

/// Bound as constants, no parameter gets a gradient and the input does; `grads_into` writes
/// the absent gradients as zeros (the `∇_a Q` configuration).
#[test]
fn frozen_parameters_get_no_gradient_but_the_input_does() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (net, p) = CriticNet::new::<f64, _>(5, 2, 7, 2, &mut rng);
    let mut tape = Tape::new();
    let obs = tape.constant(Array2::from_elem((6, 5), 0.3));
    let act = tape.leaf(Array2::from_elem((6, 2), -0.2));
    let (q, vars) = net.forward_tape(&mut tape, &p, false, obs, act);
    let total = tape.sum(q);
    tape.backward(total);
    assert!(vars.iter().all(|v| tape.grad(*v).is_none()));
    assert!(tape.grad(act).is_some());
    let mut grads = p.zeros_like();
    grads.values_mut()[0].fill(9.0);
    rfm::nn::ParamVars::from_vars(vars).grads_into(&tape, &mut grads);
    assert_eq!(
        grads,
        p.zeros_like(),
        "absent gradients are written as zeros"
    );
}

/// The parameter names (the checkpoints' tensor keys under each network's prefix) and their
/// order, as `tests/checkpoint_*.rs` and `rfm inspect` describe them.
#[test]
fn networks_register_the_checkpoint_names_in_order() {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let (_, critic) = CriticNet::new::<f32, _>(17, 6, 256, 2, &mut rng);
    assert_eq!(
        critic.names(),
        [
            "l0.w_obs",
            "l0.w_action",
            "l0.b",
            "l1.w",
            "l1.b",
            "l2.w",
            "l2.b"
        ]
        .map(String::from)
    );
    assert_eq!(
        critic.num_scalars(),
        23 * 256 + 256 + 256 * 256 + 256 + 256 + 1
    );
    let mut velocity = Params::<f32>::new();
    let shape = VelocityNetShape {
        obs_dim: 17,
        action_dim: 6,
        hidden: 256,
        residual_blocks: 2,
        embed_dim: 128,
    };
    VelocityNet::new(shape, 0.1, &mut velocity, &mut rng);
    assert_eq!(
        velocity.names(),
        [
            "in.w_obs",
            "in.w_x",
            "in.w_t",
            "in.w_lambda",
            "in.b",
            "res0.w",
            "res0.b",
            "res1.w",
            "res1.b",
            "out.w",
            "out.b"
        ]
        .map(String::from)
    );
    let mut actor = Params::<f32>::new();
    GaussianActorNet::new(17, 6, 256, 2, &mut actor, &mut rng);
    assert_eq!(
        actor.names(),
        ["l0.w", "l0.b", "l1.w", "l1.b", "l2.w", "l2.b"].map(String::from)
    );
    assert_eq!(
        actor.get(actor.id("l2.w").expect("output")).dim(),
        (256, 12)
    );
}
