//! The conditional network of the flow and diffusion policies (authors' `ScoreMLP`):
//!
//! `concat(s, x_t, emb(t), emb(λ))` → Dense H → GELU → `n` × (`h ← h + GELU(Dense_H(h))`) → Dense d.
//!
//! All kernels orthogonal(√2) including the output layer, biases zero (authors' `ScoreMLP`, `paper-notes/reference-setup.md`);
//! `emb` is [`crate::nn::sinusoidal_embedding`] with x unscaled.
//!
//! The first layer's kernel is stored as four row blocks (`in.w_obs`, `in.w_x`, `in.w_t`,
//! `in.w_lambda`), which is the same linear map as one Dense over the concatenation (it is
//! initialised as one orthogonal matrix and then split). The split is what makes sampling
//! cheap: the state's and λ's contribution `s·W_s + emb(λ)·W_λ + b` is computed once per
//! sampling call ([`ConditionalField::prepare`]) and the time's `emb(t)·W_t` once per step, so
//! each step's first layer is only the `d`-column product `x·W_x`.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis, s};
use rand::Rng;

use super::field::ConditionalField;
use super::velocity_fused::FusedVelocityNet;
use crate::Scalar;
use crate::checkpoint::describe::{
    Describer, EmbeddingDescription, NetworkDescription, NetworkKind,
};
use crate::nn::embedding::SINUSOIDAL_FORMULA;
use crate::nn::{Activation, Init, ParamId, Params, sinusoidal_embedding};

/// The nonlinearity of the first layer and of every residual block (the forward passes apply
/// [`crate::nn::fast_gelu::gelu`], GELU's tanh form).
pub const FIELD_ACTIVATION: Activation = Activation::Gelu;

/// Sizes of the conditional network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VelocityNetShape {
    /// State dimension.
    pub obs_dim: usize,
    /// Action (latent) dimension d.
    pub action_dim: usize,
    /// Hidden width H (authors: 256).
    pub hidden: usize,
    /// Residual blocks (authors: 2).
    pub residual_blocks: usize,
    /// Width of each sinusoidal embedding (authors: 128).
    pub embed_dim: usize,
}

/// Parameter ids of the network inside its [`Params`] store.
#[derive(Clone, Debug, PartialEq)]
pub struct VelocityNetIds {
    /// First-layer kernel block of the state.
    pub w_obs: ParamId,
    /// First-layer kernel block of `x_t`.
    pub w_x: ParamId,
    /// First-layer kernel block of `emb(t)`.
    pub w_t: ParamId,
    /// First-layer kernel block of `emb(λ)`.
    pub w_lambda: ParamId,
    /// First-layer bias.
    pub b_in: ParamId,
    /// Residual blocks `(W, b)`.
    pub blocks: Vec<(ParamId, ParamId)>,
    /// Output kernel.
    pub w_out: ParamId,
    /// Output bias.
    pub b_out: ParamId,
}

/// The network: shape, parameter ids and the fixed temperature input λ.
#[derive(Clone, Debug, PartialEq)]
pub struct VelocityNet {
    /// Sizes.
    pub shape: VelocityNetShape,
    /// Where the parameters live in the store.
    pub ids: VelocityNetIds,
    /// The temperature fed to `emb(λ)`.
    pub temperature: f64,
}

impl VelocityNet {
    /// Registers freshly initialised parameters (orthogonal √2, zero bias) in `params`.
    pub fn new<T: Scalar, R: Rng + ?Sized>(
        shape: VelocityNetShape,
        temperature: f64,
        params: &mut Params<T>,
        rng: &mut R,
    ) -> Self {
        let init = Init::default();
        let (o, d, h, e) = (
            shape.obs_dim,
            shape.action_dim,
            shape.hidden,
            shape.embed_dim,
        );
        let w_in: Array2<T> = init.weight(o + d + 2 * e, h, rng);
        let w_obs = params.push("in.w_obs", w_in.slice(s![..o, ..]).to_owned());
        let w_x = params.push("in.w_x", w_in.slice(s![o..o + d, ..]).to_owned());
        let w_t = params.push("in.w_t", w_in.slice(s![o + d..o + d + e, ..]).to_owned());
        let w_lambda = params.push("in.w_lambda", w_in.slice(s![o + d + e.., ..]).to_owned());
        let b_in = params.push("in.b", Array2::zeros((1, h)));
        let blocks = (0..shape.residual_blocks)
            .map(|i| {
                let w = params.push(format!("res{i}.w"), init.weight(h, h, rng));
                let b = params.push(format!("res{i}.b"), Array2::zeros((1, h)));
                (w, b)
            })
            .collect();
        let w_out = params.push("out.w", init.weight(h, d, rng));
        let b_out = params.push("out.b", Array2::zeros((1, d)));
        VelocityNet {
            shape,
            ids: VelocityNetIds {
                w_obs,
                w_x,
                w_t,
                w_lambda,
                b_in,
                blocks,
                w_out,
                b_out,
            },
            temperature,
        }
    }

