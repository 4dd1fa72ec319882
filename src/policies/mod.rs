//! Policies: flow, VP diffusion, VE score and tanh-Gaussian.
