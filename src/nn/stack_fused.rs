//! The fused f32 backend of a [`Stack`]: the whole network run block of rows by block of rows
//! ([`block_rows`]: up to 96) while the block's activations stay in the core's cache, on
//! weights packed once per call site ([`FusedStack::new`]).
//!
//! Layer by layer over all rows (the [`Stack::infer`] backend), each `25600 × 256 × 256`
//! product repacks its operands and every layer makes elementwise passes over 26 MB buffers:
//! `perf` put the velocity net at 87 % of a `paper` update before sampling was fused, and the
//! critic at ≈ 45 % after. Per block:
//!
//! - first layer: `h = act(c_b + Σ_j x_j W_x[j])`, where `c_b` is the row constant of the
//!   block's state ([`super::block_dense::BlockDense::row_constants`]) and the `d` columns of
//!   the varying input `x` are axpys;
//! - trunk: `Dense` ReLU as the packed kernel with bias and ReLU fused; `Residual` GELU as the
//!   packed kernel with the bias, then `h ← h + gelu(z)`;
//! - output: `y = h·W_out + b_out` as dot products against the rows of `W_outᵀ`;
//! - backward, for a scalar output over ReLU layers (the critic's `∇_a Q`; ReLU derivative 0
//!   at 0 as in the tape): `g_L = w ⊙ [h_L > 0]`, `g_{l−1} = (g_l·W_lᵀ) ⊙ [h_{l−1} > 0]`
//!   (packed `W_lᵀ`), `∂y/∂x_j = ⟨g_0, W_x[j]⟩`.
//!
//! Every row goes through the same operations whatever block and thread computes it, so the
//! results are bit-identical across thread counts.

use std::cell::RefCell;

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis};
use rayon::prelude::*;

use super::block_dense::InputBlock;
use super::fast_gelu::{add_gelu_f32, gelu_in_place_f32};
use super::stack::{Layer, Stack};
use super::{Activation, Params};
use crate::Scalar;
use crate::linalg::isa::Isa;
use crate::linalg::narrow::{axpy, rows_dot_rows};
use crate::linalg::packed::{Epilogue, PackedWeights, block_rows, packed_gemm_serial};

thread_local! {
    /// Activations and cotangents of the block a thread is working on (grown, then reused).
    static BLOCK: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// What a [`FusedStack`] will be asked for: gradients need each trunk `Wᵀ` packed too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FusedOutputs {
    /// The output only (particle scoring, TD targets, sampling).
    Values,
    /// The output and its gradient with respect to the varying input (the estimator's `∇_a Q`).
    ValuesAndGradients,
}

struct FusedLayer {
    residual: bool,
    w: PackedWeights,
    wt: Option<PackedWeights>,
    b: Vec<f32>,
}

/// A [`Stack`]'s weights laid out for the fused evaluation.
pub struct FusedStack {
    isa: Isa,
    first_activation: Activation,
    /// The varying input's kernel block, `d × H`.
    w_x: Array2<f32>,
    trunk: Vec<FusedLayer>,
    /// `W_outᵀ`, `out × H` (rows contiguous, for the dot products).
    w_out_t: Array2<f32>,
    b_out: Vec<f32>,
}

