//! Neural-network building blocks: a named parameter store, initialisations, activations,
//! dense layers, MLPs, residual blocks and the sinusoidal embedding.
//!
//! Parameters live outside the autodiff tape in a [`Params`] store (weights `in × out`, biases
//! `1 × out`); layers hold [`ParamId`]s into it. Each layer has a tape forward (for training)
//! and a tape-free fast path (for sampling, acting and input gradients).

pub mod activation;
pub mod embedding;
pub mod init;
pub mod params;

pub use activation::Activation;
pub use embedding::{sinusoidal_embedding, sinusoidal_embedding_into, sinusoidal_frequencies};
pub use init::{Init, ORTHOGONAL_GAIN_DEFAULT};
pub use params::{ParamId, Params};
