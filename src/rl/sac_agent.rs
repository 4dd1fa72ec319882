//! Soft actor-critic with a tanh-Gaussian policy and automatic entropy temperature α
//! (Haarnoja et al. 2018; the authors' baseline): target entropy `−d`, α from `log α` by Adam.
//!
//! Update order (authors): critic with the soft target `r + γ (min Q̄(s', a') − α log π(a'|s'))`
//! → Polyak → actor `E[α log π(a|s) − min Q(s, a)]` with the updated critics → α with
//! `−log α · E[log π + H̄]`.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use rand_chacha::ChaCha8Rng;

use super::agent::{ActMode, Agent, UpdateMetrics};
use crate::Scalar;
use crate::autodiff::Tape;
use crate::checkpoint::state_io::{first_non_finite, load_adam, save_adam};
use crate::checkpoint::{Checkpoint, CheckpointError, CheckpointWriter, Persist, Weights};
use crate::critic::twin::TwinCritic;
use crate::nn::Params;
use crate::optim::{Adam, AdamConfig};
use crate::policies::noise::fill_standard_normal;
use crate::policies::tanh_gaussian::TanhGaussianPolicy;
use crate::transition::Batch;

/// The SAC agent.
pub struct SacAgent<T: Scalar> {
    /// Policy network.
    pub policy: TanhGaussianPolicy,
    /// Actor parameters.
    pub actor: Params<T>,
    /// Actor optimiser.
    pub actor_adam: Adam<T>,
    /// Actor clip (0 disables).
    pub actor_max_grad_norm: f64,
    /// Twin critics.
    pub critic: TwinCritic<T>,
    /// `log α` as a 1×1 store (`log_alpha`).
    pub log_alpha: Params<T>,
    /// Optimiser of `log α`.
    pub alpha_adam: Adam<T>,
    /// Target entropy H̄ (−d by default).
    pub target_entropy: f64,
    tape: Tape<T>,
    grads: Params<T>,
    eps: Array2<T>,
    next_action: Array2<T>,
}

impl<T: Scalar> SacAgent<T> {
    /// Assembles the agent; α starts at `init_alpha`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        policy: TanhGaussianPolicy,
        actor: Params<T>,
        actor_lr: f64,
        actor_max_grad_norm: f64,
        critic: TwinCritic<T>,
        init_alpha: f64,
        alpha_lr: f64,
        target_entropy: f64,
    ) -> Self {
        let mut log_alpha = Params::new();
        log_alpha.push(
            "log_alpha",
            Array2::from_elem((1, 1), T::from_f64(init_alpha.ln())),
        );
        SacAgent {
            actor_adam: Adam::new(AdamConfig::with_lr(actor_lr), &actor),
            alpha_adam: Adam::new(AdamConfig::with_lr(alpha_lr), &log_alpha),
            grads: actor.zeros_like(),
            policy,
            actor,
            actor_max_grad_norm,
            critic,
            log_alpha,
            target_entropy,
            tape: Tape::new(),
            eps: Array2::zeros((0, 0)),
            next_action: Array2::zeros((0, 0)),
        }
    }

    /// Current α.
    pub fn alpha(&self) -> f64 {
        Scalar::to_f64(self.log_alpha.values()[0][[0, 0]]).exp()
    }
}

impl<T: Scalar> Agent<T> for SacAgent<T> {
    fn act(
        &mut self,
        obs: ArrayView2<T>,
        mode: ActMode,
        rng: &mut ChaCha8Rng,
        action: ArrayViewMut2<T>,
    ) {
        self.policy
            .act(&self.actor, obs, mode == ActMode::Evaluate, rng, action);
    }

