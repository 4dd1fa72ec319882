//! Twin critics with target networks: the TD regression, Polyak targets, and `min(Q_1, Q_2)`.
//!
//! - Each `Q_i` regresses on `y = r + γ (1 − terminated) min_i Q̄_i(s', a')` with its own Adam and
//!   its own global-norm clip (the authors clip inside a vmap, i.e. per critic).
//! - Everywhere else (particle selection, the estimator's weights and gradients) Q means
//!   `min(Q_1, Q_2)` of the online critics (authors' `rfm.py`, `paper-notes/reference-setup.md`).

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut1};
use rand::Rng;

use crate::Scalar;
use crate::autodiff::Tape;
use crate::checkpoint::describe::{Describer, NetworkDescription, NetworkKind};
use crate::checkpoint::state_io::{load_adam, save_adam};
use crate::checkpoint::{Checkpoint, CheckpointError, CheckpointWriter, Persist, Weights};
use crate::config::settings::CriticConfig;
use crate::nn::Params;
use crate::nn::critic_net::{CriticNet, CriticScratch};
use crate::nn::stack_fused::FusedOutputs;
use crate::optim::{Adam, AdamConfig, polyak_update};
use crate::transition::Batch;

/// What one critic update reports.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CriticMetrics {
    /// Mean of the two critics' MSE losses.
    pub loss: f64,
    /// Mean online `Q_1(s, a)` on the batch.
    pub q_mean: f64,
    /// Mean TD target.
    pub target_mean: f64,
    /// Gradient norm of critic 1 before clipping.
    pub grad_norm: f64,
}

/// The twin critics, their targets and optimisers.
pub struct TwinCritic<T: Scalar> {
    /// Shape and parameter ids (shared by all four networks).
    pub net: CriticNet,
    /// Online parameters of `Q_1`, `Q_2`.
    pub online: [Params<T>; 2],
    /// Target parameters `Q̄_1`, `Q̄_2` (start as copies).
    pub target: [Params<T>; 2],
    /// One Adam per critic.
    pub adam: [Adam<T>; 2],
    settings: CriticConfig,
    grads: Params<T>,
    scratch: CriticScratch<T>,
    q_a: Array1<T>,
    q_b: Array1<T>,
    y: Array2<T>,
}

