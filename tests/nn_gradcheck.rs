//! Gradients of the networks' tape backend through the public gradient checker (f64), with
//! respect to every input and every parameter at once; activation scalar forms against the
//! tape primitives.

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
use rfm::nn::block_dense::{BiasOrder, BlockDense, InputBlock, TapeInput};
use rfm::nn::critic_net::CriticNet;
use rfm::nn::gaussian_actor::GaussianActorNet;
use rfm::nn::stack::{Layer, Stack};
use rfm::nn::velocity_net::{VelocityNet, VelocityNetShape};
use rfm::nn::{Activation, Init, ParamVars, Params};

/// `[x_1, …, x_m, θ_1, …, θ_p]` as gradcheck inputs: the inputs, then the store's arrays in order.
fn inputs(xs: &[Array2<f64>], params: &Params<f64>) -> Vec<Array2<f64>> {
    xs.iter().chain(params.values()).cloned().collect()
}

fn random(rng: &mut ChaCha8Rng, shape: (usize, usize)) -> Array2<f64> {
    Array2::from_shape_simple_fn(shape, || rng.random_range(-2.0..2.0))
}

/// A stack `obs (4) → 6 → act → [dense or residual 6 → act] → 2` with TorchDefault kernels and
/// nonzero biases (so the bias paths are exercised).
fn stack(act: Activation, residual: bool, rng: &mut ChaCha8Rng) -> (Stack, Params<f64>) {
    let mut p = Params::new();
    let first = BlockDense::new(
        &mut p,
        &[(InputBlock::Obs, 4, "l0.w")],
        "l0.b",
        6,
        BiasOrder::WithFirstBlock,
        rng,
    );
    let mut dense = |p: &mut Params<f64>, name: &str, out: usize| {
        let w = p.push(format!("{name}.w"), Init::TorchDefault.weight(6, out, rng));
        let b = p.push(format!("{name}.b"), random(rng, (1, out)));
        (w, b)
    };
    let (weight, bias) = dense(&mut p, "l1", 6);
    let layer = if residual {
        Layer::Residual {
            weight,
            bias,
            activation: act,
        }
    } else {
        Layer::Dense {
            weight,
            bias,
            activation: act,
        }
    };
    let output = dense(&mut p, "l2", 2);
    p.get_mut(first.bias).assign(&random(rng, (1, 6)));
    (
        Stack {
            first,
            activation: act,
            trunk: vec![layer],
            output,
        },
        p,
    )
}

/// Smallest |pre-activation| of the hidden layers of a Dense stack, to keep ReLU off its kink.
fn min_abs_hidden_preactivation(stack: &Stack, p: &Params<f64>, x: &Array2<f64>) -> f64 {
    let z0 = x.dot(p.get(stack.first.blocks[0].weight)) + p.get(stack.first.bias);
    let h = z0.mapv(|v| stack.activation.apply(v));
    let (w, b, _) = stack.trunk[0].parts();
    let z1 = h.dot(p.get(w)) + p.get(b);
    z0.iter()
        .chain(&z1)
        .fold(f64::INFINITY, |m, v| m.min(v.abs()))
}

#[test]
fn stack_gradcheck_input_and_all_parameters_every_activation() {
    for act in Activation::ALL {
        for residual in [false, true] {
            let mut rng = ChaCha8Rng::seed_from_u64(21);
            let (net, params) = stack(act, residual, &mut rng);
            let x = random(&mut rng, (3, 4));
            if act == Activation::Relu {
                let gap = min_abs_hidden_preactivation(&net, &params, &x);
                assert!(
                    gap > 1e-3,
                    "ReLU kink within {gap:e} of a pre-activation: pick another seed"
                );
            }
            let report = check(
                |tape: &mut Tape<f64>, v| {
                    let vars = ParamVars::from_vars(v[1..].to_vec());
                    net.on_tape(tape, &vars, &[(InputBlock::Obs, TapeInput::Rows(v[0]))])
                },
                &inputs(&[x], &params),
                &GradcheckConfig::default(),
            );
            assert!(
                report.passes(NN_GRADCHECK_F64),
                "{act:?}, residual {residual}: {report:?}"
            );
            assert_eq!(report.elements_checked, 3 * 4 + params.num_scalars());
        }
    }
}

