//! The batched RFM posterior-mean estimator with its reusable workspace.
//!
//! One call processes `B` states with `K` reverse samples each (rows `b·K + k`):
//! reverse sampling → `log p_1`, `∇ log p_1` through [`ActionValue`] → SNIS weights →
//! noise- and gradient-expectation → Stein control variate (fixed or plug-in) → `μ̂_0`, `μ̂_1`
//! and the velocity target `α̇_t μ̂_1 + β̇_t μ̂_0`. Buffers live in [`RfmEstimator`] and are
//! only reallocated when `B`, `K` or `d` change, so steady-state calls do not allocate.

use ndarray::{Array1, Array2, Array3, ArrayView1, ArrayView2};
use rand::Rng;

use super::coefficient_matrices::{MemberInputs, fill_coefficient_matrices};
use super::control_variate::ControlVariate;
use super::cross_fit::CrossFitScratch;
use super::diagnostics::Diagnostics;
use super::expectations::{gradient_expectation, noise_expectation};
use super::log_target::{ActionValue, LogTarget, TargetForm};
use super::member_variance::{Members, fill_variances};
use super::optimal::{PluginCoefficient, PluginScratch};
use super::reverse_sampling::{draw_noise, reverse_samples};
use super::stein::{
    apply_noise_control_variate, data_space_estimate, noise_posterior_scores, weighted_means,
};
use super::weights::snis_weights;
use crate::Scalar;
use crate::paths::conversions::{data_to_noise, noise_to_data, noise_to_velocity};
use crate::paths::{PathCoefficients, ProbabilityPath};

/// What the estimator computes: K, the log-target and the member of the family. A training run
/// derives it from its configuration by [`crate::config::settings::EstimatorConfig::setup`]; the
/// audit and the ablation build it directly (they name members no configuration can).
#[derive(Clone, Debug, PartialEq)]
pub struct EstimatorSetup {
    /// K, reverse samples per state. Default 100 (authors' code, paper-notes/reference-setup.md).
    pub samples_per_state: usize,
    /// The log-target. Default: tanh latent, λ = 0.02 (authors' code, paper-notes/reference-setup.md).
    pub target: LogTarget,
    /// Which member of the family. Default: plug-in, per dimension, data space, ridge 1e-4,
    /// clip ±2 (authors' code, paper-notes/reference-setup.md).
    pub control_variate: ControlVariate,
}

impl Default for EstimatorSetup {
    fn default() -> Self {
        Self {
            samples_per_state: 100,
            target: LogTarget {
                form: TargetForm::TanhLatent,
                temperature: 0.02,
            },
            control_variate: ControlVariate::Plugin(PluginCoefficient::default()),
        }
    }
}

/// The posterior-mean estimates of one call (views into the workspace).
pub struct Estimate<'a, T> {
    /// `μ̂_0 ≈ E[x_0 | x_t]`, `B×d` (the ε-prediction target).
    pub mu_0: ArrayView2<'a, T>,
    /// `μ̂_1 ≈ E[x_1 | x_t]`, `B×d`; `x_t = α_t μ̂_1 + β_t μ̂_0` holds to rounding.
    pub mu_1: ArrayView2<'a, T>,
    /// Velocity target `α̇_t μ̂_1 + β̇_t μ̂_0`, `B×d` (a constant for the regression).
    pub velocity: ArrayView2<'a, T>,
    /// ESS, coefficients and variances.
    pub diagnostics: &'a Diagnostics<T>,
}

/// The estimator and its workspace.
#[derive(Clone, Debug)]
pub struct RfmEstimator<T: Scalar> {
    config: EstimatorSetup,
    coefficients: Vec<PathCoefficients>,
    noise: Array2<T>,
    points: Array2<T>,
    scratch: Array2<T>,
    log_p: Array1<T>,
    grad_log_p: Array2<T>,
    score: Array2<T>,
    weights: Array1<T>,
    mu_ne: Array2<T>,
    mu_ge: Array2<T>,
    mean_score: Array2<T>,
    mu_0: Array2<T>,
    mu_1: Array2<T>,
    velocity: Array2<T>,
    f_row: Vec<T>,
    plugin: PluginScratch<T>,
    cross_fit: CrossFitScratch<T>,
    diagnostics: Diagnostics<T>,
}

