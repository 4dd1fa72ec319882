//! SAC's tanh-squashed Gaussian policy (authors' `ActorMLP`: MLP → mean and log σ, log σ
//! clipped to [−20, 2], `a = tanh(u)`, `u ~ N(μ, σ²)`, evaluation action `tanh(μ)`).
//!
//! Log-density by the change of variables `a = tanh(u)`:
//!
//! `log π(a|s) = Σ_j [ −½ ε_j² − log σ_j − ½ log 2π − log sech²(u_j) ]`, `u = μ + σ ε`,
//!
//! with `log sech²` in its stable form (the same function as the flow policy's tanh latent).

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use rand::Rng;

use super::noise::fill_standard_normal;
use crate::Scalar;
use crate::autodiff::ops::log_sech2::log_sech2_of as log_sech2;
use crate::autodiff::{Tape, Var};
use crate::checkpoint::describe::{Describer, NetworkDescription, NetworkKind};
use crate::nn::gaussian_actor::GaussianActorNet;
use crate::nn::stack::StackScratch;
use crate::nn::{ParamMode, Params};

/// Bounds of log σ (authors: `jnp.clip(log_std, -20, 2)`).
pub const LOG_STD_BOUNDS: (f64, f64) = (-20.0, 2.0);

/// The tanh-squashed Gaussian policy on its network ([`GaussianActorNet`]:
/// `obs → H → … → 2d` with ReLU).
#[derive(Clone, Debug, PartialEq)]
pub struct TanhGaussianPolicy {
    /// The actor network (mean, then raw log σ).
    pub net: GaussianActorNet,
}

/// `log π(a|s)` of one action from its pre-tanh `u`, mean and log σ, in f64: the formula of
/// [`TanhGaussianPolicy::sample_tape`] written out per dimension, for tests and the audit.
pub fn log_prob_reference(mean: &[f64], log_std: &[f64], u: &[f64]) -> f64 {
    let half_log_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    let mut lp = 0.0;
    for j in 0..u.len() {
        let eps = (u[j] - mean[j]) / log_std[j].exp();
        lp += -0.5 * eps * eps - log_std[j] - half_log_2pi - log_sech2(u[j]);
    }
    lp
}

impl TanhGaussianPolicy {
    /// Action dimension d.
    pub fn action_dim(&self) -> usize {
        self.net.action_dim
    }

    /// The architecture stored under `prefix` with parameters `params`.
    pub fn describe<T: Scalar>(&self, prefix: &str, params: &Params<T>) -> NetworkDescription {
        Describer::new(prefix, params).stack(
            &self.net.stack,
            NetworkKind::TanhGaussianActor,
            format!(
                "[mean | log_std_raw] = Dense_{two_d}(... relu(Dense(s))), \
                 log_std = clip(log_std_raw, {lo}, {hi}), a = tanh(mean) (deterministic)",
                two_d = 2 * self.net.action_dim,
                lo = LOG_STD_BOUNDS.0,
                hi = LOG_STD_BOUNDS.1
            ),
            None,
        )
    }

    /// Mean and clipped log σ (`B × d` each) without a tape.
    pub fn mean_log_std<T: Scalar>(
        &self,
        params: &Params<T>,
        obs: ArrayView2<T>,
    ) -> (Array2<T>, Array2<T>) {
        let d = self.net.action_dim;
        let mut h = Array2::zeros((obs.nrows(), 2 * d));
        self.net
            .infer(params, obs, &mut StackScratch::default(), h.view_mut());
        let mean = h.slice(ndarray::s![.., ..d]).to_owned();
        let (lo, hi) = (T::from_f64(LOG_STD_BOUNDS.0), T::from_f64(LOG_STD_BOUNDS.1));
        let log_std = h.slice(ndarray::s![.., d..]).mapv(|v| v.max(lo).min(hi));
        (mean, log_std)
    }

    /// Actions for `obs`: `tanh(μ)` when `deterministic`, else `tanh(μ + σ ε)`.
    pub fn act<T: Scalar, R: Rng + ?Sized>(
        &self,
        params: &Params<T>,
        obs: ArrayView2<T>,
        deterministic: bool,
        rng: &mut R,
        mut out: ArrayViewMut2<T>,
    ) {
        let (mean, log_std) = self.mean_log_std(params, obs);
        if deterministic {
            out.zip_mut_with(&mean, |o, &m| *o = m.tanh());
        } else {
            fill_standard_normal(rng, out.view_mut());
            ndarray::Zip::from(&mut out)
                .and(&mean)
                .and(&log_std)
                .for_each(|o, &m, &ls| *o = (m + ls.exp() * *o).tanh());
        }
    }

    /// Records a reparameterised sample on `tape` with the parameters as leaves:
    /// returns `(a, log π(a|s), parameter handles)`, `a` is `B × d`, `log π` is `B × 1`.
    /// `eps` is the standard normal noise (`B × d`).
    pub fn sample_tape<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        params: &Params<T>,
        obs: ArrayView2<T>,
        eps: ArrayView2<T>,
    ) -> (Var, Var, Vec<Var>) {
        let vars = params.bind(tape, ParamMode::Trainable);
        let x = tape.constant_view(obs);
        let h = self.net.on_tape(tape, &vars, x);
        let d = self.net.action_dim;
        let mean = tape.slice_cols(h, 0..d);
        let raw = tape.slice_cols(h, d..2 * d);
        let b = obs.nrows();
        let lo = tape.constant(Array2::from_elem((b, d), T::from_f64(LOG_STD_BOUNDS.0)));
        let hi = tape.constant(Array2::from_elem((b, d), T::from_f64(LOG_STD_BOUNDS.1)));
        let log_std = tape.maximum(raw, lo);
        let log_std = tape.minimum(log_std, hi);
        let std = tape.exp(log_std);
        let e = tape.constant_view(eps);
        let noise = tape.mul(std, e);
        let u = tape.add(mean, noise);
        let a = tape.tanh(u);
        // [RFM:Eq.tanh-gaussian-logprob] change of variables a = tanh(u):
        // Σ_j [−½ ε² − log σ − ½ log 2π − log sech²(u)]
        let half_log_2pi = T::from_f64(0.5 * (2.0 * std::f64::consts::PI).ln());
        let half = T::from_f64(0.5);
        let half_eps2 = tape.constant(eps.mapv(|x| -half * x * x - half_log_2pi));
        let ls2 = tape.log_sech2(u);
        let per_dim = tape.sub(half_eps2, log_std);
        let per_dim = tape.sub(per_dim, ls2);
        let log_prob = tape.sum_cols(per_dim);
        (a, log_prob, vars.vars().to_vec())
    }
}