/// The three networks on the tape, with respect to every input block and every parameter.
#[test]
fn network_gradcheck_inputs_and_all_parameters() {
    let mut rng = ChaCha8Rng::seed_from_u64(22);
    let config = GradcheckConfig::default();
    // Velocity net (GELU, smooth): s, x_t, emb(t) per row, emb(λ) one broadcast row.
    let shape = VelocityNetShape {
        obs_dim: 3,
        action_dim: 2,
        hidden: 5,
        residual_blocks: 2,
        embed_dim: 4,
    };
    let mut params = Params::<f64>::new();
    let net = VelocityNet::new(shape, 0.2, &mut params, &mut rng);
    let xs = [
        random(&mut rng, (3, 3)),
        random(&mut rng, (3, 2)),
        random(&mut rng, (3, 4)),
        random(&mut rng, (1, 4)),
    ];
    let report = check(
        |tape: &mut Tape<f64>, v| {
            let vars = ParamVars::from_vars(v[4..].to_vec());
            let blocks = [
                (InputBlock::Obs, TapeInput::Rows(v[0])),
                (InputBlock::Latent, TapeInput::Rows(v[1])),
                (InputBlock::TimeEmbedding, TapeInput::Rows(v[2])),
                (InputBlock::TemperatureEmbedding, TapeInput::Row(v[3])),
            ];
            net.stack.on_tape(tape, &vars, &blocks)
        },
        &inputs(&xs, &params),
        &config,
    );
    assert!(report.passes(NN_GRADCHECK_F64), "velocity net: {report:?}");
    // Critic and actor (ReLU): inputs drawn so that no pre-activation is near a kink.
    let (critic, params) = CriticNet::new::<f64, _>(3, 2, 6, 2, &mut rng);
    let (obs, act) = (random(&mut rng, (4, 3)), random(&mut rng, (4, 2)));
    let report = check(
        |tape: &mut Tape<f64>, v| {
            let vars = ParamVars::from_vars(v[2..].to_vec());
            let blocks = [
                (InputBlock::Obs, TapeInput::Rows(v[0])),
                (InputBlock::Action, TapeInput::Rows(v[1])),
            ];
            critic.stack.on_tape(tape, &vars, &blocks)
        },
        &inputs(&[obs, act], &params),
        &config,
    );
    assert!(report.passes(NN_GRADCHECK_F64), "critic: {report:?}");
    let mut params = Params::<f64>::new();
    let actor = GaussianActorNet::new(3, 2, 6, 2, &mut params, &mut rng);
    let obs = random(&mut rng, (4, 3));
    let report = check(
        |tape: &mut Tape<f64>, v| {
            let vars = ParamVars::from_vars(v[1..].to_vec());
            actor.on_tape(tape, &vars, v[0])
        },
        &inputs(&[obs], &params),
        &config,
    );
    assert!(report.passes(NN_GRADCHECK_F64), "actor: {report:?}");
}

#[test]
fn critic_frozen_binding_gradcheck_of_the_action_only() {
    // The ∇ₐQ configuration: parameters as constants, the state part once per state, gradient
    // with respect to the actions only.
    let mut rng = ChaCha8Rng::seed_from_u64(23);
    let (critic, params) = CriticNet::new::<f64, _>(6, 3, 8, 2, &mut rng);
    let obs = random(&mut rng, (2, 6));
    let act = random(&mut rng, (6, 3));
    let report = check(
        |tape: &mut Tape<f64>, v| {
            critic.forward_tape_repeated(
                tape,
                &params,
                obs.view(),
                3,
                v[0],
                &mut Default::default(),
            )
        },
        &[act],
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
