//! The flow, VP-diffusion and VE-score policies: one conditional net, three readings of its
//! output, three samplers, one regression loss.
//!
//! | kind | net output | sampler | regression target (from the estimator) | loss weight |
//! |---|---|---|---|---|
//! | flow (linear path) | velocity `v` | Euler / Heun ODE | `v̂ = α̇ μ̂_1 + β̇ μ̂_0` | 1 |
//! | VP (cosine) | ε-prediction | DDPM / DDIM | `μ̂_0` | 1 |
//! | VE (geometric σ) | score | DDPM / DDIM on `ε̂ = −β_t s` | `−μ̂_0/β_t` | `β_t²` (denoising score matching) |
//!
//! All act in the tanh latent: the sampled `u` is mapped to the action `a = tanh(u)`.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use rand::Rng;

use super::diffusion_log_density::{DiffusionLogDensity, LogDensityScratch};
use super::diffusion_sampler::{DiffusionMethod, DiffusionScratch, sample_diffusion};
use super::field::ConditionalField;
use super::flow_sampler::{FlowSchedule, FlowScratch, OdeMethod, integrate};
use super::noise::fill_standard_normal;
use super::velocity_net::{VelocityField, VelocityNet};
use crate::Scalar;
use crate::autodiff::{Tape, Var};
use crate::nn::{Params, sinusoidal_embedding};
use crate::paths::{LinearPath, PathKind, PredictionTarget, ProbabilityPath, VePath, VpPath};

/// Which generative policy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GenerativeKind {
    /// Flow matching on the linear path; the net is a velocity.
    Flow(OdeMethod),
    /// VP diffusion with the cosine schedule; the net predicts ε.
    VpEpsilon(DiffusionMethod),
    /// VE diffusion with a geometric σ; the net is a score.
    VeScore(DiffusionMethod),
}

impl GenerativeKind {
    /// What the network's output is read as, for checkpoint descriptions.
    pub fn output_name(self) -> &'static str {
        match self {
            GenerativeKind::Flow(_) => "velocity v(x_t, t | s) (flow, linear path)",
            GenerativeKind::VpEpsilon(_) => "eps(x_t, t | s) (VP diffusion, cosine schedule)",
            GenerativeKind::VeScore(_) => "score(x_t, t | s) (VE diffusion)",
        }
    }
}

/// A generative policy: its kind, network and sampling schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerativePolicy {
    /// Flow, VP or VE.
    pub kind: GenerativeKind,
    /// The conditional network.
    pub net: VelocityNet,
    /// Sampling steps.
    pub steps: usize,
    /// Time window `[t_min, 1 − t_min]`.
    pub t_min: f64,
    /// Clip of the diffusion samplers' denoised point `x̂_1` to `[−c, c]` (`None`: no clip;
    /// maxentdp: the authors' `clip_sampler`).
    pub denoiser_clip: Option<f64>,
}

/// Reusable sampler buffers.
#[derive(Clone, Debug, Default)]
pub struct SamplerScratch<T> {
    flow: FlowScratch<T>,
    diffusion: DiffusionScratch<T>,
}

impl GenerativePolicy {
    /// The probability path the policy's network is trained on.
    pub fn path(&self) -> PathKind {
        match self.kind {
            GenerativeKind::Flow(_) => PathKind::Linear(LinearPath),
            GenerativeKind::VpEpsilon(_) => PathKind::Vp(VpPath::cosine()),
            GenerativeKind::VeScore(_) => PathKind::Ve(VePath::default()),
        }
    }