impl<T: Scalar> TwinCritic<T> {
    /// Two freshly initialised critics with target copies.
    pub fn new<R: Rng + ?Sized>(
        obs_dim: usize,
        action_dim: usize,
        settings: CriticConfig,
        rng: &mut R,
    ) -> Self {
        let (net, p1) = CriticNet::new(obs_dim, action_dim, settings.hidden, settings.layers, rng);
        let (_, p2) =
            CriticNet::new::<T, R>(obs_dim, action_dim, settings.hidden, settings.layers, rng);
        let adam = [
            Adam::new(AdamConfig::with_lr(settings.lr), &p1),
            Adam::new(AdamConfig::with_lr(settings.lr), &p2),
        ];
        let grads = p1.zeros_like();
        TwinCritic {
            net,
            target: [p1.clone(), p2.clone()],
            online: [p1, p2],
            adam,
            settings,
            grads,
            scratch: CriticScratch::default(),
            q_a: Array1::zeros(0),
            q_b: Array1::zeros(0),
            y: Array2::zeros((0, 1)),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &CriticConfig {
        &self.settings
    }

    /// `min(Q_1, Q_2)(s_b, a_r)` of the online (`target = false`) or target critics, for
    /// `B·n` action rows (row `r` paired with state `r / n`), without a tape.
    pub fn q_min(
        &mut self,
        target: bool,
        obs: ArrayView2<T>,
        actions: ArrayView2<T>,
        n: usize,
        mut out: ArrayViewMut1<T>,
    ) {
        let rows = actions.nrows();
        if self.q_b.len() != rows {
            self.q_b = Array1::zeros(rows);
        }
        let nets = if target { &self.target } else { &self.online };
        if let (Some(c1), Some(c2), Some(a), Some(qa), Some(qb)) = (
            self.net.fused(&nets[0], obs, FusedOutputs::Values),
            self.net.fused(&nets[1], obs, FusedOutputs::Values),
            T::as_f32(actions),
            T::as_f32_mut(out.view_mut()),
            T::as_f32_mut(self.q_b.view_mut()),
        ) {
            c1.evaluate(n, a, qa, None);
            c2.evaluate(n, a, qb, None);
            out.zip_mut_with(&self.q_b, |a, &b| *a = a.min(b));
            return;
        }
        self.net
            .q_values(&nets[0], obs, actions, n, &mut self.scratch, out.view_mut());
        self.net.q_values(
            &nets[1],
            obs,
            actions,
            n,
            &mut self.scratch,
            self.q_b.view_mut(),
        );
        out.zip_mut_with(&self.q_b, |a, &b| *a = a.min(b));
    }

    /// One TD step of both critics on `batch`, with next actions `next_action` (`B × d`, from
    /// the policy at `s'`), then the Polyak update of the targets. `next_bonus` (SAC's
    /// `−α log π(a'|s')`, one per row) is added to the bootstrapped value when given.
    pub fn update(
        &mut self,
        tape: &mut Tape<T>,
        batch: &Batch<T>,
        next_action: ArrayView2<T>,
        next_bonus: Option<&[f64]>,
    ) -> CriticMetrics {
        let b = batch.len();
        if self.q_a.len() != b {
            self.q_a = Array1::zeros(b);
            self.y = Array2::zeros((b, 1));
        }
        // [RFM:Eq.td-target] y = r + γ (1 − terminated) (min_i Q̄_i(s', a') + bonus)
        let mut q_next = std::mem::take(&mut self.q_a);
        self.q_min(
            true,
            batch.next_obs.view(),
            next_action,
            1,
            q_next.view_mut(),
        );
        let gamma = T::from_f64(self.settings.gamma);
        for r in 0..b {
            let bonus = next_bonus.map_or(T::zero(), |v| T::from_f64(v[r]));
            self.y[[r, 0]] = batch.reward[[r, 0]]
                + gamma * (T::one() - batch.terminated[[r, 0]]) * (q_next[r] + bonus);
        }
        self.q_a = q_next;
        let mut m = CriticMetrics {
            target_mean: mean_f64(self.y.view()),
            ..Default::default()
        };
        for i in 0..2 {
            tape.clear();
            let obs = tape.constant_view(batch.obs.view());
            let act = tape.constant_view(batch.action.view());
            let (q, vars) = self.net.forward_tape(tape, &self.online[i], true, obs, act);
            let y = tape.constant_view(self.y.view());
            let diff = tape.sub(q, y);
            let sq = tape.square(diff);
            let loss = tape.mean(sq);
            let loss_v = Scalar::to_f64(tape.value(loss)[[0, 0]]);
            if i == 0 {
                m.q_mean = mean_f64(tape.value(q));
            }
            tape.backward(loss);
            for (g, v) in self.grads.values_mut().iter_mut().zip(&vars) {
                g.assign(&tape.grad(*v).expect("parameter leaf has a gradient"));
            }
            let norm = self.adam[i].clip_and_step(
                &mut self.online[i],
                &mut self.grads,
                self.settings.max_grad_norm,
            );
            if i == 0 {
                m.grad_norm = norm;
            }
            m.loss += 0.5 * loss_v;
        }
        for i in 0..2 {
            polyak_update(&mut self.target[i], &self.online[i], self.settings.tau);
        }
        m
    }
}

/// Mean of all entries in f64 (NaN for an empty array).
pub fn mean_f64<T: Scalar>(a: ArrayView2<T>) -> f64 {
    a.iter().map(|v| Scalar::to_f64(*v)).sum::<f64>() / a.len() as f64
}

/// Both critics, their targets and optimiser states, under `q1`, `q1_target`, `q1_adam`, ….
impl<T: Scalar> Persist for TwinCritic<T> {
    fn save(&self, w: &mut CheckpointWriter) {
        self.save_weights(w);
        for i in 0..2 {
            let prefix = format!("q{}_target", i + 1);
            w.add_params(&prefix, &self.target[i]);
            w.network(describe(&self.net, &prefix, &self.target[i]));
            save_adam(w, &format!("q{}_adam", i + 1), &self.adam[i]);
        }
    }

    fn load(&mut self, c: &Checkpoint) -> Result<(), CheckpointError> {
        for i in 0..2 {
            c.load_params(&format!("q{}", i + 1), &mut self.online[i])?;
            c.load_params(&format!("q{}_target", i + 1), &mut self.target[i])?;
            let layout = self.online[i].clone();
            load_adam(c, &format!("q{}_adam", i + 1), &mut self.adam[i], &layout)?;
        }
        Ok(())
    }
}

/// The online critics `q1`, `q2`.
impl<T: Scalar> Weights for TwinCritic<T> {
    fn save_weights(&self, w: &mut CheckpointWriter) {
        for i in 0..2 {
            let prefix = format!("q{}", i + 1);
            w.add_params(&prefix, &self.online[i]);
            w.network(describe(&self.net, &prefix, &self.online[i]));
        }
    }

    fn load_weights(&mut self, c: &Checkpoint) -> Result<(), CheckpointError> {
        for i in 0..2 {
            c.load_params(&format!("q{}", i + 1), &mut self.online[i])?;
            self.target[i] = self.online[i].clone();
        }
        Ok(())
    }
}

/// The architecture of the critic `net` stored under `prefix` with parameters `params`.
fn describe<T: Scalar>(net: &CriticNet, prefix: &str, params: &Params<T>) -> NetworkDescription {
    Describer::new(prefix, params).stack(
        &net.stack,
        NetworkKind::Critic,
        format!(
            "Q(s, a) = Dense_1(... relu(Dense_{h}(concat(s, a)))), s: {o}, a: {a}",
            h = net.hidden,
            o = net.obs_dim,
            a = net.action_dim
        ),
        None,
    )
}
