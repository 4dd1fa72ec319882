//! QVPO (Ding et al. 2024) as the authors ran it (`src/agent/qvpo.py`, `configs/default.yaml:
//! qvpo`): a VP diffusion policy trained by the Q-weighted denoising loss, with twin critics
//! and an EMA target actor.
//!
//! One update, in the authors' order (their fused `_update`), on one minibatch of `B`:
//! 1. next actions `a'`: `target_sample` samples per `s'` from the *target* actor, the best by
//!    the *target* critics' `min(Q̄_1, Q̄_2)`;
//! 2. critic TD step on `y = r + γ (1 − terminated) min Q̄(s', a')` (no entropy bonus) + Polyak;
//! 3. `train_sample` samples per `s` from the online actor, valued by the *updated* online
//!    critics; each state keeps its best sample `a*_b` with the weight
//!    `ω_b = max(Q(s, a*_b) − mean_n Q(s, a_n), 0)` (`[RFM:Eq.qvpo-weight-transform]`);
//! 4. `entropy_samples` uniform actions per state with weight `α ω_b`
//!    (`[RFM:Eq.qvpo-entropy]`), appended after the `B` best rows;
//! 5. `t ~ U[t_min, 1 − t_min]`, `ε ~ N(0, I)`, `x_t = α_t u + β_t ε` for every row's latent;
//! 6. one Adam step on `(1/R) Σ_r ω_r ‖ε̂_θ(x_t, t | s) − ε‖²/d` over all `R` rows
//!    (`[RFM:Eq.qvpo-weighted-loss]`), then the Polyak step of the target actor (critic τ).
//!
//! Acting: the best of `behavior_sample` samples by the online critics; evaluation: the best
//! of `eval_sample`. All samples are DDPM (their `noise_ratio = 1`), in the tanh latent.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use rand_chacha::ChaCha8Rng;

use super::actor_step::{descend, noisy_points};
use super::agent::{ActMode, Agent, UpdateMetrics};
use super::generative_agent::resize;
use super::particle_draw::ParticleDraw;
use super::q_weights::{entropy_rows, q_weight};
use crate::Scalar;
use crate::autodiff::Tape;
use crate::checkpoint::state_io::{first_non_finite, load_adam, save_adam};
use crate::checkpoint::{Checkpoint, CheckpointError, CheckpointWriter, Persist, Weights};
use crate::critic::twin::TwinCritic;
use crate::nn::Params;
use crate::optim::{Adam, polyak_update};
use crate::policies::generative::GenerativePolicy;
use crate::policies::resample::Selection;
use crate::transition::Batch;

/// QVPO's sample counts and entropy term (from [`crate::config::settings::QvpoConfig`] and
/// the sampler's particle counts).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QvpoSettings {
    /// Samples per state when acting (`behavior_sample`).
    pub behavior_samples: usize,
    /// Samples per next state for the next action (`target_sample`).
    pub target_samples: usize,
    /// Samples per state in evaluation (`eval_sample`).
    pub eval_samples: usize,
    /// Samples per state in the actor update (`train_sample`).
    pub train_samples: usize,
    /// Entropy coefficient α (`entropy_alpha`); 0 adds no entropy rows.
    pub entropy_alpha: f64,
    /// Uniform actions per state (`entropy_samples`).
    pub entropy_samples: usize,
    /// Polyak rate of the target actor (the critics' τ).
    pub tau: f64,
}

/// The agent.
pub struct QvpoAgent<T: Scalar> {
    /// The VP diffusion policy.
    pub policy: GenerativePolicy,
    /// Online actor parameters.
    pub actor: Params<T>,
    /// Target actor (EMA of the online actor), used for the next actions.
    pub actor_target: Params<T>,
    /// Actor optimiser.
    pub actor_adam: Adam<T>,
    /// Actor gradient-norm clip (0 disables).
    pub actor_max_grad_norm: f64,
    /// Twin critics.
    pub critic: TwinCritic<T>,
    /// Sample counts and entropy term.
    pub settings: QvpoSettings,
    tape: Tape<T>,
    grads: Params<T>,
    draw: ParticleDraw<T>,
    next_action: Array2<T>,
    rows_obs: Array2<T>,
    rows_u: Array2<T>,
    weights: Vec<f64>,
    eps: Array2<T>,
    x_t: Array2<T>,
}