impl<T: Scalar> RfmEstimator<T> {
    /// A new estimator; buffers are sized on the first call.
    ///
    /// # Panics
    /// When `samples_per_state == 0` or the temperature is not positive.
    #[track_caller]
    pub fn new(config: EstimatorSetup) -> Self {
        assert!(config.samples_per_state > 0, "K must be at least 1");
        assert!(
            config.target.temperature > 0.0,
            "temperature {} must be positive",
            config.target.temperature
        );
        Self {
            config,
            coefficients: Vec::new(),
            noise: Array2::zeros((0, 0)),
            points: Array2::zeros((0, 0)),
            scratch: Array2::zeros((0, 0)),
            log_p: Array1::zeros(0),
            grad_log_p: Array2::zeros((0, 0)),
            score: Array2::zeros((0, 0)),
            weights: Array1::zeros(0),
            mu_ne: Array2::zeros((0, 0)),
            mu_ge: Array2::zeros((0, 0)),
            mean_score: Array2::zeros((0, 0)),
            mu_0: Array2::zeros((0, 0)),
            mu_1: Array2::zeros((0, 0)),
            velocity: Array2::zeros((0, 0)),
            f_row: Vec::new(),
            plugin: PluginScratch::default(),
            cross_fit: CrossFitScratch::default(),
            diagnostics: Diagnostics::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &EstimatorSetup {
        &self.config
    }

    /// Replaces the control variate (e.g. for an η sweep) without touching the buffers.
    pub fn set_control_variate(&mut self, control_variate: ControlVariate) {
        self.config.control_variate = control_variate;
    }

    /// The reverse-sample noise `ε'` of the last call (`(B·K)×d`).
    pub fn noise(&self) -> ArrayView2<'_, T> {
        self.noise.view()
    }

    /// The SNIS weights of the last call (`B·K`).
    pub fn weights(&self) -> ArrayView1<'_, T> {
        self.weights.view()
    }

    /// The noise-expectation (η = 0) and gradient-expectation (η = 1) estimates of `μ_0`
    /// from the last call (`B×d` each).
    pub fn classic_estimates(&self) -> (ArrayView2<'_, T>, ArrayView2<'_, T>) {
        (self.mu_ne.view(), self.mu_ge.view())
    }

    /// Draws `ε'` from `rng` and estimates the posterior means at `x_t` (`B×d`), state `b` at
    /// time `t[b]` on `path`.
    ///
    /// # Panics
    /// When `t.len() != B`, a `t` lies outside (0, 1), or a coefficient has the wrong length.
    #[track_caller]
    pub fn estimate<P, A, R>(
        &mut self,
        path: &P,
        t: &[f64],
        x_t: ArrayView2<T>,
        action_value: &mut A,
        rng: &mut R,
    ) -> Estimate<'_, T>
    where
        P: ProbabilityPath + ?Sized,
        A: ActionValue<T> + ?Sized,
        R: Rng + ?Sized,
    {
        self.resize(x_t.nrows(), x_t.ncols());
        draw_noise(rng, self.noise.view_mut());
        self.run(path, t, x_t, action_value)
    }

    /// As [`estimate`](Self::estimate) with the reverse-sample noise `ε'` given (`(B·K)×d`),
    /// so that several estimators can be compared on the same samples.
    ///
    /// # Panics
    /// As [`estimate`](Self::estimate), and when `noise` has the wrong shape.
    #[track_caller]
    pub fn estimate_with_noise<P, A>(
        &mut self,
        path: &P,
        t: &[f64],
        x_t: ArrayView2<T>,
        noise: ArrayView2<T>,
        action_value: &mut A,
    ) -> Estimate<'_, T>
    where
        P: ProbabilityPath + ?Sized,
        A: ActionValue<T> + ?Sized,
    {
        self.resize(x_t.nrows(), x_t.ncols());
        assert_eq!(noise.dim(), self.noise.dim(), "noise must be (B·K)×d");
        self.noise.assign(&noise);
        self.run(path, t, x_t, action_value)
    }

    fn resize(&mut self, b: usize, d: usize) {
        let bk = b * self.config.samples_per_state;
        if self.noise.dim() != (bk, d) {
            self.noise = Array2::zeros((bk, d));
            self.points = Array2::zeros((bk, d));
            self.grad_log_p = Array2::zeros((bk, d));
            self.score = Array2::zeros((bk, d));
            self.log_p = Array1::zeros(bk);
            self.weights = Array1::zeros(bk);
        }
        if self.mu_0.dim() != (b, d) || self.diagnostics.coefficients.dim() != (b, d, d) {
            for a in [
                &mut self.mu_ne,
                &mut self.mu_ge,
                &mut self.mean_score,
                &mut self.mu_0,
                &mut self.mu_1,
                &mut self.velocity,
            ] {
                *a = Array2::zeros((b, d));
            }
            self.diagnostics = Diagnostics {
                ess: Array1::zeros(b),
                coefficients: Array3::zeros((b, d, d)),
                variance_noise_expectation: Array1::zeros(b),
                variance_gradient_expectation: Array1::zeros(b),
                variance_chosen: Array1::zeros(b),
            };
            self.f_row = vec![T::zero(); 3 * d];
        }
    }