    fn update(&mut self, batch: &Batch<T>, rng: &mut ChaCha8Rng) -> UpdateMetrics {
        let (b, d) = (batch.len(), self.policy.action_dim());
        let alpha = self.alpha();
        if self.eps.dim() != (b, d) {
            self.eps = Array2::zeros((b, d));
            self.next_action = Array2::zeros((b, d));
        }
        let mut tape = std::mem::take(&mut self.tape);
        // Critic: a' ~ π(·|s') with its log-density.
        fill_standard_normal(rng, self.eps.view_mut());
        tape.clear();
        let (a_next, logp_next, _) = self.policy.sample_tape(
            &mut tape,
            &self.actor,
            batch.next_obs.view(),
            self.eps.view(),
        );
        self.next_action.assign(&tape.value(a_next));
        // SAC soft target: bonus −α log π(a'|s')
        let bonus: Vec<f64> = tape
            .value(logp_next)
            .column(0)
            .iter()
            .map(|v| -alpha * Scalar::to_f64(*v))
            .collect();
        let cm = self
            .critic
            .update(&mut tape, batch, self.next_action.view(), Some(&bonus));
        // Actor: E[α log π(a|s) − min Q(s, a)], reparameterised.
        fill_standard_normal(rng, self.eps.view_mut());
        tape.clear();
        let (a, logp, vars) =
            self.policy
                .sample_tape(&mut tape, &self.actor, batch.obs.view(), self.eps.view());
        let obs = tape.constant_view(batch.obs.view());
        let (q1, _) =
            self.critic
                .net
                .forward_tape(&mut tape, &self.critic.online[0], false, obs, a);
        let (q2, _) =
            self.critic
                .net
                .forward_tape(&mut tape, &self.critic.online[1], false, obs, a);
        let q = tape.minimum(q1, q2);
        let alogp = tape.scale(logp, T::from_f64(alpha));
        let diff = tape.sub(alogp, q);
        let loss = tape.mean(diff);
        let mean_logp = tape
            .value(logp)
            .iter()
            .map(|v| Scalar::to_f64(*v))
            .sum::<f64>()
            / b as f64;
        let actor_loss = Scalar::to_f64(tape.value(loss)[[0, 0]]);
        tape.backward(loss);
        for (g, v) in self.grads.values_mut().iter_mut().zip(&vars) {
            g.assign(&tape.grad(*v).expect("actor parameter has a gradient"));
        }
        let actor_grad_norm = self.actor_adam.clip_and_step(
            &mut self.actor,
            &mut self.grads,
            self.actor_max_grad_norm,
        );
        // α: ∂/∂log α of −log α · (E[log π] + H̄) = −(E[log π] + H̄).
        let mut g = self.log_alpha.zeros_like();
        g.values_mut()[0][[0, 0]] = T::from_f64(-(mean_logp + self.target_entropy));
        self.alpha_adam.step(&mut self.log_alpha, &g);
        self.tape = tape;
        let mut m = UpdateMetrics::nan();
        m.critic_loss = cm.loss;
        m.q_mean = cm.q_mean;
        m.target_mean = cm.target_mean;
        m.critic_grad_norm = cm.grad_norm;
        m.actor_loss = actor_loss;
        m.actor_grad_norm = actor_grad_norm;
        m.alpha = alpha;
        m.entropy = -mean_logp;
        m
    }

    fn first_non_finite(&self) -> Option<String> {
        first_non_finite(&[
            ("actor", &self.actor),
            ("alpha", &self.log_alpha),
            ("q1", &self.critic.online[0]),
            ("q2", &self.critic.online[1]),
        ])
    }
}

impl<T: Scalar> Persist for SacAgent<T> {
    fn save(&self, w: &mut CheckpointWriter) {
        self.save_actor(w);
        save_adam(w, "actor_adam", &self.actor_adam);
        w.add_params("alpha", &self.log_alpha);
        save_adam(w, "alpha_adam", &self.alpha_adam);
        Persist::save(&self.critic, w);
    }

    fn load(&mut self, c: &Checkpoint) -> Result<(), CheckpointError> {
        c.load_params("actor", &mut self.actor)?;
        let layout = self.actor.clone();
        load_adam(c, "actor_adam", &mut self.actor_adam, &layout)?;
        c.load_params("alpha", &mut self.log_alpha)?;
        let layout = self.log_alpha.clone();
        load_adam(c, "alpha_adam", &mut self.alpha_adam, &layout)?;
        self.critic.load(c)
    }
}

impl<T: Scalar> SacAgent<T> {
    /// The actor's tensors (`actor.*`) and description.
    fn save_actor(&self, w: &mut CheckpointWriter) {
        w.add_params("actor", &self.actor);
        w.network(self.policy.describe("actor", &self.actor));
    }
}

/// The actor (`actor.*`) and the online critics (the temperature α is not needed to act).
impl<T: Scalar> Weights for SacAgent<T> {
    fn save_weights(&self, w: &mut CheckpointWriter) {
        self.save_actor(w);
        self.critic.save_weights(w);
    }

    fn load_weights(&mut self, c: &Checkpoint) -> Result<(), CheckpointError> {
        c.load_params("actor", &mut self.actor)?;
        self.critic.load_weights(c)
    }
}
