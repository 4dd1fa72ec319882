//! rfm, qne, dqs and qsm: a generative (flow / diffusion) policy trained by regression on the
//! estimator's posterior-mean target, with twin critics (the authors' fused update in `rfm.py`, `paper-notes/reference-setup.md`).
//!
//! One update, in the authors' order, on one minibatch:
//! 1. on-policy endpoints `u_1` at `s` (P particles, one drawn by softmax(Q/λ), pre-update Q),
//!    or `u_1 = artanh(clip(a_replay))` with the buffer proposal;
//! 2. next actions `a'` at `s'` the same way (online Q);
//! 3. critic TD step (+ Polyak); maxentdp adds the bonus `−λ log π(a'|s')` (`entropy_backup.rs`);
//! 4. `t ~ U[t_min, 1 − t_min]`, `ε ~ N(0, I)`, `x_t = α_t u_1 + β_t ε`;
//! 5. the estimator's target at `x_t` with the *updated* critic (qsm: `∇_u log p_1(x_t)`);
//! 6. one Adam step of the actor on the regression loss.

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2};
use rand_chacha::ChaCha8Rng;

use super::actor_step::{descend, noisy_points};
use super::agent::{ActMode, Agent, UpdateMetrics};
use super::entropy_backup::EntropyBackup;
use super::particle_draw::ParticleDraw;
use crate::Scalar;
use crate::autodiff::Tape;
use crate::checkpoint::state_io::{first_non_finite, load_adam, save_adam};
use crate::checkpoint::{Checkpoint, CheckpointError, CheckpointWriter, Persist, Weights};
use crate::config::settings::Proposal;
use crate::critic::action_value::CriticActionValue;
use crate::critic::twin::TwinCritic;
use crate::estimators::{LogTarget, RfmEstimator};
use crate::nn::Params;
use crate::optim::Adam;
use crate::policies::generative::GenerativePolicy;
use crate::policies::resample::Selection;
use crate::transition::Batch;

/// How the regression target is formed.
pub enum TargetSource<T: Scalar> {
    /// The RFM estimator (rfm, qne, dqs).
    Estimator(Box<RfmEstimator<T>>),
    /// QSM: the target score `∇_u log p_1(x_t)` at the noisy point itself.
    ScoreAtPoint(LogTarget),
}

/// Sampling settings of the agent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParticleSettings {
    /// Particles per state when exploring.
    pub act: usize,
    /// Particles per state inside the update.
    pub train: usize,
    /// Particles per state when evaluating.
    pub eval: usize,
    /// Temperature λ of the selection.
    pub temperature: f64,
}

/// The agent.
pub struct GenerativeAgent<T: Scalar> {
    /// The policy (network shape, kind, sampler).
    pub policy: GenerativePolicy,
    /// Actor parameters.
    pub actor: Params<T>,
    /// Actor optimiser.
    pub actor_adam: Adam<T>,
    /// Actor gradient-norm clip (0 disables).
    pub actor_max_grad_norm: f64,
    /// Twin critics.
    pub critic: TwinCritic<T>,
    /// Target of the regression.
    pub target: TargetSource<T>,
    /// Particles and temperature.
    pub particles: ParticleSettings,
    /// Endpoint proposal.
    pub proposal: Proposal,
    /// The entropy-regularised backup (maxentdp); `None` backs up `min Q̄(s', a')` alone.
    pub entropy_backup: Option<EntropyBackup<T>>,
    tape: Tape<T>,
    grads: Params<T>,
    draw: ParticleDraw<T>,
    u1: Array2<T>,
    next_action: Array2<T>,
    next_latent: Array2<T>,
    x_t: Array2<T>,
    eps: Array2<T>,
    regression: Array2<T>,
}

