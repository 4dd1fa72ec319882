//! What the training loop needs from an algorithm: act, update, save and load.

use ndarray::{ArrayView2, ArrayViewMut2};
use rand_chacha::ChaCha8Rng;

use crate::Scalar;
use crate::checkpoint::{Persist, Weights};
use crate::transition::Batch;

/// How an action is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActMode {
    /// Data collection: stochastic (flow: a particle drawn by softmax(Q/λ); SAC: a sample).
    Explore,
    /// Evaluation: deterministic choice (flow: argmax Q over particles; SAC: tanh(μ)).
    Evaluate,
}

/// Metrics of one update; `NaN` where an algorithm has no such quantity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UpdateMetrics {
    /// Mean MSE of the two critics.
    pub critic_loss: f64,
    /// Actor loss (regression MSE, or SAC's `E[α log π − Q]`).
    pub actor_loss: f64,
    /// Mean online `Q_1(s, a)` on the batch.
    pub q_mean: f64,
    /// Mean TD target.
    pub target_mean: f64,
    /// Critic 1 gradient norm before clipping.
    pub critic_grad_norm: f64,
    /// Actor gradient norm before clipping.
    pub actor_grad_norm: f64,
    /// Mean effective sample size of the estimator's weights (out of K).
    pub ess_mean: f64,
    /// Mean of the chosen noise-space coefficients (diagonal entries).
    pub eta_mean: f64,
    /// Smallest chosen coefficient.
    pub eta_min: f64,
    /// Largest chosen coefficient.
    pub eta_max: f64,
    /// SAC's α.
    pub alpha: f64,
    /// SAC's policy entropy estimate `−E[log π]`.
    pub entropy: f64,
}

impl UpdateMetrics {
    /// Column names, in the order of [`UpdateMetrics::values`].
    pub const COLUMNS: [&'static str; 12] = [
        "critic_loss",
        "actor_loss",
        "q_mean",
        "target_mean",
        "critic_grad_norm",
        "actor_grad_norm",
        "ess_mean",
        "eta_mean",
        "eta_min",
        "eta_max",
        "alpha",
        "entropy",
    ];

    /// All fields NaN.
    pub fn nan() -> Self {
        UpdateMetrics {
            critic_loss: f64::NAN,
            actor_loss: f64::NAN,
            q_mean: f64::NAN,
            target_mean: f64::NAN,
            critic_grad_norm: f64::NAN,
            actor_grad_norm: f64::NAN,
            ess_mean: f64::NAN,
            eta_mean: f64::NAN,
            eta_min: f64::NAN,
            eta_max: f64::NAN,
            alpha: f64::NAN,
            entropy: f64::NAN,
        }
    }

    /// The values in column order.
    pub fn values(&self) -> [f64; 12] {
        [
            self.critic_loss,
            self.actor_loss,
            self.q_mean,
            self.target_mean,
            self.critic_grad_norm,
            self.actor_grad_norm,
            self.ess_mean,
            self.eta_mean,
            self.eta_min,
            self.eta_max,
            self.alpha,
            self.entropy,
        ]
    }

    /// The losses, which must stay finite (a non-finite one stops the run).
    pub fn losses(&self) -> [(&'static str, f64); 2] {
        [
            ("critic_loss", self.critic_loss),
            ("actor_loss", self.actor_loss),
        ]
    }
}

/// An online actor-critic algorithm; as a [`Persist`] it saves every parameter, target and
/// optimiser state, as [`Weights`] only the networks it acts and scores with.
pub trait Agent<T: Scalar>: Persist + Weights {
    /// Writes one action per row of `obs` into `action` (`B × d`, in [−1, 1]).
    fn act(
        &mut self,
        obs: ArrayView2<T>,
        mode: ActMode,
        rng: &mut ChaCha8Rng,
        action: ArrayViewMut2<T>,
    );
    /// One gradient update on `batch`.
    fn update(&mut self, batch: &Batch<T>, rng: &mut ChaCha8Rng) -> UpdateMetrics;
    /// The name of the first non-finite parameter, if any.
    fn first_non_finite(&self) -> Option<String>;
}
