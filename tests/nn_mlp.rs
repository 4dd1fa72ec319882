//! The MLP: tape forward and backward against the tape-free fast paths, in f64, for every
//! activation; f32 against f64; no allocation in steady state.

#[path = "common/seeded.rs"]
mod seeded;

mod common;

use common::tolerance::{MLP_F32_VS_F64_REL, MLP_FAST_VS_TAPE_F64_REL};
use ndarray::{Array2, ArrayView2, s};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::Tape;
use rfm::nn::{Activation, Init, Mlp, MlpWorkspace, ParamMode, Params};

fn max_abs(a: ArrayView2<f64>) -> f64 {
    a.iter().fold(0.0, |m, x| m.max(x.abs()))
}

fn assert_close(got: ArrayView2<f64>, want: ArrayView2<f64>, rel: f64, what: &str) {
    assert_eq!(got.dim(), want.dim(), "{what}: shapes");
    let scale = max_abs(want).max(1e-300);
    let err = max_abs((&got - &want).view());
    assert!(
        err <= rel * scale,
        "{what}: max error {err:e} vs scale {scale:e}"
    );
}

fn random(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, cols), || rng.random_range(-2.0..2.0))
}

/// A net with TorchDefault init (nonzero biases, so the bias paths are exercised).
fn net(sizes: &[usize], act: Activation, seed: u64) -> (Mlp, Params<f64>) {
    let mut params = Params::new();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mlp = Mlp::new(&mut params, "net", sizes, act, Init::TorchDefault, &mut rng);
    (mlp, params)
}

fn act_strategy() -> impl Strategy<Value = Activation> {
    prop::sample::select(Activation::ALL.to_vec())
}

proptest! {
    #![proptest_config(seeded::cases(48))]

    /// Fast forward = tape forward; fast input VJP = tape input gradient; fused parameter
    /// gradients = tape parameter gradients.
    #[test]
    fn mlp_fast_paths_equal_tape(
        act in act_strategy(),
        rows in 1usize..20,
        d_in in 1usize..9,
        hidden in prop::collection::vec(1usize..12, 0..3),
        d_out in 1usize..12,
        seed in any::<u64>(),
    ) {
        let mut sizes = vec![d_in];
        sizes.extend(&hidden);
        sizes.push(d_out);
        let (mlp, params) = net(&sizes, act, seed);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        let x = random(rows, d_in, &mut rng);
        let seed_out = random(rows, d_out, &mut rng);

        let mut tape = Tape::<f64>::new();
        let vars = params.bind(&mut tape, ParamMode::Trainable);
        let xv = tape.leaf(x.clone());
        let y = mlp.forward(&mut tape, &vars, xv);
        tape.backward_with(y, seed_out.view());
        let mut tape_grads = params.zeros_like();
        vars.grads_into(&tape, &mut tape_grads);

        let mut ws = MlpWorkspace::new();
        let out = mlp.forward_fast(&params, x.view(), &mut ws).to_owned();
        assert_close(out.view(), tape.value(y), MLP_FAST_VS_TAPE_F64_REL, "forward");

        let mut dx = Array2::zeros((rows, d_in));
        mlp.input_grad(&params, &mut ws, seed_out.view(), 0..d_in, dx.view_mut());
        assert_close(dx.view(), tape.grad(xv).unwrap(), MLP_FAST_VS_TAPE_F64_REL, "input grad");

        // A column subset equals the same columns of the full input gradient.
        let lo = d_in / 2;
        let mut dx_tail = Array2::zeros((rows, d_in - lo));
        mlp.input_grad(&params, &mut ws, seed_out.view(), lo..d_in, dx_tail.view_mut());
        prop_assert_eq!(dx_tail.view(), dx.slice(s![.., lo..]));

        let mut fast_grads = params.zeros_like();
        mlp.backward_fast(&params, &mut ws, x.view(), seed_out.view(), &mut fast_grads);
        for ((name, g_fast), g_tape) in fast_grads.iter().zip(tape_grads.values()) {
            assert_close(g_fast.view(), g_tape.view(), MLP_FAST_VS_TAPE_F64_REL, name);
        }
    }
}

#[test]
fn mlp_frozen_params_get_no_gradient_but_input_does() {
    let (mlp, params) = net(&[5, 7, 1], Activation::Relu, 3);
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let x = random(6, 5, &mut rng);
    let mut tape = Tape::<f64>::new();
    let vars = params.bind(&mut tape, ParamMode::Frozen);
    let xv = tape.leaf(x);
    let y = mlp.forward(&mut tape, &vars, xv);
    let s = tape.sum(y);
    tape.backward(s);
    assert!(vars.vars().iter().all(|v| tape.grad(*v).is_none()));
    assert!(tape.grad(xv).is_some());
    let mut grads = params.zeros_like();
    grads.values_mut()[0].fill(9.0);
    vars.grads_into(&tape, &mut grads);
    assert_eq!(
        grads,
        params.zeros_like(),
        "absent gradients are written as zeros"
    );
}

