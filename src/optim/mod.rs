//! Optimisers: Adam, gradient-norm clipping, Polyak averaging.
//!
//! All three operate on [`crate::nn::Params`] stores (parameters, gradients and targets share
//! one layout), so they serve any model.

pub mod adam;
pub mod clip;
pub mod polyak;

pub use adam::{Adam, AdamConfig};
pub use clip::{clip_grad_norm, global_grad_norm};
pub use polyak::polyak_update;
