//! The networks, each defined once: a named parameter store, initialisations, activations,
//! the sinusoidal embedding, and the one architecture description ([`stack`]: a block-input
//! first layer [`block_dense`], a trunk of dense or residual layers, an output layer) with its
//! backends (tape, tape-free, fused f32 in [`stack_fused`]).
//!
//! The three networks are stacks: the critic [`critic_net`], the velocity net of the flow and
//! diffusion policies [`velocity_net`] and the Gaussian actor [`gaussian_actor`]
//! (`paper-notes/networks.md`). Parameters live outside the autodiff tape in a [`Params`]
//! store (weights `in × out`, biases `1 × out`); a stack holds [`ParamId`]s into it.

pub mod activation;
pub mod bind;
pub mod block_dense;
pub mod critic_net;
pub mod embedding;
pub mod fast_gelu;
pub mod gaussian_actor;
pub mod init;
pub mod params;
pub mod stack;
pub mod stack_fused;
pub mod velocity_net;

pub use activation::Activation;
pub use bind::{ParamMode, ParamVars};
pub use embedding::{sinusoidal_embedding, sinusoidal_embedding_into, sinusoidal_frequencies};
pub use init::{Init, ORTHOGONAL_GAIN_DEFAULT};
pub use params::{ParamId, Params};
