//! The velocity net's sampling evaluation in f32, fused and blocked by rows.
//!
//! Evaluated layer by layer over all `B·P` rows (the generic path of
//! [`super::velocity_net::VelocityField`]), each residual layer is one `8192 × 256 × 256` GEMM
//! that repacks both operands, followed by elementwise passes over 8 MB buffers: `perf` put
//! 87 % of a `paper` update inside that evaluation (presets.md). Here each block of
//! rows ([`block_rows`]: up to 96) runs the whole network while its activations stay in the core's cache:
//!
//! 1. `h = gelu(c_b + Σ_j x_j W_x[j])`, where `c_b = s_b·W_s + emb(λ)·W_λ + b_in + emb(t)·W_t`
//!    is the row constant of state `b` at this step (the `d` columns of `x` as axpys);
//! 2. per residual block: `z = h·W + b` on the packed-weight kernel (weights packed once per
//!    sampling call, [`FusedVelocityNet::new`]), then `h ← h + gelu(z)`;
//! 3. `out = h·W_out + b_out` as `d` dot products.
//!
//! Each row goes through the same operations in the same order whatever block it falls in and
//! whichever thread runs the block, so results are bit-identical across thread counts.

use std::cell::RefCell;

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis};
use rayon::prelude::*;

use crate::linalg::isa::Isa;
use crate::linalg::narrow::{axpy, rows_dot_rows};
use crate::linalg::packed::{Epilogue, PackedWeights, block_rows, packed_gemm_serial};
use crate::nn::fast_gelu::{add_gelu_f32, gelu_in_place_f32};

thread_local! {
    /// `h` and `z` of the block a thread is working on (grown once, then reused).
    static BLOCK: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// The velocity net's weights laid out for the fused evaluation (f32, one sampling call).
pub struct FusedVelocityNet {
    isa: Isa,
    /// `W_x`, `d × H`.
    w_x: Array2<f32>,
    /// Residual blocks: packed `W` (`H × H`) and bias.
    blocks: Vec<(PackedWeights, Vec<f32>)>,
    /// `W_outᵀ`, `d × H` (rows contiguous, for the dot products).
    w_out_t: Array2<f32>,
    b_out: Vec<f32>,
}

impl FusedVelocityNet {
    /// Packs the weights; `None` when the CPU has neither SIMD kernel of
    /// [`crate::linalg::packed`] (callers keep the generic path).
    pub fn new<'a>(
        w_x: ArrayView2<'a, f32>,
        blocks: impl IntoIterator<Item = (ArrayView2<'a, f32>, ArrayView2<'a, f32>)>,
        w_out: ArrayView2<'a, f32>,
        b_out: ArrayView2<'a, f32>,
    ) -> Option<Self> {
        let isa = Isa::detect()?;
        Some(FusedVelocityNet {
            isa,
            w_x: w_x.to_owned(),
            blocks: blocks
                .into_iter()
                .map(|(w, b)| (PackedWeights::pack(w), b.iter().copied().collect()))
                .collect(),
            w_out_t: w_out.t().as_standard_layout().into_owned(),
            b_out: b_out.iter().copied().collect(),
        })
    }

    /// `out` (`(B·P) × d`) = the net at `x` (`(B·P) × d`), where `row_const` (`B × H`) holds
    /// each state's first-layer constant `c_b` at this step and row `r` belongs to state
    /// `r / particles`.
    ///
    /// # Panics
    /// If the shapes do not fit together.
    #[track_caller]
    pub fn eval(
        &self,
        row_const: ArrayView2<'_, f32>,
        particles: usize,
        x: ArrayView2<'_, f32>,
        mut out: ArrayViewMut2<'_, f32>,
    ) {
        let (d, h) = self.w_x.dim();
        assert!(
            x.ncols() == d
                && out.dim() == x.dim()
                && row_const.ncols() == h
                && x.nrows() == row_const.nrows() * particles,
            "fused velocity net: x {:?}, out {:?}, row constants {:?}, {particles} particles",
            x.dim(),
            out.dim(),
            row_const.dim()
        );
        let row_const = row_const.as_standard_layout();
        let block = block_rows(x.nrows());
        let blocks: Vec<_> = x
            .axis_chunks_iter(Axis(0), block)
            .zip(out.axis_chunks_iter_mut(Axis(0), block))
            .enumerate()
            .collect();
        blocks.into_par_iter().for_each(|(i, (xb, ob))| {
            BLOCK.with_borrow_mut(|buf| {
                self.eval_block(&row_const.view(), i * block, particles, xb, ob, buf)
            })
        });
    }

    fn eval_block(
        &self,
        row_const: &ArrayView2<'_, f32>,
        first_row: usize,
        particles: usize,
        x: ArrayView2<'_, f32>,
        mut out: ArrayViewMut2<'_, f32>,
        buf: &mut Vec<f32>,
    ) {
        let (rows, (d, h)) = (x.nrows(), self.w_x.dim());
        if buf.len() < 2 * rows * h {
            buf.resize(2 * rows * h, 0.0);
        }
        let (hb, zb) = buf[..2 * rows * h].split_at_mut(rows * h);
        for (i, hr) in hb.chunks_exact_mut(h).enumerate() {
            let c = row_const.row((first_row + i) / particles);
            hr.copy_from_slice(c.as_slice().expect("standard layout"));
            for j in 0..d {
                let wj = self.w_x.row(j);
                axpy(x[[i, j]], wj.as_slice().expect("owned rows"), hr);
            }
        }
        gelu_in_place_f32(hb);
        for (w, b) in &self.blocks {
            let hv = ArrayView2::from_shape((rows, h), &*hb).expect("block shape");
            let zv = ArrayViewMut2::from_shape((rows, h), &mut *zb).expect("block shape");
            packed_gemm_serial(hv, w, Epilogue::Bias(b), zv, self.isa);
            add_gelu_f32(hb, zb);
        }
        rows_dot_rows(
            hb,
            h,
            self.w_out_t.view(),
            Some(&self.b_out),
            out.view_mut(),
        );
    }
}
