//! The interface between a sampler and the network it integrates, and the velocity net's
//! implementation of it.
//!
//! A sampler integrates `B·P` rows at once (`P` particles per state, rows state-major:
//! row `b·P + p` belongs to state `b`). The network is told the states once per sampling call
//! ([`ConditionalField::prepare`]), so everything that depends only on the state (for the
//! velocity net: the state's and λ's contribution to the first layer) is computed once and
//! reused at every step.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use crate::Scalar;
use crate::nn::Params;
use crate::nn::block_dense::InputBlock;
use crate::nn::stack::StackScratch;
use crate::nn::stack_fused::{FusedOutputs, FusedStack};
use crate::nn::velocity_net::VelocityNet;

/// A time-dependent vector field conditioned on the state: a flow velocity, an ε-prediction
/// or a score, depending on the policy.
pub trait ConditionalField<T: Scalar> {
    /// Caches the conditioning on `obs` (`B × obs_dim`), each row repeated `particles` times.
    fn prepare(&mut self, obs: ArrayView2<T>, particles: usize);
    /// Writes the field at `x` (`(B·P) × d`) and time `t` (shared by all rows) into `out`.
    ///
    /// # Panics
    /// Implementations panic when `x` does not have the `B·P` rows of the last `prepare`.
    fn eval(&mut self, x: ArrayView2<T>, t: f64, out: ArrayViewMut2<T>);
}

/// The [`VelocityNet`] as a [`ConditionalField`], without a tape: the fused f32 backend
/// ([`FusedStack`]) when `T` is f32 and the CPU has a packed-GEMM kernel, else the
/// layer-by-layer backend ([`crate::nn::stack::Stack::infer`]).
pub struct VelocityField<'a, T: Scalar> {
    net: &'a VelocityNet,
    params: &'a Params<T>,
    /// Output scaling applied after the net: the field is `scale(t) · net(x, t)`; identity for
    /// velocity and ε-prediction, `−β_t` for a score net read as an ε-prediction.
    output_scale: Option<&'a dyn Fn(f64) -> f64>,
    /// `b + emb(λ)·W_λ + s_b·W_s`, `B × H` (per sampling call).
    base: Array2<T>,
    /// `base + emb(t)·W_t` (per step).
    step: Array2<T>,
    particles: usize,
    fused: Option<FusedStack>,
    scratch: StackScratch<T>,
}

impl<'a, T: Scalar> VelocityField<'a, T> {
    /// An evaluator of `net` with parameters `params`.
    pub fn new(net: &'a VelocityNet, params: &'a Params<T>) -> Self {
        VelocityField {
            net,
            params,
            output_scale: None,
            base: Array2::zeros((0, 0)),
            step: Array2::zeros((0, 0)),
            particles: 1,
            fused: None,
            scratch: StackScratch::default(),
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
        self.net.row_constants(self.params, obs, &mut self.base);
        self.particles = particles;
        self.fused = FusedStack::new(
            &self.net.stack,
            self.params,
            InputBlock::Latent,
            FusedOutputs::Values,
        );
    }

    #[track_caller]
    fn eval(&mut self, x: ArrayView2<T>, t: f64, mut out: ArrayViewMut2<T>) {
        let n = self.base.nrows() * self.particles;
        assert_eq!(x.nrows(), n, "x must have B·P rows (call prepare first)");
        self.net
            .step_constants(self.params, self.base.view(), t, &mut self.step);
        let fused = self.fused.as_ref().and_then(|f| {
            Some((
                f,
                T::as_f32(self.step.view())?,
                T::as_f32(x)?,
                T::as_f32_mut(out.view_mut())?,
            ))
        });
        if let Some((f, c, x32, out32)) = fused {
            f.eval(c, self.particles, x32, out32, None);
        } else {
            self.net.stack.infer(
                self.params,
                self.step.view(),
                self.particles,
                &[(InputBlock::Latent, x)],
                &mut self.scratch,
                out.view_mut(),
            );
        }
        if let Some(scale) = self.output_scale {
            let c = T::from_f64(scale(t));
            out.mapv_inplace(|v| v * c);
        }
    }
}
