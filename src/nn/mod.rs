//! Neural-network building blocks: a named parameter store, initialisations, activations,
//! dense layers, MLPs, residual blocks and the sinusoidal embedding.
//!
//! Parameters live outside the autodiff tape in a [`Params`] store (weights `in × out`, biases
//! `1 × out`); layers hold [`ParamId`]s into it. Each layer has a tape forward (for training)
//! and a tape-free fast path (for sampling, acting and input gradients).

pub mod activation;
pub mod bind;
pub mod block_dense;
pub mod critic_net;
pub mod embedding;
pub mod fast_gelu;
pub mod gaussian_actor;
pub mod init;
pub mod linear;
pub mod mlp;
pub mod mlp_fast;
pub mod params;
pub mod residual;
pub mod stack;
pub mod stack_fused;
pub mod velocity_net;

pub use activation::Activation;
pub use bind::{ParamMode, ParamVars};
pub use embedding::{sinusoidal_embedding, sinusoidal_embedding_into, sinusoidal_frequencies};
pub use init::{Init, ORTHOGONAL_GAIN_DEFAULT};
pub use linear::Linear;
pub use mlp::Mlp;
pub use mlp_fast::MlpWorkspace;
pub use params::{ParamId, Params};
pub use residual::{ResMlp, ResMlpWorkspace, Residual};