    /// Samples `B·P` latents `u` (rows state-major) for the states `obs` into `out`.
    ///
    /// # Panics
    /// If `out` does not have `obs.nrows() · particles` rows and `d` columns.
    #[track_caller]
    pub fn sample_latent<T: Scalar, R: Rng + ?Sized>(
        &self,
        params: &Params<T>,
        obs: ArrayView2<T>,
        particles: usize,
        rng: &mut R,
        mut out: ArrayViewMut2<T>,
        scratch: &mut SamplerScratch<T>,
    ) {
        assert_eq!(
            out.nrows(),
            obs.nrows() * particles,
            "out must have B·P rows"
        );
        assert_eq!(
            out.ncols(),
            self.net.shape.action_dim,
            "out must have d columns"
        );
        match self.kind {
            GenerativeKind::Flow(method) => {
                let mut field = VelocityField::new(&self.net, params);
                field.prepare(obs, particles);
                fill_standard_normal(rng, out.view_mut());
                let schedule = FlowSchedule {
                    steps: self.steps,
                    t_min: self.t_min,
                    method,
                };
                integrate(&mut field, &schedule, out, &mut scratch.flow);
            }
            GenerativeKind::VpEpsilon(method) => {
                let path = VpPath::cosine();
                let mut field = VelocityField::new(&self.net, params);
                field.prepare(obs, particles);
                sample_diffusion(
                    &path,
                    &mut field,
                    self.steps,
                    self.t_min,
                    method,
                    self.denoiser_clip,
                    rng,
                    out,
                    &mut scratch.diffusion,
                );
            }
            GenerativeKind::VeScore(method) => {
                let path = VePath::default();
                // ε̂ = −β_t · score, the inverse of the score row of `paths::conversions`
                let scale = move |t: f64| -path.coefficients(t).beta_t;
                let mut field = VelocityField::new(&self.net, params).with_output_scale(&scale);
                field.prepare(obs, particles);
                sample_diffusion(
                    &path,
                    &mut field,
                    self.steps,
                    self.t_min,
                    method,
                    self.denoiser_clip,
                    rng,
                    out,
                    &mut scratch.diffusion,
                );
            }
        }
    }

    /// Writes the estimated log-density `log p̂(u_b | s_b)` of the latents `u` (`B × d`) under
    /// the VP policy at the states `obs` into `out` (`[RFM:Eq.diffusion-log-density]`, on the
    /// policy's window `[t_min, 1 − t_min]`).
    ///
    /// # Panics
    /// If the policy is not the VP ε-prediction (the estimate reads the net as ε̂ on the VP
    /// path), or the shapes disagree.
    #[track_caller]
    #[allow(clippy::too_many_arguments)]
    pub fn log_density_latent<T: Scalar, R: Rng + ?Sized>(
        &self,
        params: &Params<T>,
        obs: ArrayView2<T>,
        latents: ArrayView2<T>,
        estimate: &DiffusionLogDensity,
        rng: &mut R,
        out: &mut [f64],
        scratch: &mut LogDensityScratch<T>,
    ) {
        assert!(
            matches!(self.kind, GenerativeKind::VpEpsilon(_)),
            "the log-density estimate needs the VP ε-prediction policy"
        );
        let mut field = VelocityField::new(&self.net, params);
        field.prepare(obs, estimate.samples);
        estimate.estimate(
            &VpPath::cosine(),
            &mut field,
            (self.t_min, 1.0 - self.t_min),
            latents,
            rng,
            out,
            scratch,
        );
    }

    /// Turns the estimator's posterior means into this policy's regression target
    /// (see the module table), row `b` at time `t[b]`.
    pub fn regression_target<T: Scalar>(
        &self,
        t: &[f64],
        mu_0: ArrayView2<T>,
        velocity: ArrayView2<T>,
        mut out: ArrayViewMut2<T>,
    ) {
        // [RFM:Eq.policy-regression-target] velocity / ε = μ̂_0 / score = −μ̂_0/β_t
        match self.kind {
            GenerativeKind::Flow(_) => out.assign(&velocity),
            GenerativeKind::VpEpsilon(_) => out.assign(&mu_0),
            GenerativeKind::VeScore(_) => {
                let path = self.path();
                for (b, (mut o, m)) in out.rows_mut().into_iter().zip(mu_0.rows()).enumerate() {
                    // score = −μ_0/β_t: the score's gain on μ_0 in `paths::conversions`
                    // (its gain on x_t is 0)
                    let (_, gain) =
                        PredictionTarget::Score.affine_in_noise(&path.coefficients(t[b]));
                    let inv = T::from_f64(gain);
                    o.zip_mut_with(&m, |o, &m| *o = m * inv);
                }
            }
        }
    }

