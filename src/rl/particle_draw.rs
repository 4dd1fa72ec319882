//! Drawing `P` particles per state from a generative policy and choosing one per state by the
//! twin critics' `min(Q_1, Q_2)`: the step shared by acting, bootstrapping and the on-policy
//! endpoints of every generative agent (rfm, qne, maxentdp, dqs, qsm in
//! [`super::generative_agent`]; qvpo in [`super::qvpo_agent`], which also draws with its target
//! actor and target critics and reads every particle's Q for its weights).

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2};
use rand_chacha::ChaCha8Rng;

use crate::Scalar;
use crate::critic::twin::TwinCritic;
use crate::nn::Params;
use crate::policies::generative::{GenerativePolicy, SamplerScratch};
use crate::policies::resample::{Selection, select_particles};

/// The particles of the last draw and the buffers reused across draws.
#[derive(Clone, Debug)]
pub struct ParticleDraw<T> {
    sampler: SamplerScratch<T>,
    /// The `B·P` latents `u` of the last draw (rows state-major).
    pub latents: Array2<T>,
    /// Their actions `tanh(u)`.
    pub actions: Array2<T>,
    /// Their `min(Q_1, Q_2)` (computed only when `P > 1`).
    pub q: Array1<T>,
    /// The chosen row (`b·P + p`) of each state.
    pub chosen: Vec<usize>,
}

impl<T: Scalar> Default for ParticleDraw<T> {
    fn default() -> Self {
        ParticleDraw {
            sampler: SamplerScratch::default(),
            latents: Array2::zeros((0, 0)),
            actions: Array2::zeros((0, 0)),
            q: Array1::zeros(0),
            chosen: Vec::new(),
        }
    }
}

impl<T: Scalar> ParticleDraw<T> {
    /// Samples `particles` latents per state of `obs` from `policy` with parameters `actor`
    /// and picks one per state by `selection` on `min(Q_1, Q_2)` of the online
    /// (`target_critic = false`) or target critics. With one particle the only one is chosen
    /// and no Q is computed.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &mut self,
        policy: &GenerativePolicy,
        actor: &Params<T>,
        critic: &mut TwinCritic<T>,
        target_critic: bool,
        obs: ArrayView2<T>,
        particles: usize,
        selection: Selection,
        rng: &mut ChaCha8Rng,
    ) {
        let (b, d) = (obs.nrows(), policy.net.shape.action_dim);
        let n = b * particles;
        if self.latents.dim() != (n, d) {
            self.latents = Array2::zeros((n, d));
            self.actions = Array2::zeros((n, d));
            self.q = Array1::zeros(n);
        }
        policy.sample_latent(
            actor,
            obs,
            particles,
            rng,
            self.latents.view_mut(),
            &mut self.sampler,
        );
        self.actions
            .zip_mut_with(&self.latents, |a, &u| *a = u.tanh());
        if particles > 1 {
            critic.q_min(
                target_critic,
                obs,
                self.actions.view(),
                particles,
                self.q.view_mut(),
            );
            select_particles(self.q.view(), particles, selection, rng, &mut self.chosen);
        } else {
            self.chosen.clear();
            self.chosen.extend(0..b);
        }
    }

    /// Copies the chosen latents into `latent_out` and their actions into `action_out`
    /// (either may be skipped with `None`).
    pub fn write_chosen(
        &self,
        latent_out: Option<ArrayViewMut2<T>>,
        action_out: Option<ArrayViewMut2<T>>,
    ) {
        if let Some(mut out) = latent_out {
            for (r, &c) in self.chosen.iter().enumerate() {
                out.row_mut(r).assign(&self.latents.row(c));
            }
        }
        if let Some(mut out) = action_out {
            for (r, &c) in self.chosen.iter().enumerate() {
                out.row_mut(r).assign(&self.actions.row(c));
            }
        }
    }
}
