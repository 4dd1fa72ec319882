//! Residual block and residual MLP: the block's formula, and fast inference against the tape.

mod common;

use common::tolerance::MLP_FAST_VS_TAPE_F64_REL;
use ndarray::{Array2, array};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::Tape;
use rfm::nn::{Activation, Init, ParamMode, Params, ResMlp, ResMlpWorkspace, Residual};

#[test]
fn residual_block_is_x_plus_act_of_dense_x() {
    let mut params = Params::<f64>::new();
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let block = Residual::new(
        &mut params,
        "r",
        2,
        Activation::Relu,
        Init::TorchDefault,
        &mut rng,
    );
    *params.get_mut(block.dense().weight()) = array![[1.0, -1.0], [2.0, 0.5]];
    *params.get_mut(block.dense().bias()) = array![[0.5, -3.0]];
    // x = (1, 2): x·W + b = (1 + 4 + 0.5, −1 + 1 − 3) = (5.5, −3); relu → (5.5, 0); + x → (6.5, 2).
    let mut tape = Tape::<f64>::new();
    let vars = params.bind(&mut tape, ParamMode::Frozen);
    let x = tape.constant(array![[1.0, 2.0]]);
    let y = block.forward(&mut tape, &vars, x);
    assert_eq!(tape.value(y), array![[6.5, 2.0]]);
}

#[test]
fn resmlp_infer_equals_tape_forward_for_the_velocity_net_shape() {
    // The authors' velocity net: concat(s, u, emb(t) 128, emb(λ) 128) → 256 → GELU → 2 blocks → d.
    let (obs, act_dim) = (17, 6);
    let in_dim = obs + act_dim + 256;
    let mut params = Params::<f64>::new();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let net = ResMlp::new(
        &mut params,
        "v",
        in_dim,
        256,
        2,
        act_dim,
        Activation::Gelu,
        Init::default(),
        &mut rng,
    );
    assert_eq!(net.blocks().len(), 2);
    let x = Array2::from_shape_simple_fn((300, in_dim), || rng.random_range(-1.0..1.0));
    let mut tape = Tape::<f64>::new();
    let vars = params.bind(&mut tape, ParamMode::Frozen);
    let xv = tape.constant(x.clone());
    let y = net.forward(&mut tape, &vars, xv);
    let mut ws = ResMlpWorkspace::new();
    let fast = net.infer(&params, x.view(), &mut ws).to_owned();
    let want = tape.value(y);
    let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let err = (&fast - &want).iter().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(
        err <= MLP_FAST_VS_TAPE_F64_REL * scale,
        "{err:e} vs {scale:e}"
    );
    // Steady state: a smaller batch reuses the buffers.
    let cap = ws.capacity();
    let small = net
        .infer(&params, x.slice(ndarray::s![..32, ..]), &mut ws)
        .to_owned();
    assert_eq!(ws.capacity(), cap);
    let err_small = (&small - &fast.slice(ndarray::s![..32, ..]))
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(
        err_small <= MLP_FAST_VS_TAPE_F64_REL * scale,
        "{err_small:e}"
    );
}