    /// Per-row loss weight: `β_t²` for a score net (so the loss is the ε-space MSE), else 1.
    pub fn loss_weight(&self, t: f64) -> f64 {
        match self.kind {
            GenerativeKind::VeScore(_) => self.path().coefficients(t).beta_t.powi(2),
            _ => 1.0,
        }
    }

    /// Records the regression loss `mean_b w(t_b) ‖net(s_b, x_b, t_b) − target_b‖² / d` on
    /// `tape` with the parameters as leaves; returns the loss and the parameter handles (store
    /// order) for the gradient.
    pub fn regression_loss<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        params: &Params<T>,
        obs: ArrayView2<T>,
        x_t: ArrayView2<T>,
        t: &[f64],
        target: ArrayView2<T>,
    ) -> (Var, Vec<Var>) {
        self.weighted_regression_loss(tape, params, obs, x_t, t, target, None)
    }

    /// As [`GenerativePolicy::regression_loss`] with a non-negative weight `ω_b` per row:
    /// `mean_b ω_b w(t_b) ‖net(s_b, x_b, t_b) − target_b‖² / d` (QVPO's Q-weighted denoising
    /// loss when the target is the noise ε, `[RFM:Eq.qvpo-weighted-loss]`). `None`: all 1.
    ///
    /// # Panics
    /// If `row_weights` has another length than the batch, or a negative or non-finite entry.
    #[track_caller]
    #[allow(clippy::too_many_arguments)]
    pub fn weighted_regression_loss<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        params: &Params<T>,
        obs: ArrayView2<T>,
        x_t: ArrayView2<T>,
        t: &[f64],
        target: ArrayView2<T>,
        row_weights: Option<&[f64]>,
    ) -> (Var, Vec<Var>) {
        if let Some(w) = row_weights {
            assert_eq!(w.len(), obs.nrows(), "one row weight per row");
            assert!(
                w.iter().all(|v| v.is_finite() && *v >= 0.0),
                "row weights must be finite and non-negative"
            );
        }
        let ids = &self.net.ids;
        let vars: Vec<Var> = params
            .values()
            .iter()
            .map(|v| tape.leaf_view(v.view()))
            .collect();
        let v = |id: crate::nn::ParamId| vars[id.index()];
        let b = obs.nrows();
        let t_col = Array2::from_shape_fn((b, 1), |(r, _)| T::from_f64(t[r]));
        let emb_t = sinusoidal_embedding(t_col.view(), self.net.shape.embed_dim);
        let emb_l = self.net.embed_scalar::<T>(self.net.temperature);
        let s = tape.constant_view(obs);
        let x = tape.constant_view(x_t);
        let et = tape.constant(emb_t);
        let el = tape.constant(emb_l);
        // First layer = Dense over concat(s, x_t, emb(t), emb(λ)), as four row blocks.
        let zs = tape.affine(s, v(ids.w_obs), v(ids.b_in));
        let zx = tape.matmul(x, v(ids.w_x));
        let zt = tape.matmul(et, v(ids.w_t));
        let zl = tape.matmul(el, v(ids.w_lambda));
        let z = tape.add(zs, zx);
        let z = tape.add(z, zt);
        let z = tape.add_row(z, zl);
        let mut h = tape.gelu(z);
        for &(w, bias) in &ids.blocks {
            let z = tape.affine(h, v(w), v(bias));
            let g = tape.gelu(z);
            h = tape.add(h, g);
        }
        let out = tape.affine(h, v(ids.w_out), v(ids.b_out));
        let y = tape.constant_view(target);
        let diff = tape.sub(out, y);
        let weighted = if matches!(self.kind, GenerativeKind::VeScore(_)) || row_weights.is_some() {
            let d = self.net.shape.action_dim;
            let row = |r: usize| row_weights.map_or(1.0, |w| w[r]);
            // [RFM:Eq.qvpo-weighted-loss] L = (1/R) Σ_r ω_r ‖ε̂_θ(x_r, t_r | s_r) − ε_r‖²/d
            let w = Array2::from_shape_fn((b, d), |(r, _)| {
                T::from_f64((row(r) * self.loss_weight(t[r])).sqrt())
            });
            let w = tape.constant(w);
            tape.mul(diff, w)
        } else {
            diff
        };
        let sq = tape.square(weighted);
        (tape.mean(sq), vars)
    }
}