    /// The architecture stored under `prefix` with parameters `params`; `output` names what
    /// the network's output is read as (velocity, ε or score).
    pub fn describe<T: Scalar>(
        &self,
        prefix: &str,
        params: &Params<T>,
        output: &str,
    ) -> NetworkDescription {
        let d = Describer::new(prefix, params);
        let ids = &self.ids;
        let mut layers: Vec<_> = ids
            .blocks
            .iter()
            .map(|&l| d.dense(l, Some(FIELD_ACTIVATION), true))
            .collect();
        layers.push(d.dense((ids.w_out, ids.b_out), None, false));
        d.network(
            NetworkKind::ConditionalField,
            format!(
                "{output} = Dense_{a}(res^{n}(gelu(Dense_{h}(concat(s, x_t, emb(t), emb(lambda)))))), \
                 res(h) = h + gelu(Dense_{h}(h))",
                a = self.shape.action_dim,
                n = self.shape.residual_blocks,
                h = self.shape.hidden
            ),
            vec![
                d.block(ids.w_obs, "s"),
                d.block(ids.w_x, "x_t"),
                d.block(ids.w_t, "emb(t)"),
                d.block(ids.w_lambda, "emb(lambda)"),
            ],
            ids.b_in,
            FIELD_ACTIVATION,
            layers,
            Some(EmbeddingDescription {
                width: self.shape.embed_dim,
                formula: SINUSOIDAL_FORMULA.to_owned(),
                lambda: self.temperature,
            }),
        )
    }

    /// `emb(x)` as a `1 × embed_dim` row.
    pub fn embed_scalar<T: Scalar>(&self, x: f64) -> Array2<T> {
        sinusoidal_embedding(
            Array2::from_elem((1, 1), T::from_f64(x)).view(),
            self.shape.embed_dim,
        )
    }
}

/// A tape-free evaluator of a [`VelocityNet`] with its buffers, implementing
/// [`ConditionalField`] for the samplers.
pub struct VelocityField<'a, T: Scalar> {
    net: &'a VelocityNet,
    params: &'a Params<T>,
    /// Output scaling applied after the net: the field is `scale(t) · net(x, t)`; identity for
    /// velocity and ε-prediction, `−β_t` for a score net read as an ε-prediction.
    output_scale: Option<&'a dyn Fn(f64) -> f64>,
    base: Array2<T>,
    particles: usize,
    /// The fused f32 evaluation, when `T` is f32 and the CPU has a packed-GEMM kernel.
    fused: Option<FusedVelocityNet>,
    row_const: Array2<T>,
    h: Array2<T>,
    z: Array2<T>,
    row: Array2<T>,
}

impl<'a, T: Scalar> VelocityField<'a, T> {
    /// An evaluator of `net` with parameters `params`.
    pub fn new(net: &'a VelocityNet, params: &'a Params<T>) -> Self {
        VelocityField {
            net,
            params,
            output_scale: None,
            base: Array2::zeros((0, 0)),
            particles: 1,
            fused: None,
            row_const: Array2::zeros((0, 0)),
            h: Array2::zeros((0, 0)),
            z: Array2::zeros((0, 0)),
            row: Array2::zeros((1, net.shape.hidden)),
        }
    }

    /// Multiplies the output by `scale(t)` (used to read a score net as an ε-prediction).
    pub fn with_output_scale(mut self, scale: &'a dyn Fn(f64) -> f64) -> Self {
        self.output_scale = Some(scale);
        self
    }
}