#[test]
fn mlp_f32_fast_paths_match_f64() {
    for act in Activation::ALL {
        let (mlp, p64) = net(&[23, 64, 64, 1], act, 9);
        let p32 = {
            let mut p = Params::<f32>::new();
            for (n, v) in p64.iter() {
                p.push(n, v.mapv(|x| x as f32));
            }
            p
        };
        let mut rng = ChaCha8Rng::seed_from_u64(10);
        let x64 = random(300, 23, &mut rng);
        let x32 = x64.mapv(|x| x as f32);
        let ones64 = Array2::ones((300, 1));
        let ones32 = Array2::<f32>::ones((300, 1));
        let (mut w64, mut w32) = (MlpWorkspace::new(), MlpWorkspace::new());
        let y64 = mlp.forward_fast(&p64, x64.view(), &mut w64).to_owned();
        let y32 = mlp.forward_fast(&p32, x32.view(), &mut w32).mapv(f64::from);
        assert_close(
            y32.view(),
            y64.view(),
            MLP_F32_VS_F64_REL,
            &format!("{act:?} forward"),
        );
        let (mut g64, mut g32) = (Array2::zeros((300, 6)), Array2::<f32>::zeros((300, 6)));
        mlp.input_grad(&p64, &mut w64, ones64.view(), 17..23, g64.view_mut());
        mlp.input_grad(&p32, &mut w32, ones32.view(), 17..23, g32.view_mut());
        assert_close(
            g32.mapv(f64::from).view(),
            g64.view(),
            MLP_F32_VS_F64_REL,
            &format!("{act:?} ∇ₐQ"),
        );
    }
}

#[test]
fn mlp_fast_paths_allocate_nothing_after_the_largest_batch() {
    let (mlp, params) = net(&[24, 32, 32, 6], Activation::Gelu, 5);
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let big = random(512, 24, &mut rng);
    let small = random(3, 24, &mut rng);
    let mut ws = MlpWorkspace::new();
    let mut dx = Array2::zeros((512, 24));
    let d = Array2::ones((512, 6));
    mlp.forward_fast(&params, big.view(), &mut ws);
    mlp.input_grad(&params, &mut ws, d.view(), 0..24, dx.view_mut());
    let cap = ws.capacity();
    for _ in 0..3 {
        mlp.forward_fast(&params, small.view(), &mut ws);
        mlp.forward_fast(&params, big.view(), &mut ws);
        mlp.input_grad(&params, &mut ws, d.view(), 0..24, dx.view_mut());
    }
    assert_eq!(ws.capacity(), cap);
    // A small batch after a large one still computes the right thing.
    let y_small = mlp.forward_fast(&params, small.view(), &mut ws).to_owned();
    let y_big = mlp.forward_fast(&params, big.view(), &mut ws).to_owned();
    let mut fresh = MlpWorkspace::new();
    assert_eq!(
        y_small,
        mlp.forward_fast(&params, small.view(), &mut fresh)
            .to_owned()
    );
    assert_eq!(y_big.nrows(), 512);
}

#[test]
#[should_panic(expected = "workspace holds a forward")]
fn mlp_input_grad_rejects_a_workspace_of_another_batch() {
    let (mlp, params) = net(&[3, 4, 1], Activation::Relu, 1);
    let mut ws = MlpWorkspace::new();
    mlp.forward_fast(&params, Array2::zeros((5, 3)).view(), &mut ws);
    let mut dx = Array2::zeros((4, 3));
    mlp.input_grad(
        &params,
        &mut ws,
        Array2::ones((4, 1)).view(),
        0..3,
        dx.view_mut(),
    );
}

#[test]
fn mlp_registers_named_layers_in_order() {
    let (mlp, params) = net(&[23, 256, 256, 1], Activation::Relu, 0);
    assert_eq!(
        params.names(),
        [
            "net.l0.w", "net.l0.b", "net.l1.w", "net.l1.b", "net.l2.w", "net.l2.b"
        ]
        .map(String::from)
    );
    assert_eq!((mlp.in_dim(), mlp.out_dim()), (23, 1));
    assert_eq!(
        params.num_scalars(),
        23 * 256 + 256 + 256 * 256 + 256 + 256 + 1
    );
}