impl<T: Scalar> QvpoAgent<T> {
    /// Assembles an agent; the target actor starts as a copy of `actor`.
    pub fn new(
        policy: GenerativePolicy,
        actor: Params<T>,
        actor_adam: Adam<T>,
        actor_max_grad_norm: f64,
        critic: TwinCritic<T>,
        settings: QvpoSettings,
    ) -> Self {
        QvpoAgent {
            policy,
            grads: actor.zeros_like(),
            actor_target: actor.clone(),
            actor,
            actor_adam,
            actor_max_grad_norm,
            critic,
            settings,
            tape: Tape::new(),
            draw: ParticleDraw::default(),
            next_action: Array2::zeros((0, 0)),
            rows_obs: Array2::zeros((0, 0)),
            rows_u: Array2::zeros((0, 0)),
            weights: Vec::new(),
            eps: Array2::zeros((0, 0)),
            x_t: Array2::zeros((0, 0)),
        }
    }

    /// Steps 3–4: the training rows of the states `obs` (read them with [`QvpoAgent::rows`]):
    /// row `b < B` is the best of `train_samples` latents at `s_b` with weight `ω_b`; row
    /// `B + b·E + e` the `e`-th uniform action's latent at `s_b` with weight `α ω_b`.
    pub fn training_rows(&mut self, obs: ArrayView2<T>, rng: &mut ChaCha8Rng) {
        let s = self.settings;
        let (b, d, n) = (
            obs.nrows(),
            self.policy.net.shape.action_dim,
            s.train_samples,
        );
        self.draw.draw(
            &self.policy,
            &self.actor,
            &mut self.critic,
            false,
            obs,
            n,
            Selection::Argmax,
            rng,
        );
        let e = if s.entropy_alpha > 0.0 {
            s.entropy_samples
        } else {
            0
        };
        let rows = b * (1 + e);
        resize(&mut self.rows_obs, rows, obs.ncols());
        resize(&mut self.rows_u, rows, d);
        self.weights.clear();
        for (r, &c) in self.draw.chosen.iter().enumerate() {
            self.rows_obs.row_mut(r).assign(&obs.row(r));
            self.rows_u.row_mut(r).assign(&self.draw.latents.row(c));
            let q = self.draw.q.slice(ndarray::s![r * n..(r + 1) * n]);
            self.weights.push(if n > 1 { q_weight(q) } else { 0.0 });
        }
        for r in 0..b {
            let block = b + r * e..b + (r + 1) * e;
            let w = entropy_rows(
                s.entropy_alpha,
                self.weights[r],
                rng,
                self.rows_u.slice_mut(ndarray::s![block.clone(), ..]),
            );
            for row in block {
                self.rows_obs.row_mut(row).assign(&obs.row(r));
            }
            self.weights.extend(std::iter::repeat_n(w, e));
        }
    }
}

impl<T: Scalar> Agent<T> for QvpoAgent<T> {
    fn act(
        &mut self,
        obs: ArrayView2<T>,
        mode: ActMode,
        rng: &mut ChaCha8Rng,
        action: ArrayViewMut2<T>,
    ) {
        let n = match mode {
            ActMode::Explore => self.settings.behavior_samples,
            ActMode::Evaluate => self.settings.eval_samples,
        };
        let sel = Selection::Argmax;
        let (policy, actor) = (&self.policy, &self.actor);
        self.draw
            .draw(policy, actor, &mut self.critic, false, obs, n, sel, rng);
        self.draw.write_chosen(None, Some(action));
    }