    #[track_caller]
    fn run<P, A>(
        &mut self,
        path: &P,
        t: &[f64],
        x_t: ArrayView2<T>,
        action_value: &mut A,
    ) -> Estimate<'_, T>
    where
        P: ProbabilityPath + ?Sized,
        A: ActionValue<T> + ?Sized,
    {
        let (b, d) = x_t.dim();
        let k = self.config.samples_per_state;
        assert_eq!(t.len(), b, "one time per state");
        // A bad x_t is named as such (it would otherwise surface as a bad log-density).
        if let Some(((s, j), v)) = x_t.indexed_iter().find(|(_, v)| !v.is_finite()) {
            panic!("x_t[{s}, {j}] = {v:?} is not finite (state {s} of {b})");
        }
        self.coefficients.clear();
        self.coefficients
            .extend(t.iter().map(|&ti| path.coefficients(ti)));
        let coeffs = &self.coefficients;

        reverse_samples(coeffs, x_t, self.noise.view(), k, self.points.view_mut());
        self.config.target.evaluate(
            action_value,
            self.points.view(),
            k,
            &mut self.scratch,
            self.log_p.view_mut(),
            self.grad_log_p.view_mut(),
        );
        snis_weights(
            self.log_p.view(),
            k,
            self.weights.view_mut(),
            self.diagnostics.ess.view_mut(),
        );
        noise_expectation(
            self.weights.view(),
            self.noise.view(),
            k,
            self.mu_ne.view_mut(),
        );
        gradient_expectation(
            coeffs,
            self.weights.view(),
            self.grad_log_p.view(),
            k,
            self.mu_ge.view_mut(),
        );
        noise_posterior_scores(
            coeffs,
            self.noise.view(),
            self.grad_log_p.view(),
            k,
            self.score.view_mut(),
        );
        weighted_means(
            self.weights.view(),
            self.score.view(),
            k,
            self.mean_score.view_mut(),
        );

        fill_coefficient_matrices(
            &self.config.control_variate,
            &MemberInputs {
                samples_per_state: k,
                coefficients: &self.coefficients,
                weights: self.weights.view(),
                noise: self.noise.view(),
                score: self.score.view(),
                mu_ne: self.mu_ne.view(),
                mean_score: self.mean_score.view(),
            },
            &mut self.plugin,
            &mut self.cross_fit,
            self.diagnostics.coefficients.view_mut(),
        );
        let coeffs = &self.coefficients;
        match &self.config.control_variate {
            ControlVariate::DataSpace(c) => {
                data_space_estimate(
                    coeffs,
                    self.weights.view(),
                    self.points.view(),
                    self.noise.view(),
                    self.grad_log_p.view(),
                    k,
                    c,
                    self.mu_1.view_mut(),
                );
                data_to_noise(coeffs, x_t, self.mu_1.view(), self.mu_0.view_mut());
            }
            ControlVariate::CrossFitted(_) => {
                self.cross_fit.apply(
                    self.weights.view(),
                    self.score.view(),
                    self.mu_ne.view(),
                    k,
                    self.mu_0.view_mut(),
                );
                noise_to_data(coeffs, x_t, self.mu_0.view(), self.mu_1.view_mut());
            }
            _ => {
                apply_noise_control_variate(
                    self.mu_ne.view(),
                    self.mean_score.view(),
                    self.diagnostics.coefficients.view(),
                    self.mu_0.view_mut(),
                );
                noise_to_data(coeffs, x_t, self.mu_0.view(), self.mu_1.view_mut());
            }
        }
        // [RFM:Eq.velocity-target]
        noise_to_velocity(coeffs, x_t, self.mu_0.view(), self.velocity.view_mut());
        fill_variances(
            &Members {
                samples_per_state: self.config.samples_per_state,
                diagonal: self.config.control_variate.is_diagonal(),
                coefficients: &self.coefficients,
                weights: self.weights.view(),
                noise: self.noise.view(),
                grad_log_p: self.grad_log_p.view(),
                score: self.score.view(),
                mu_ne: self.mu_ne.view(),
                mu_ge: self.mu_ge.view(),
                mu_0: self.mu_0.view(),
            },
            &mut self.f_row[..3 * d],
            &mut self.diagnostics,
        );
        Estimate {
            mu_0: self.mu_0.view(),
            mu_1: self.mu_1.view(),
            velocity: self.velocity.view(),
            diagnostics: &self.diagnostics,
        }
    }
}
