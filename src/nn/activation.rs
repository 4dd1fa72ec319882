//! Elementwise activations of the networks' layers ([`super::stack::Layer`]), as a closed enum.
//!
//! The scalar forms here serve the tape-free backend ([`super::stack::Stack::infer`]; ReLU and
//! GELU have their own vectorised loops there and in the fused backend); the tape path
//! dispatches to the autodiff primitives of the same name, and a test checks that the two agree. GELU is the tanh approximation (Flax's `nn.gelu` default, used by
//! the authors' velocity net).

use crate::Scalar;
use crate::autodiff::{Tape, Var};

/// A pointwise nonlinearity `h = act(z)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Activation {
    /// `max(z, 0)` (the critic and the Gaussian actor).
    #[default]
    Relu,
    /// `0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³)))` (the velocity net).
    Gelu,
    /// `z·σ(z)`.
    Silu,
    /// `z·tanh(softplus(z))`.
    Mish,
    /// `tanh(z)`.
    Tanh,
    /// `z` (no nonlinearity).
    Identity,
}

const GELU_C: f64 = 0.797_884_560_802_865_4; // √(2/π)
const GELU_A: f64 = 0.044_715;

impl Activation {
    /// All variants, for tests and CLI listings.
    pub const ALL: [Activation; 6] = [
        Activation::Relu,
        Activation::Gelu,
        Activation::Silu,
        Activation::Mish,
        Activation::Tanh,
        Activation::Identity,
    ];

    /// True when `act'(z)` is a function of `h = act(z)` alone (ReLU, tanh, identity): the fast
    /// paths then apply the activation in place and keep one buffer per layer instead of two.
    #[inline]
    pub fn derivative_from_output(self) -> bool {
        matches!(
            self,
            Activation::Relu | Activation::Tanh | Activation::Identity
        )
    }

    /// `act(z)` recorded on the tape with the autodiff primitive of the same name.
    pub fn on_tape<T: Scalar>(self, tape: &mut Tape<T>, z: Var) -> Var {
        match self {
            Activation::Relu => tape.relu(z),
            Activation::Gelu => tape.gelu(z),
            Activation::Silu => tape.silu(z),
            Activation::Mish => tape.mish(z),
            Activation::Tanh => tape.tanh(z),
            Activation::Identity => z,
        }
    }

    /// `act(z)`.
    #[inline]
    pub fn apply<T: Scalar>(self, z: T) -> T {
        let one = T::one();
        match self {
            Activation::Relu => {
                if z > T::zero() {
                    z
                } else {
                    T::zero()
                }
            }
            Activation::Gelu => {
                let u = T::from_f64(GELU_C) * (z + T::from_f64(GELU_A) * z * z * z);
                T::from_f64(0.5) * z * (one + u.tanh())
            }
            Activation::Silu => z * sigmoid(z),
            Activation::Mish => z * softplus(z).tanh(),
            Activation::Tanh => z.tanh(),
            Activation::Identity => z,
        }
    }

    /// `act'(z)` from the pre-activation `z`.
    #[inline]
    pub fn derivative<T: Scalar>(self, z: T) -> T {
        let one = T::one();
        match self {
            Activation::Relu => {
                if z > T::zero() {
                    one
                } else {
                    T::zero()
                }
            }
            Activation::Gelu => {
                let c = T::from_f64(GELU_C);
                let a = T::from_f64(GELU_A);
                let th = (c * (z + a * z * z * z)).tanh();
                let half = T::from_f64(0.5);
                half * (one + th)
                    + half * z * (one - th * th) * c * (one + T::from_f64(3.0) * a * z * z)
            }
            Activation::Silu => {
                let s = sigmoid(z);
                s * (one + z * (one - s))
            }
            Activation::Mish => {
                let th = softplus(z).tanh();
                th + z * (one - th * th) * sigmoid(z)
            }
            Activation::Tanh => {
                let th = z.tanh();
                one - th * th
            }
            Activation::Identity => one,
        }
    }

    /// `act'(z)` from the output `h = act(z)`.
    ///
    /// # Panics
    /// If the activation's derivative is not a function of its output
    /// (see [`Activation::derivative_from_output`]).
    #[inline]
    #[track_caller]
    pub fn derivative_at_output<T: Scalar>(self, h: T) -> T {
        match self {
            Activation::Relu => {
                if h > T::zero() {
                    T::one()
                } else {
                    T::zero()
                }
            }
            Activation::Tanh => T::one() - h * h,
            Activation::Identity => T::one(),
            other => panic!("{other:?}'s derivative needs the pre-activation, not the output"),
        }
    }
}

/// `σ(z) = 1/(1 + e^{−z})`, evaluated without overflow for either sign.
#[inline]
fn sigmoid<T: Scalar>(z: T) -> T {
    if z >= T::zero() {
        T::one() / (T::one() + (-z).exp())
    } else {
        let e = z.exp();
        e / (T::one() + e)
    }
}

/// `softplus(z) = ln(1 + e^z) = max(z, 0) + ln(1 + e^{−|z|})`, stable for large `|z|`.
#[inline]
fn softplus<T: Scalar>(z: T) -> T {
    z.max(T::zero()) + (-z.abs()).exp().ln_1p()
}
