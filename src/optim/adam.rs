//! Adam (Kingma & Ba 2015) with bias correction, matching `optax.adam` and `torch.optim.Adam`
//! (no weight decay, no AMSGrad). For each scalar parameter `p` with gradient `g`, step `t ≥ 1`:
//!
//! ```text
//! m ← β1·m + (1 − β1)·g            v ← β2·v + (1 − β2)·g²
//! m̂ = m / (1 − β1^t)               v̂ = v / (1 − β2^t)
//! p ← p − lr · m̂ / (√v̂ + ε)
//! ```
//!
//! `ε` is added after the square root of the bias-corrected second moment, as both optax and
//! PyTorch do. The update is evaluated as `p − (lr/(1−β1^t))·m / (√v/√(1−β2^t) + ε)` (PyTorch's
//! arrangement), with the step-dependent factors computed once in f64.

use super::clip::{clip_grad_norm, global_grad_norm};
use crate::Scalar;
use crate::nn::Params;
use ndarray::Zip;

/// Adam hyperparameters. `Default` is the optax / PyTorch default with the authors' critic
/// learning rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Learning rate (default 1e-3: the authors' critic; their actor uses 3e-4).
    pub lr: f64,
    /// First-moment decay β1 (default 0.9, optax/PyTorch).
    pub beta1: f64,
    /// Second-moment decay β2 (default 0.999, optax/PyTorch).
    pub beta2: f64,
    /// Denominator offset ε (default 1e-8, optax/PyTorch).
    pub eps: f64,
}

impl Default for AdamConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }
}

impl AdamConfig {
    /// The default configuration with learning rate `lr`.
    pub fn with_lr(lr: f64) -> Self {
        Self {
            lr,
            ..Self::default()
        }
    }
}

/// Adam state for one parameter store: first and second moments and the step count.
#[derive(Clone, Debug)]
pub struct Adam<T> {
    config: AdamConfig,
    m: Params<T>,
    v: Params<T>,
    step: u64,
}

impl<T: Scalar> Adam<T> {
    /// Zero moments laid out like `params`.
    ///
    /// # Panics
    /// If `lr < 0`, `eps ≤ 0` or a β is outside `[0, 1)`.
    #[track_caller]
    pub fn new(config: AdamConfig, params: &Params<T>) -> Self {
        assert!(config.lr >= 0.0, "Adam lr must be ≥ 0, got {}", config.lr);
        assert!(config.eps > 0.0, "Adam eps must be > 0, got {}", config.eps);
        for (name, b) in [("beta1", config.beta1), ("beta2", config.beta2)] {
            assert!(
                (0.0..1.0).contains(&b),
                "Adam {name} must be in [0, 1), got {b}"
            );
        }
        Self {
            config,
            m: params.zeros_like(),
            v: params.zeros_like(),
            step: 0,
        }
    }

    /// The hyperparameters.
    pub fn config(&self) -> &AdamConfig {
        &self.config
    }

    /// Number of steps taken so far.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// First moments `m` (same layout as the parameters).
    pub fn first_moment(&self) -> &Params<T> {
        &self.m
    }

    /// Second moments `v` (same layout as the parameters).
    pub fn second_moment(&self) -> &Params<T> {
        &self.v
    }

    /// Restores the state (e.g. from a checkpoint).
    ///
    /// # Panics
    /// If `m` or `v` does not have the layout of the current moments.
    #[track_caller]
    pub fn set_state(&mut self, m: Params<T>, v: Params<T>, step: u64) {
        self.m.assert_same_layout(&m);
        self.v.assert_same_layout(&v);
        self.m = m;
        self.v = v;
        self.step = step;
    }

    /// One Adam step: updates the moments and `params` in place from `grads`.
    ///
    /// # Panics
    /// If `params` or `grads` does not have the layout the optimiser was built for.
    #[track_caller]
    pub fn step(&mut self, params: &mut Params<T>, grads: &Params<T>) {
        self.m.assert_same_layout(params);
        self.m.assert_same_layout(grads);
        self.step += 1;
        let c = self.config;
        let t = self.step as f64;
        let bias1 = 1.0 - c.beta1.powf(t);
        let bias2 = 1.0 - c.beta2.powf(t);
        let step_size = T::from_f64(c.lr / bias1);
        let inv_sqrt_bias2 = T::from_f64(1.0 / bias2.sqrt());
        let (b1, b2) = (T::from_f64(c.beta1), T::from_f64(c.beta2));
        let (one_b1, one_b2) = (T::from_f64(1.0 - c.beta1), T::from_f64(1.0 - c.beta2));
        let eps = T::from_f64(c.eps);
        for (((p, g), m), v) in params
            .values_mut()
            .iter_mut()
            .zip(grads.values())
            .zip(self.m.values_mut())
            .zip(self.v.values_mut())
        {
            Zip::from(p).and(g).and(m).and(v).for_each(|p, &g, m, v| {
                *m = b1 * *m + one_b1 * g;
                *v = b2 * *v + one_b2 * g * g;
                *p -= step_size * *m / (v.sqrt() * inv_sqrt_bias2 + eps);
            });
        }
    }

    /// Clips `grads` to the global norm `max_grad_norm` (0 disables the clip), then takes one
    /// [`Adam::step`]; returns the global norm before clipping. The one "clip, then step" of
    /// every network update (critics, flow/diffusion actor, SAC actor).
    ///
    /// # Panics
    /// As [`Adam::step`].
    #[track_caller]
    pub fn clip_and_step(
        &mut self,
        params: &mut Params<T>,
        grads: &mut Params<T>,
        max_grad_norm: f64,
    ) -> f64 {
        let norm = if max_grad_norm > 0.0 {
            clip_grad_norm(grads, max_grad_norm)
        } else {
            global_grad_norm(grads)
        };
        self.step(params, grads);
        norm
    }
}
