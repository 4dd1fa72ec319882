//! Policies: flow, VP diffusion, VE score and tanh-Gaussian.
//!
//! The flow and diffusion policies share one conditional network
//! ([`crate::nn::velocity_net::VelocityNet`]: `concat(s, u_t, emb(t), emb(λ))` → Dense → GELU → residual
//! blocks → Dense d) and differ in what its output means (velocity, ε-prediction, score) and
//! in the sampler that integrates it. All of them act in the tanh latent: `a = tanh(u)`.

pub mod diffusion_log_density;
pub mod diffusion_sampler;
pub mod field;
pub mod flow_sampler;
pub mod generative;
pub mod noise;
pub mod resample;
pub mod tanh_gaussian;
