//! Training one toy model by regression on the estimator's posterior-mean target, with the
//! parts of the RL actor update (`rl::generative_agent`, steps 4–6) and the analytic target
//! in place of the critic:
//!
//! 1. `t_b ~ U[t_min, 1 − t_min]`, endpoint proposal `x_1 ~ N(0, s² I)`, `ε ~ N(0, I)`,
//!    `x_t = α_t x_1 + β_t ε` on the method's path;
//! 2. the estimator (K reverse samples, the method's control variate) at `x_t` with the
//!    two-moons `log p_1` (λ = 1);
//! 3. the policy's regression target and loss, one Adam step with gradient-norm clipping.
//!
//! The proposal is the same wide Gaussian for all methods (the pointwise minimiser of the
//! regression does not depend on it where it has support, paper Thm 4.2), so the three
//! methods see the same x_1 distribution and the same budget.

use ndarray::Array2;
use rand::Rng;
use rand_distr::StandardNormal;

use super::method::ToyMethod;
use super::two_moons::TwoMoons;
use crate::autodiff::Tape;
use crate::estimators::{EstimatorSetup, LogTarget, RfmEstimator, TargetForm};
use crate::nn::Params;
use crate::nn::velocity_net::{VelocityNet, VelocityNetShape};
use crate::optim::{Adam, AdamConfig};
use crate::paths::ProbabilityPath;
use crate::policies::generative::{GenerativePolicy, SamplerScratch};
use crate::policies::noise::fill_standard_normal;

/// The shared training budget and network of the toy experiment.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ToyTraining {
    /// Gradient steps per model. Default 400.
    pub gradient_steps: usize,
    /// Points `x_t` per gradient step. Default 128.
    pub batch: usize,
    /// K, reverse samples per point (the posterior budget). Default 64.
    pub samples_per_state: usize,
    /// Adam learning rate. Default 1e-3.
    pub learning_rate: f64,
    /// Gradient-norm clip (0 disables). Default 10 (the actor's, paper-notes/reference-setup.md).
    pub max_grad_norm: f64,
    /// Hidden width of the conditional net. Default 64.
    pub hidden: usize,
    /// Residual blocks. Default 2.
    pub residual_blocks: usize,
    /// Width of each sinusoidal embedding. Default 16.
    pub embed_dim: usize,
    /// Standard deviation s of the endpoint proposal `N(0, s² I)`. Default 1.5.
    pub proposal_std: f64,
    /// Time window `[t_min, 1 − t_min]` for training and sampling. Default 0.01.
    pub t_min: f64,
}

impl Default for ToyTraining {
    fn default() -> Self {
        Self {
            gradient_steps: 400,
            batch: 128,
            samples_per_state: 64,
            learning_rate: 1e-3,
            max_grad_norm: 10.0,
            hidden: 64,
            residual_blocks: 2,
            embed_dim: 16,
            proposal_std: 1.5,
            t_min: 0.01,
        }
    }
}

/// A trained model: its policy description and parameters.
pub struct ToyModel {
    /// Which method.
    pub method: ToyMethod,
    /// Network, kind and sampler window (its `steps` is set per sampling call).
    pub policy: GenerativePolicy,
    /// The network's parameters.
    pub params: Params<f64>,
    /// Mean regression loss over the last 10 % of the gradient steps.
    pub final_loss: f64,
}

impl ToyModel {
    /// `n` samples `n × 2` with `sampling_steps` steps of the method's sampler.
    pub fn sample<R: Rng + ?Sized>(
        &self,
        n: usize,
        sampling_steps: usize,
        rng: &mut R,
    ) -> Array2<f64> {
        let mut policy = self.policy.clone();
        policy.steps = sampling_steps;
        let obs = Array2::zeros((1, 1));
        let mut out = Array2::zeros((n, 2));
        let mut scratch = SamplerScratch::default();
        policy.sample_latent(
            &self.params,
            obs.view(),
            n,
            rng,
            out.view_mut(),
            &mut scratch,
        );
        out
    }
}

/// Trains `method` on `target` with the budget `training`; all randomness from `rng`.
pub fn train<R: Rng + ?Sized>(
    method: ToyMethod,
    target: &TwoMoons,
    training: &ToyTraining,
    rng: &mut R,
) -> ToyModel {
    let (b, d) = (training.batch, 2);
    let shape = VelocityNetShape {
        obs_dim: 1,
        action_dim: d,
        hidden: training.hidden,
        residual_blocks: training.residual_blocks,
        embed_dim: training.embed_dim,
    };
    let mut params = Params::new();
    // λ = 1: the toy's Boltzmann temperature, also the net's constant temperature input
    let net = VelocityNet::new(shape, 1.0, &mut params, rng);
    let policy = GenerativePolicy {
        kind: method.kind(),
        net,
        steps: method.paper_sampling_steps(),
        t_min: training.t_min,
        // the toy's targets are unbounded: no clip of the denoised point
        denoiser_clip: None,
    };
    let mut estimator = RfmEstimator::<f64>::new(EstimatorSetup {
        samples_per_state: training.samples_per_state,
        target: LogTarget {
            form: TargetForm::Boltzmann,
            temperature: 1.0,
        },
        control_variate: method.control_variate(),
    });
    let mut adam = Adam::new(AdamConfig::with_lr(training.learning_rate), &params);
    let mut grads = params.zeros_like();
    let mut tape = Tape::new();
    let mut action_value = target.clone();
    let path = policy.path();
    let obs = Array2::zeros((b, 1));
    let (mut eps, mut x_t, mut regression) = (
        Array2::zeros((b, d)),
        Array2::zeros((b, d)),
        Array2::zeros((b, d)),
    );
    let tail_start = training.gradient_steps - training.gradient_steps.div_ceil(10);
    let (mut tail_loss, mut tail_count) = (0.0, 0usize);
    for step in 0..training.gradient_steps {
        let t: Vec<f64> = (0..b)
            .map(|_| rng.random_range(training.t_min..1.0 - training.t_min))
            .collect();
        fill_standard_normal(rng, eps.view_mut());
        for r in 0..b {
            let c = path.coefficients(t[r]);
            for j in 0..d {
                let z: f64 = rng.sample(StandardNormal);
                x_t[[r, j]] = c.interpolate(training.proposal_std * z, eps[[r, j]]);
            }
        }
        let e = estimator.estimate(&path, &t, x_t.view(), &mut action_value, rng);
        policy.regression_target(&t, e.mu_0, e.velocity, regression.view_mut());
        tape.clear();
        let (loss, vars) = policy.regression_loss(
            &mut tape,
            &params,
            obs.view(),
            x_t.view(),
            &t,
            regression.view(),
        );
        let loss_value = tape.value(loss)[[0, 0]];
        if step >= tail_start {
            tail_loss += loss_value;
            tail_count += 1;
        }
        tape.backward(loss);
        for (g, v) in grads.values_mut().iter_mut().zip(&vars) {
            g.assign(&tape.grad(*v).expect("every parameter has a gradient"));
        }
        adam.clip_and_step(&mut params, &mut grads, training.max_grad_norm);
    }
    ToyModel {
        method,
        policy,
        params,
        final_loss: tail_loss / tail_count.max(1) as f64,
    }
}