impl FusedStack {
    /// Packs `stack`'s parameters for evaluations that vary `varying` row by row. `None` when
    /// `T` is not f32, the CPU has neither SIMD kernel of [`crate::linalg::packed`], or the
    /// stack has a layer this backend does not fuse (callers then use [`Stack::infer`]):
    /// fused are ReLU or GELU after the first layer, `Dense` ReLU and `Residual` GELU square
    /// trunk layers; gradients need ReLU throughout and one output.
    pub fn new<T: Scalar>(
        stack: &Stack,
        params: &Params<T>,
        varying: InputBlock,
        outputs: FusedOutputs,
    ) -> Option<Self> {
        let isa = Isa::detect()?;
        let f = |id| T::as_f32(params.get(id).view());
        let h = stack.hidden();
        let relu_only = stack.activation == Activation::Relu
            && stack.trunk.iter().all(|l| {
                matches!(
                    l,
                    Layer::Dense {
                        activation: Activation::Relu,
                        ..
                    }
                )
            });
        let gradients = outputs == FusedOutputs::ValuesAndGradients;
        if !matches!(stack.activation, Activation::Relu | Activation::Gelu)
            || (gradients && !(relu_only && params.get(stack.output.0).ncols() == 1))
        {
            return None;
        }
        let mut trunk = Vec::with_capacity(stack.trunk.len());
        for layer in &stack.trunk {
            let (w, b, act) = layer.parts();
            let residual = match (layer, act) {
                (Layer::Dense { .. }, Activation::Relu) => false,
                (Layer::Residual { .. }, Activation::Gelu) => true,
                _ => return None,
            };
            let w = f(w)?;
            if w.dim() != (h, h) {
                return None;
            }
            trunk.push(FusedLayer {
                residual,
                w: PackedWeights::pack(w),
                wt: gradients.then(|| PackedWeights::pack(w.t())),
                b: f(b)?.iter().copied().collect(),
            });
        }
        Some(FusedStack {
            isa,
            first_activation: stack.activation,
            w_x: f(stack.first.block(varying).weight)?.to_owned(),
            trunk,
            w_out_t: f(stack.output.0)?.t().as_standard_layout().into_owned(),
            b_out: f(stack.output.1)?.iter().copied().collect(),
        })
    }

