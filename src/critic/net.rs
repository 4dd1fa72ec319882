//! One critic `Q(s, a)`: Dense H → ReLU → … → Dense 1 on `concat(s, a)` (authors' `MLP`,
//! orthogonal √2 kernels, zero biases).
//!
//! The first kernel is stored as two row blocks (`w_obs`, `w_action`), the same linear map as
//! one Dense over the concatenation (initialised as one orthogonal matrix, then split), so that
//! when many actions are scored per state (particles, reverse samples) the state's part
//! `s·W_s + b` is computed once per state.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2, ArrayViewMut1, s};
use rand::Rng;

use super::fused::{CriticOutputs, CriticWeights, FusedCritic};
use crate::Scalar;
use crate::autodiff::{Tape, Var};
use crate::checkpoint::describe::{Describer, NetworkDescription, NetworkKind};
use crate::nn::{Activation, Init, ParamId, Params};

/// Sizes and parameter ids of one critic (identical for every critic built with the same shape).
#[derive(Clone, Debug, PartialEq)]
pub struct CriticNet {
    /// State dimension.
    pub obs_dim: usize,
    /// Action dimension.
    pub action_dim: usize,
    /// Hidden width.
    pub hidden: usize,
    w_obs: ParamId,
    w_action: ParamId,
    b_in: ParamId,
    /// Hidden layers after the first, then the output layer: `(W, b)`.
    layers: Vec<(ParamId, ParamId)>,
}

/// Reusable buffers of the tape-free forward.
#[derive(Clone, Debug, Default)]
pub struct CriticScratch<T> {
    base: Array2<T>,
    h: Array2<T>,
    z: Array2<T>,
    out: Array2<T>,
}

/// The nonlinearity after every hidden layer (the forward passes below apply `max(z, 0)`).
pub const CRITIC_ACTIVATION: Activation = Activation::Relu;

impl CriticNet {
    /// The architecture of the critic stored under `prefix` with parameters `params`.
    pub fn describe<T: Scalar>(&self, prefix: &str, params: &Params<T>) -> NetworkDescription {
        let d = Describer::new(prefix, params);
        let last = self.layers.len() - 1;
        let layers = self
            .layers
            .iter()
            .enumerate()
            .map(|(i, &l)| d.dense(l, (i != last).then_some(CRITIC_ACTIVATION), false))
            .collect();
        d.network(
            NetworkKind::Critic,
            format!(
                "Q(s, a) = Dense_1(... relu(Dense_{h}(concat(s, a)))), s: {o}, a: {a}",
                h = self.hidden,
                o = self.obs_dim,
                a = self.action_dim
            ),
            vec![d.block(self.w_obs, "s"), d.block(self.w_action, "a")],
            self.b_in,
            CRITIC_ACTIVATION,
            layers,
            None,
        )
    }

    /// Registers a freshly initialised critic in a new store and returns both.
    pub fn new<T: Scalar, R: Rng + ?Sized>(
        obs_dim: usize,
        action_dim: usize,
        hidden: usize,
        layers: usize,
        rng: &mut R,
    ) -> (Self, Params<T>) {
        let init = Init::default();
        let mut p = Params::new();
        let w_in: Array2<T> = init.weight(obs_dim + action_dim, hidden, rng);
        let w_obs = p.push("l0.w_obs", w_in.slice(s![..obs_dim, ..]).to_owned());
        let w_action = p.push("l0.w_action", w_in.slice(s![obs_dim.., ..]).to_owned());
        let b_in = p.push("l0.b", Array2::zeros((1, hidden)));
        let mut ls = Vec::new();
        for i in 1..layers {
            let w = p.push(format!("l{i}.w"), init.weight(hidden, hidden, rng));
            let b = p.push(format!("l{i}.b"), Array2::zeros((1, hidden)));
            ls.push((w, b));
        }
        let w = p.push(format!("l{layers}.w"), init.weight(hidden, 1, rng));
        let b = p.push(format!("l{layers}.b"), Array2::zeros((1, 1)));
        ls.push((w, b));
        (
            CriticNet {
                obs_dim,
                action_dim,
                hidden,
                w_obs,
                w_action,
                b_in,
                layers: ls,
            },
            p,
        )
    }

    /// `Q(s_b, a_r)` for `actions` (`B·n × d`, row `r` paired with state `b = r / n`) into `q`,
    /// without a tape.
    ///
    /// # Panics
    /// If `actions.nrows() != obs.nrows() · n` or `q` has the wrong length.
    #[track_caller]
    pub fn q_values<T: Scalar>(
        &self,
        params: &Params<T>,
        obs: ArrayView2<T>,
        actions: ArrayView2<T>,
        n: usize,
        scratch: &mut CriticScratch<T>,
        mut q: ArrayViewMut1<T>,
    ) {
        let rows = actions.nrows();
        assert_eq!(rows, obs.nrows() * n, "actions must have B·n rows");
        assert_eq!(q.len(), rows, "one Q per action row");
        self.repeated_state_part(params, obs, n, scratch);
        general_mat_mul(
            T::one(),
            &actions,
            params.get(self.w_action),
            T::one(),
            &mut scratch.h,
        );
        scratch.h.mapv_inplace(|v| v.max(T::zero()));
        let last = self.layers.len() - 1;
        for (i, &(w, b)) in self.layers.iter().enumerate() {
            let width = params.get(w).ncols();
            let dst = if i == last {
                &mut scratch.out
            } else {
                &mut scratch.z
            };
            resize(dst, rows, width);
            dst.assign(&params.get(b).broadcast((rows, width)).expect("bias"));
            general_mat_mul(T::one(), &scratch.h, params.get(w), T::one(), dst);
            if i != last {
                scratch.z.mapv_inplace(|v| v.max(T::zero()));
                std::mem::swap(&mut scratch.h, &mut scratch.z);
            }
        }
        q.assign(&scratch.out.column(0));
    }