impl<T: Scalar> GenerativeAgent<T> {
    /// Assembles an agent from its parts.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        policy: GenerativePolicy,
        actor: Params<T>,
        actor_adam: Adam<T>,
        actor_max_grad_norm: f64,
        critic: TwinCritic<T>,
        target: TargetSource<T>,
        particles: ParticleSettings,
        proposal: Proposal,
        entropy_backup: Option<EntropyBackup<T>>,
    ) -> Self {
        let grads = actor.zeros_like();
        GenerativeAgent {
            policy,
            actor,
            actor_adam,
            actor_max_grad_norm,
            critic,
            target,
            particles,
            proposal,
            entropy_backup,
            tape: Tape::new(),
            grads,
            draw: ParticleDraw::default(),
            u1: Array2::zeros((0, 0)),
            next_action: Array2::zeros((0, 0)),
            next_latent: Array2::zeros((0, 0)),
            x_t: Array2::zeros((0, 0)),
            eps: Array2::zeros((0, 0)),
            regression: Array2::zeros((0, 0)),
        }
    }

    /// Samples `P` particles per state of `obs` and picks one per state by `selection` with
    /// the online `min(Q_1, Q_2)`; writes the chosen latents into `latent_out` and their
    /// actions `tanh(u)` into `action_out` (either may be skipped with `None`).
    pub fn sample_selected(
        &mut self,
        obs: ArrayView2<T>,
        particles: usize,
        selection: Selection,
        rng: &mut ChaCha8Rng,
        latent_out: Option<ArrayViewMut2<T>>,
        action_out: Option<ArrayViewMut2<T>>,
    ) {
        self.draw.draw(
            &self.policy,
            &self.actor,
            &mut self.critic,
            false,
            obs,
            particles,
            selection,
            rng,
        );
        self.draw.write_chosen(latent_out, action_out);
    }
}

/// Reallocates `a` as zeros when its shape is not `rows × cols`.
pub(super) fn resize<T: Scalar>(a: &mut Array2<T>, rows: usize, cols: usize) {
    if a.dim() != (rows, cols) {
        *a = Array2::zeros((rows, cols));
    }
}

impl<T: Scalar> Agent<T> for GenerativeAgent<T> {
    fn act(
        &mut self,
        obs: ArrayView2<T>,
        mode: ActMode,
        rng: &mut ChaCha8Rng,
        action: ArrayViewMut2<T>,
    ) {
        let (p, sel) = match mode {
            ActMode::Explore => (
                self.particles.act,
                Selection::Softmax {
                    temperature: self.particles.temperature,
                },
            ),
            ActMode::Evaluate => (self.particles.eval, Selection::Argmax),
        };
        self.sample_selected(obs, p, sel, rng, None, Some(action));
    }