    fn update(&mut self, batch: &Batch<T>, rng: &mut ChaCha8Rng) -> UpdateMetrics {
        let (b, d) = (batch.len(), self.policy.net.shape.action_dim);
        // 1. next actions from the target actor, chosen by the target critics
        let mut next_action = std::mem::take(&mut self.next_action);
        resize(&mut next_action, b, d);
        let n = self.settings.target_samples;
        let sel = Selection::Argmax;
        let (policy, target) = (&self.policy, &self.actor_target);
        let next_obs = batch.next_obs.view();
        self.draw.draw(
            policy,
            target,
            &mut self.critic,
            true,
            next_obs,
            n,
            sel,
            rng,
        );
        self.draw.write_chosen(None, Some(next_action.view_mut()));
        // 2. critic
        let cm = self
            .critic
            .update(&mut self.tape, batch, next_action.view(), None);
        self.next_action = next_action;
        // 3–4. rows and weights with the updated critic
        self.training_rows(batch.obs.view(), rng);
        // 5. x_t; the target of an ε-prediction is the noise itself
        let (t_min, path) = (self.policy.t_min, self.policy.path());
        let u = self.rows_u.view();
        let t = noisy_points(&path, t_min, u, rng, &mut self.eps, &mut self.x_t);
        // 6. the weighted denoising step, then the target actor
        let mut m = UpdateMetrics::nan();
        let mut tape = std::mem::take(&mut self.tape);
        tape.clear();
        let (loss, vars) = self.policy.weighted_regression_loss(
            &mut tape,
            &self.actor,
            self.rows_obs.view(),
            self.x_t.view(),
            &t,
            self.eps.view(),
            Some(&self.weights),
        );
        (m.actor_loss, m.actor_grad_norm) = descend(
            &mut tape,
            loss,
            &vars,
            &mut self.grads,
            &mut self.actor_adam,
            &mut self.actor,
            self.actor_max_grad_norm,
        );
        self.tape = tape;
        polyak_update(&mut self.actor_target, &self.actor, self.settings.tau);
        m.critic_loss = cm.loss;
        m.q_mean = cm.q_mean;
        m.target_mean = cm.target_mean;
        m.critic_grad_norm = cm.grad_norm;
        m
    }

    fn first_non_finite(&self) -> Option<String> {
        first_non_finite(&[
            ("actor", &self.actor),
            ("actor_target", &self.actor_target),
            ("q1", &self.critic.online[0]),
            ("q2", &self.critic.online[1]),
        ])
    }
}

impl<T: Scalar> QvpoAgent<T> {
    /// The last training rows: their states, latents and weights.
    pub fn rows(&self) -> (ArrayView2<'_, T>, ArrayView2<'_, T>, &[f64]) {
        (self.rows_obs.view(), self.rows_u.view(), &self.weights)
    }

    /// The particles of the last draw (after [`QvpoAgent::training_rows`]: the update's).
    pub fn last_draw(&self) -> &ParticleDraw<T> {
        &self.draw
    }

    /// The actor's tensors (`actor.*`) and description.
    fn save_actor(&self, w: &mut CheckpointWriter) {
        w.add_params("actor", &self.actor);
        let output = self.policy.kind.output_name();
        w.network(self.policy.net.describe("actor", &self.actor, output));
    }
}

/// The actor, its target and optimiser state, and the critics.
impl<T: Scalar> Persist for QvpoAgent<T> {
    fn save(&self, w: &mut CheckpointWriter) {
        self.save_actor(w);
        w.add_params("actor_target", &self.actor_target);
        let output = self.policy.kind.output_name();
        let target = self
            .policy
            .net
            .describe("actor_target", &self.actor_target, output);
        w.network(target);
        save_adam(w, "actor_adam", &self.actor_adam);
        Persist::save(&self.critic, w);
    }

    fn load(&mut self, c: &Checkpoint) -> Result<(), CheckpointError> {
        c.load_params("actor", &mut self.actor)?;
        c.load_params("actor_target", &mut self.actor_target)?;
        let layout = self.actor.clone();
        load_adam(c, "actor_adam", &mut self.actor_adam, &layout)?;
        self.critic.load(c)
    }
}

/// The actor (`actor.*`) and the online critics.
impl<T: Scalar> Weights for QvpoAgent<T> {
    fn save_weights(&self, w: &mut CheckpointWriter) {
        self.save_actor(w);
        self.critic.save_weights(w);
    }

    fn load_weights(&mut self, c: &Checkpoint) -> Result<(), CheckpointError> {
        c.load_params("actor", &mut self.actor)?;
        self.critic.load_weights(c)
    }
}
