//! The multilayer perceptron `Dense → act → … → Dense` (the critics: 2 × 256 ReLU; the
//! peers' policy benchmark: 24 → 256 → 256 → 6).
//!
//! Layers hold ids into a caller-owned [`Params`] store, so twin critics can share one store (one
//! Adam, one joint gradient clip, one checkpoint), as the authors' vmapped twin Q does.
//! Tape forward here; the tape-free fast paths (inference, input gradient, fused backward) are in
//! [`super::mlp_fast`].

use super::{Activation, Init, Linear, ParamVars, Params};
use crate::Scalar;
use crate::autodiff::{Tape, Var};
use rand::Rng;

/// Layer structure of an MLP: `sizes = [in, h₁, …, out]`, the activation after every hidden
/// layer, none after the last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mlp {
    layers: Vec<Linear>,
    activation: Activation,
}

impl Mlp {
    /// Registers layers `{name}.l0`, `{name}.l1`, … (each with `.w` and `.b`) in `params`, all
    /// initialised with `init`.
    ///
    /// # Panics
    /// If `sizes` has fewer than two entries, a size is zero, or a name is taken.
    #[track_caller]
    pub fn new<T: Scalar, R: Rng + ?Sized>(
        params: &mut Params<T>,
        name: &str,
        sizes: &[usize],
        activation: Activation,
        init: Init,
        rng: &mut R,
    ) -> Self {
        assert!(
            sizes.len() >= 2,
            "an MLP needs at least input and output sizes, got {sizes:?}"
        );
        let layers = sizes
            .windows(2)
            .enumerate()
            .map(|(i, w)| Linear::new(params, &format!("{name}.l{i}"), w[0], w[1], init, rng))
            .collect();
        Self { layers, activation }
    }

    /// The dense layers, input first.
    pub fn layers(&self) -> &[Linear] {
        &self.layers
    }

    /// The hidden activation.
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// Input width.
    pub fn in_dim(&self) -> usize {
        self.layers[0].fan_in()
    }

    /// Output width.
    pub fn out_dim(&self) -> usize {
        self.layers[self.layers.len() - 1].fan_out()
    }

    /// The forward pass on the tape, with the store bound by [`Params::bind`] (as leaves for a
    /// training step, as constants for `∇ₓ` only).
    ///
    /// # Panics
    /// If `x` does not have `in_dim` columns or `vars` is stale.
    #[track_caller]
    pub fn forward<T: Scalar>(&self, tape: &mut Tape<T>, vars: &ParamVars, x: Var) -> Var {
        let last = self.layers.len() - 1;
        let mut h = x;
        for layer in &self.layers[..last] {
            h = layer.forward_act(tape, vars, h, self.activation);
        }
        self.layers[last].forward(tape, vars, h)
    }
}