    fn update(&mut self, batch: &Batch<T>, rng: &mut ChaCha8Rng) -> UpdateMetrics {
        let (b, d) = (batch.len(), self.policy.net.shape.action_dim);
        let sel = Selection::Softmax {
            temperature: self.particles.temperature,
        };
        let p = self.particles.train;
        let mut u1 = std::mem::take(&mut self.u1);
        let mut next_action = std::mem::take(&mut self.next_action);
        resize(&mut u1, b, d);
        resize(&mut next_action, b, d);
        // 1. endpoints
        match self.proposal {
            Proposal::Policy => {
                self.sample_selected(batch.obs.view(), p, sel, rng, Some(u1.view_mut()), None)
            }
            Proposal::Buffer => {
                let lim = T::from_f64(1.0 - 1e-4);
                u1.zip_mut_with(&batch.action, |u, &a| {
                    let a = a.max(-lim).min(lim);
                    *u = T::from_f64(0.5) * ((T::one() + a) / (T::one() - a)).ln();
                });
            }
        }
        // 2. next actions (and their latents, for the entropy backup)
        let mut next_latent = std::mem::take(&mut self.next_latent);
        resize(&mut next_latent, b, d);
        self.sample_selected(
            batch.next_obs.view(),
            p,
            sel,
            rng,
            Some(next_latent.view_mut()),
            Some(next_action.view_mut()),
        );
        // 3. critic
        let bonus = self.entropy_backup.as_mut().map(|e| {
            e.bonus(
                &self.policy,
                &self.actor,
                batch.next_obs.view(),
                next_latent.view(),
                rng,
            )
        });
        let cm = self
            .critic
            .update(&mut self.tape, batch, next_action.view(), bonus);
        self.next_latent = next_latent;
        // 4. x_t
        let (t_min, path) = (self.policy.t_min, self.policy.path());
        let t = noisy_points(&path, t_min, u1.view(), rng, &mut self.eps, &mut self.x_t);
        resize(&mut self.regression, b, d);
        // 5. regression target with the updated critic
        let mut m = UpdateMetrics::nan();
        let mut tape = std::mem::take(&mut self.tape);
        match &mut self.target {
            TargetSource::Estimator(est) => {
                let mut qv = CriticActionValue::new(&self.critic, batch.obs.view(), &mut tape);
                let e = est.estimate(&path, &t, self.x_t.view(), &mut qv, rng);
                self.policy
                    .regression_target(&t, e.mu_0, e.velocity, self.regression.view_mut());
                let diag = e.diagnostics;
                m.ess_mean = diag.ess.iter().map(|v| Scalar::to_f64(*v)).sum::<f64>() / b as f64;
                let (mut lo, mut hi, mut sum) = (f64::INFINITY, f64::NEG_INFINITY, 0.0);
                for bi in 0..b {
                    for j in 0..d {
                        let v = Scalar::to_f64(diag.coefficients[[bi, j, j]]);
                        lo = lo.min(v);
                        hi = hi.max(v);
                        sum += v;
                    }
                }
                (m.eta_mean, m.eta_min, m.eta_max) = (sum / (b * d) as f64, lo, hi);
            }
            TargetSource::ScoreAtPoint(log_target) => {
                let mut qv = CriticActionValue::new(&self.critic, batch.obs.view(), &mut tape);
                let mut scratch = Array2::zeros((0, 0));
                let mut log_p = Array1::zeros(b);
                // QSM (paper-notes/math-outline.md §6): score target ∇_u log p_1(x_t) (one particle at ε' = 0)
                log_target.evaluate(
                    &mut qv,
                    self.x_t.view(),
                    1,
                    &mut scratch,
                    log_p.view_mut(),
                    self.regression.view_mut(),
                );
                m.ess_mean = 1.0;
                (m.eta_mean, m.eta_min, m.eta_max) = (1.0, 1.0, 1.0);
            }
        }
        // 6. actor step
        tape.clear();
        let (loss, vars) = self.policy.regression_loss(
            &mut tape,
            &self.actor,
            batch.obs.view(),
            self.x_t.view(),
            &t,
            self.regression.view(),
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
        self.u1 = u1;
        self.next_action = next_action;
        m.critic_loss = cm.loss;
        m.q_mean = cm.q_mean;
        m.target_mean = cm.target_mean;
        m.critic_grad_norm = cm.grad_norm;
        m
    }

    fn first_non_finite(&self) -> Option<String> {
        first_non_finite(&[
            ("actor", &self.actor),
            ("q1", &self.critic.online[0]),
            ("q2", &self.critic.online[1]),
        ])
    }
}

impl<T: Scalar> Persist for GenerativeAgent<T> {
    fn save(&self, w: &mut CheckpointWriter) {
        self.save_actor(w);
        save_adam(w, "actor_adam", &self.actor_adam);
        Persist::save(&self.critic, w);
    }

    fn load(&mut self, c: &Checkpoint) -> Result<(), CheckpointError> {
        c.load_params("actor", &mut self.actor)?;
        let layout = self.actor.clone();
        load_adam(c, "actor_adam", &mut self.actor_adam, &layout)?;
        self.critic.load(c)
    }
}

impl<T: Scalar> GenerativeAgent<T> {
    /// The actor's tensors (`actor.*`) and description.
    fn save_actor(&self, w: &mut CheckpointWriter) {
        w.add_params("actor", &self.actor);
        let output = self.policy.kind.output_name();
        w.network(self.policy.net.describe("actor", &self.actor, output));
    }
}

/// The actor (`actor.*`) and the online critics.
impl<T: Scalar> Weights for GenerativeAgent<T> {
    fn save_weights(&self, w: &mut CheckpointWriter) {
        self.save_actor(w);
        self.critic.save_weights(w);
    }

    fn load_weights(&mut self, c: &Checkpoint) -> Result<(), CheckpointError> {
        c.load_params("actor", &mut self.actor)?;
        self.critic.load_weights(c)
    }
}