    /// `out[r]` = the network at row `r` of `x` and the row constant `c[r / n]`, and, when
    /// `grad` is given, `grad[r] = ∂out[r]/∂x[r]` (one output).
    ///
    /// # Panics
    /// If the shapes do not fit together, or a gradient is asked of a stack packed for
    /// [`FusedOutputs::Values`].
    #[track_caller]
    pub fn eval(
        &self,
        c: ArrayView2<'_, f32>,
        n: usize,
        x: ArrayView2<'_, f32>,
        mut out: ArrayViewMut2<'_, f32>,
        grad: Option<ArrayViewMut2<'_, f32>>,
    ) {
        let (d, h) = self.w_x.dim();
        let rows = x.nrows();
        assert!(
            x.ncols() == d
                && c.ncols() == h
                && rows == c.nrows() * n
                && out.dim() == (rows, self.w_out_t.nrows()),
            "fused stack: x {:?}, out {:?}, row constants {:?}, {n} rows per state",
            x.dim(),
            out.dim(),
            c.dim()
        );
        let c = c.as_standard_layout();
        let block = block_rows(rows);
        let x_blocks = x.axis_chunks_iter(Axis(0), block);
        let out_blocks = out.axis_chunks_iter_mut(Axis(0), block);
        let run = |i: usize, x, out, grad| {
            BLOCK.with_borrow_mut(|buf| self.run_block(&c.view(), i * block, n, x, out, grad, buf))
        };
        match grad {
            Some(mut g) => {
                assert_eq!(g.dim(), x.dim(), "fused stack: gradient shape");
                assert!(
                    self.trunk.iter().all(|l| l.wt.is_some()),
                    "fused stack: packed for FusedOutputs::Values, asked for a gradient"
                );
                let jobs: Vec<_> = x_blocks
                    .zip(out_blocks)
                    .zip(g.axis_chunks_iter_mut(Axis(0), block))
                    .enumerate()
                    .collect();
                jobs.into_par_iter()
                    .for_each(|(i, ((x, o), g))| run(i, x, o, Some(g)));
            }
            None => {
                let jobs: Vec<_> = x_blocks.zip(out_blocks).enumerate().collect();
                jobs.into_par_iter()
                    .for_each(|(i, (x, o))| run(i, x, o, None));
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run_block(
        &self,
        c: &ArrayView2<'_, f32>,
        first_row: usize,
        n: usize,
        x: ArrayView2<'_, f32>,
        out: ArrayViewMut2<'_, f32>,
        grad: Option<ArrayViewMut2<'_, f32>>,
        buf: &mut Vec<f32>,
    ) {
        let (rows, (d, h)) = (x.nrows(), self.w_x.dim());
        let size = rows * h;
        // With a gradient: every layer's activation, then two cotangents; else two buffers.
        let slots = if grad.is_some() {
            self.trunk.len() + 3
        } else {
            2
        };
        if buf.len() < slots * size {
            buf.resize(slots * size, 0.0);
        }
        let buf = &mut buf[..slots * size];
        let h0 = &mut buf[..size];
        for (i, hr) in h0.chunks_exact_mut(h).enumerate() {
            let cr = c.row((first_row + i) / n);
            hr.copy_from_slice(cr.as_slice().expect("standard layout"));
            for j in 0..d {
                axpy(
                    x[[i, j]],
                    self.w_x.row(j).as_slice().expect("owned rows"),
                    hr,
                );
            }
        }
        match self.first_activation {
            Activation::Relu => relu_in_place(h0),
            _ => gelu_in_place_f32(h0),
        }
        let mut cur = 0;
        for (l, layer) in self.trunk.iter().enumerate() {
            let next = if grad.is_some() { l + 1 } else { 1 - cur };
            let (lo, hi) = buf.split_at_mut(cur.max(next) * size);
            let (src, dst) = if cur < next {
                (&mut lo[cur * size..], &mut hi[..size])
            } else {
                (&mut hi[..size], &mut lo[next * size..next * size + size])
            };
            let xv = ArrayView2::from_shape((rows, h), &src[..size]).expect("block");
            let zv = ArrayViewMut2::from_shape((rows, h), &mut *dst).expect("block");
            if layer.residual {
                packed_gemm_serial(xv, &layer.w, Epilogue::Bias(&layer.b), zv, self.isa);
                add_gelu_f32(&mut src[..size], dst);
            } else {
                packed_gemm_serial(xv, &layer.w, Epilogue::BiasRelu(&layer.b), zv, self.isa);
                cur = next;
            }
        }
        let last = &buf[cur * size..(cur + 1) * size];
        rows_dot_rows(last, h, self.w_out_t.view(), Some(&self.b_out), out);
        let Some(grad) = grad else { return };
        let layers = self.trunk.len() + 1;
        let (acts, cot) = buf.split_at_mut(layers * size);
        let (g, g_next) = cot.split_at_mut(size);
        for gr in g.chunks_exact_mut(h) {
            gr.copy_from_slice(self.w_out_t.row(0).as_slice().expect("owned rows"));
        }
        mask_by_positive(g, &acts[(layers - 1) * size..]);
        let (mut g, mut g_next) = (g, g_next);
        for (l, layer) in self.trunk.iter().enumerate().rev() {
            let gv = ArrayView2::from_shape((rows, h), &*g).expect("block");
            let o = ArrayViewMut2::from_shape((rows, h), &mut *g_next).expect("block");
            let wt = layer.wt.as_ref().expect("checked in eval");
            packed_gemm_serial(gv, wt, Epilogue::None, o, self.isa);
            mask_by_positive(g_next, &acts[l * size..(l + 1) * size]);
            std::mem::swap(&mut g, &mut g_next);
        }
        // ∂y/∂x_j = ⟨g_0, W_x[j]⟩
        rows_dot_rows(g, h, self.w_x.view(), None, grad);
    }
}

/// `h ← max(h, 0)`, written as a select so that it vectorises (AVX-512 when present); a NaN
/// becomes 0, as with the tape's `relu`.
fn relu_in_place(h: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F (checked).
        return unsafe { relu_in_place_avx512(h) };
    }
    relu_in_place_any(h)
}

#[inline(always)]
fn relu_in_place_any(h: &mut [f32]) {
    h.iter_mut()
        .for_each(|v| *v = if *v > 0.0 { *v } else { 0.0 });
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn relu_in_place_avx512(h: &mut [f32]) {
    relu_in_place_any(h)
}

/// `g ← g ⊙ [h > 0]` (the ReLU's derivative, 0 at 0, as in the tape), as a select.
fn mask_by_positive(g: &mut [f32], h: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU has AVX-512F (checked).
        return unsafe { mask_by_positive_avx512(g, h) };
    }
    mask_by_positive_any(g, h)
}

#[inline(always)]
fn mask_by_positive_any(g: &mut [f32], h: &[f32]) {
    g.iter_mut()
        .zip(h)
        .for_each(|(g, &h)| *g = if h > 0.0 { *g } else { 0.0 });
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn mask_by_positive_avx512(g: &mut [f32], h: &[f32]) {
    mask_by_positive_any(g, h)
}