    /// The fused f32 evaluator of this critic at the states `obs` (`None` for f64, or on a CPU
    /// without the packed-GEMM kernels: callers keep the layer-by-layer path).
    pub fn fused<T: Scalar>(
        &self,
        params: &Params<T>,
        obs: ArrayView2<T>,
        outputs: CriticOutputs,
    ) -> Option<FusedCritic> {
        let f = |id: ParamId| T::as_f32(params.get(id).view());
        let (last, hidden) = self.layers.split_last().expect("an output layer");
        let weights = CriticWeights {
            w_obs: f(self.w_obs)?,
            w_action: f(self.w_action)?,
            b_in: f(self.b_in)?,
            hidden: hidden
                .iter()
                .map(|&(w, b)| Some((f(w)?, f(b)?)))
                .collect::<Option<_>>()?,
            out: (f(last.0)?, f(last.1)?),
        };
        FusedCritic::new(&weights, T::as_f32(obs)?, outputs)
    }

    /// Records `Q(s, a)` on `tape` (`B × 1`), with the parameters as leaves (`as_leaves`, to
    /// train them) or constants, `obs` a `B × obs_dim` input and `action` a `B × d` input.
    /// Returns the output and the parameter handles in store order.
    pub fn forward_tape<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        params: &Params<T>,
        as_leaves: bool,
        obs: Var,
        action: Var,
    ) -> (Var, Vec<Var>) {
        let vars: Vec<Var> = params
            .values()
            .iter()
            .map(|v| {
                if as_leaves {
                    tape.leaf_view(v.view())
                } else {
                    tape.constant_view(v.view())
                }
            })
            .collect();
        let v = |id: ParamId| vars[id.index()];
        let zs = tape.matmul(obs, v(self.w_obs));
        let za = tape.matmul(action, v(self.w_action));
        let z = tape.add(zs, za);
        let z = tape.add_row(z, v(self.b_in));
        let mut h = tape.relu(z);
        let last = self.layers.len() - 1;
        for (i, &(w, b)) in self.layers.iter().enumerate() {
            h = if i == last {
                tape.affine(h, v(w), v(b))
            } else {
                tape.affine_relu(h, v(w), v(b))
            };
        }
        (h, vars)
    }

    /// Records `Q(s_b, a_r)` for `B·n` action rows with the parameters as constants, the state
    /// part computed once per state and repeated (`obs` is `B × obs_dim` data, `action` a
    /// `B·n × d` tape input). Used for `∇_a Q`.
    pub fn forward_tape_repeated<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        params: &Params<T>,
        obs: ArrayView2<T>,
        n: usize,
        action: Var,
        scratch: &mut CriticScratch<T>,
    ) -> Var {
        self.repeated_state_part(params, obs, n, scratch);
        let base = tape.constant_view(scratch.h.view());
        let wa = tape.constant_view(params.get(self.w_action).view());
        let za = tape.matmul(action, wa);
        let z = tape.add(base, za);
        let mut hv = tape.relu(z);
        let last = self.layers.len() - 1;
        for (i, &(w, b)) in self.layers.iter().enumerate() {
            let wv = tape.constant_view(params.get(w).view());
            let bv = tape.constant_view(params.get(b).view());
            hv = if i == last {
                tape.affine(hv, wv, bv)
            } else {
                tape.affine_relu(hv, wv, bv)
            };
        }
        hv
    }
}

impl CriticNet {
    /// `scratch.h[r] = s_{r/n}·W_s + b_0` for `B·n` rows: the state's part of the first layer,
    /// computed once per state and repeated for its `n` actions.
    fn repeated_state_part<T: Scalar>(
        &self,
        params: &Params<T>,
        obs: ArrayView2<T>,
        n: usize,
        scratch: &mut CriticScratch<T>,
    ) {
        let (b, h) = (obs.nrows(), self.hidden);
        resize(&mut scratch.base, b, h);
        scratch
            .base
            .assign(&params.get(self.b_in).broadcast((b, h)).expect("bias"));
        general_mat_mul(
            T::one(),
            &obs,
            params.get(self.w_obs),
            T::one(),
            &mut scratch.base,
        );
        resize(&mut scratch.h, b * n, h);
        for (r, mut row) in scratch.h.rows_mut().into_iter().enumerate() {
            row.assign(&scratch.base.row(r / n));
        }
    }
}

fn resize<T: Scalar>(a: &mut Array2<T>, rows: usize, cols: usize) {
    if a.dim() != (rows, cols) {
        *a = Array2::zeros((rows, cols));
    }
}