impl<T: Scalar> ConditionalField<T> for VelocityField<'_, T> {
    fn prepare(&mut self, obs: ArrayView2<T>, particles: usize) {
        let ids = &self.net.ids;
        let p = self.params;
        let (b, h) = (obs.nrows(), self.net.shape.hidden);
        if self.base.dim() != (b, h) {
            self.base = Array2::zeros((b, h));
        }
        // base = s·W_s + emb(λ)·W_λ + b_in
        let lam = self.net.embed_scalar::<T>(self.net.temperature);
        let mut row = lam.dot(p.get(ids.w_lambda));
        row += p.get(ids.b_in);
        self.base
            .assign(&row.broadcast((b, h)).expect("row broadcast"));
        general_mat_mul(T::one(), &obs, p.get(ids.w_obs), T::one(), &mut self.base);
        self.particles = particles;
        self.fused = self.fuse();
        if self.fused.is_some() {
            return;
        }
        let n = b * particles;
        if self.h.dim() != (n, h) {
            self.h = Array2::zeros((n, h));
            self.z = Array2::zeros((n, h));
        }
    }

    #[track_caller]
    fn eval(&mut self, x: ArrayView2<T>, t: f64, mut out: ArrayViewMut2<T>) {
        let ids = &self.net.ids;
        let p = self.params;
        let n = self.base.nrows() * self.particles;
        assert_eq!(x.nrows(), n, "x must have B·P rows (call prepare first)");
        // Row constant of this step: emb(t)·W_t.
        let et = self.net.embed_scalar::<T>(t);
        general_mat_mul(T::one(), &et, p.get(ids.w_t), T::zero(), &mut self.row);
        if let Some(fused) = &self.fused {
            self.row_const.clone_from(&self.base);
            self.row_const += &self.row;
            let (Some(c), Some(x32), Some(out32)) = (
                T::as_f32(self.row_const.view()),
                T::as_f32(x),
                T::as_f32_mut(out.view_mut()),
            ) else {
                unreachable!("the fused net is built for f32 only")
            };
            fused.eval(c, self.particles, x32, out32);
            self.scale_output(t, out);
            return;
        }
        let pp = self.particles;
        for (r, mut hr) in self.h.axis_iter_mut(Axis(0)).enumerate() {
            let br = self.base.row(r / pp);
            hr.zip_mut_with(&br, |a, &b| *a = b);
            hr += &self.row.row(0);
        }
        general_mat_mul(T::one(), &x, p.get(ids.w_x), T::one(), &mut self.h);
        self.h.mapv_inplace(|v| crate::nn::fast_gelu::gelu(v));
        for &(w, b) in &ids.blocks {
            let zd = self.z.raw_dim();
            self.z
                .assign(&p.get(b).broadcast(zd).expect("bias broadcast"));
            general_mat_mul(T::one(), &self.h, p.get(w), T::one(), &mut self.z);
            self.h
                .zip_mut_with(&self.z, |h, &z| *h += crate::nn::fast_gelu::gelu(z));
        }
        let od = out.raw_dim();
        out.assign(&p.get(ids.b_out).broadcast(od).expect("bias broadcast"));
        general_mat_mul(T::one(), &self.h, p.get(ids.w_out), T::one(), &mut out);
        self.scale_output(t, out);
    }
}

impl<T: Scalar> VelocityField<'_, T> {
    /// The fused f32 evaluator of the current parameters (`None` for f64 or without SIMD).
    fn fuse(&self) -> Option<FusedVelocityNet> {
        let (ids, p) = (&self.net.ids, self.params);
        let f = |id| T::as_f32(p.get(id).view());
        let blocks: Option<Vec<_>> = ids
            .blocks
            .iter()
            .map(|&(w, b)| Some((f(w)?, f(b)?)))
            .collect();
        FusedVelocityNet::new(f(ids.w_x)?, blocks?, f(ids.w_out)?, f(ids.b_out)?)
    }

    fn scale_output(&self, t: f64, mut out: ArrayViewMut2<T>) {
        if let Some(scale) = self.output_scale {
            let c = T::from_f64(scale(t));
            out.mapv_inplace(|v| v * c);
        }
    }
}
