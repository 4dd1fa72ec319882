//! Gradients of the networks through the public gradient checker (f64), with respect to the
//! input and every parameter at once; activation scalar forms against the tape primitives.

#[path = "common/seeded.rs"]
mod seeded;

mod common;

use common::tolerance::{ACTIVATION_SCALAR_VS_TAPE_F64_ABS, NN_GRADCHECK_F64};
use ndarray::Array2;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::Tape;
use rfm::autodiff::gradcheck::{GradcheckConfig, check};
use rfm::nn::{Activation, Init, Mlp, ParamMode, ParamVars, Params, ResMlp};

/// `[x, θ₁, …, θ_p]` as gradcheck inputs: the input batch, then the store's arrays in order.
fn inputs(x: Array2<f64>, params: &Params<f64>) -> Vec<Array2<f64>> {
    std::iter::once(x)
        .chain(params.values().iter().cloned())
        .collect()
}

/// Smallest |pre-activation| of the hidden layers, to keep ReLU away from its kink.
fn min_abs_hidden_preactivation(mlp: &Mlp, params: &Params<f64>, x: &Array2<f64>) -> f64 {
    let mut h = x.clone();
    let mut min = f64::INFINITY;
    for layer in &mlp.layers()[..mlp.layers().len() - 1] {
        let z = h.dot(params.get(layer.weight())) + params.get(layer.bias());
        min = z.iter().fold(min, |m, v| m.min(v.abs()));
        h = z.mapv(|v| mlp.activation().apply(v));
    }
    min
}

#[test]
fn mlp_gradcheck_input_and_all_parameters_every_activation() {
    for act in Activation::ALL {
        let mut rng = ChaCha8Rng::seed_from_u64(21);
        let mut params = Params::<f64>::new();
        let mlp = Mlp::new(
            &mut params,
            "q",
            &[4, 6, 5, 2],
            act,
            Init::TorchDefault,
            &mut rng,
        );
        let x = Array2::from_shape_simple_fn((3, 4), || rng.random_range(-2.0..2.0));
        if act == Activation::Relu {
            let gap = min_abs_hidden_preactivation(&mlp, &params, &x);
            assert!(
                gap > 1e-3,
                "ReLU kink within {gap:e} of a pre-activation: pick another seed"
            );
        }
        let report = check(
            |tape: &mut Tape<f64>, v| {
                let vars = ParamVars::from_vars(v[1..].to_vec());
                mlp.forward(tape, &vars, v[0])
            },
            &inputs(x, &params),
            &GradcheckConfig::default(),
        );
        assert!(report.passes(NN_GRADCHECK_F64), "{act:?}: {report:?}");
        assert_eq!(report.elements_checked, 3 * 4 + params.num_scalars());
    }
}

#[test]
fn resmlp_gradcheck_input_and_all_parameters() {
    for act in [Activation::Gelu, Activation::Silu, Activation::Tanh] {
        let mut rng = ChaCha8Rng::seed_from_u64(22);
        let mut params = Params::<f64>::new();
        let net = ResMlp::new(
            &mut params,
            "v",
            5,
            4,
            2,
            3,
            act,
            Init::TorchDefault,
            &mut rng,
        );
        let x = Array2::from_shape_simple_fn((3, 5), || rng.random_range(-2.0..2.0));
        let report = check(
            |tape: &mut Tape<f64>, v| {
                let vars = ParamVars::from_vars(v[1..].to_vec());
                net.forward(tape, &vars, v[0])
            },
            &inputs(x, &params),
            &GradcheckConfig::default(),
        );
        assert!(report.passes(NN_GRADCHECK_F64), "{act:?}: {report:?}");
    }
}

#[test]
fn mlp_frozen_binding_gradcheck_of_the_input_only() {
    // The ∇ₐQ configuration: parameters as constants, gradient with respect to the input.
    let mut rng = ChaCha8Rng::seed_from_u64(23);
    let mut params = Params::<f64>::new();
    let mlp = Mlp::new(
        &mut params,
        "q",
        &[6, 8, 8, 1],
        Activation::Mish,
        Init::default(),
        &mut rng,
    );
    let x = Array2::from_shape_simple_fn((5, 6), || rng.random_range(-2.0..2.0));
    let report = check(
        |tape: &mut Tape<f64>, v| {
            let vars = params.bind(tape, ParamMode::Frozen);
            mlp.forward(tape, &vars, v[0])
        },
        &[x],
        &GradcheckConfig::default(),
    );
    assert!(report.passes(NN_GRADCHECK_F64), "{report:?}");
}

proptest! {

    #![proptest_config(seeded::cases(256))]
    /// The scalar forms of the fast paths equal the tape primitives: value and derivative.
    #[test]
    fn activation_scalar_forms_equal_tape_primitives(
        z in prop::collection::vec(-10.0f64..10.0, 1..16),
    ) {
        for act in Activation::ALL {
            let n = z.len();
            let mut tape = Tape::<f64>::new();
            let zv = tape.leaf(Array2::from_shape_vec((1, n), z.clone()).unwrap());
            let h = act.on_tape(&mut tape, zv);
            let s = tape.sum(h);
            tape.backward(s);
            for (j, &zj) in z.iter().enumerate() {
                let (value, slope) = (tape.value(h)[[0, j]], tape.grad(zv).unwrap()[[0, j]]);
                prop_assert!((act.apply(zj) - value).abs() <= ACTIVATION_SCALAR_VS_TAPE_F64_ABS,
                    "{:?} value at {}", act, zj);
                prop_assert!((act.derivative(zj) - slope).abs() <= ACTIVATION_SCALAR_VS_TAPE_F64_ABS,
                    "{:?} derivative at {}", act, zj);
                if act.derivative_from_output() {
                    prop_assert!((act.derivative_at_output(value) - slope).abs() <= ACTIVATION_SCALAR_VS_TAPE_F64_ABS);
                }
            }
        }
    }
}
