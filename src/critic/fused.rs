//! One critic's `Q(s_b, a_r)` and `∇_a Q` in f32, fused and blocked by rows, for the many
//! actions scored per state (particles when acting, the estimator's `B·K` reverse samples).
//!
//! Layer by layer (the generic path of [`super::net::CriticNet`] and the tape), each
//! `25600 × 256 × 256` product repacks its operands and every layer makes elementwise passes
//! over 26 MB buffers; `perf` put the critic at ≈ 45 % of a `paper` update once sampling was
//! fused. Here each block of rows ([`block_rows`]: up to 96) runs forward and backward while its
//! activations stay in the core's cache:
//!
//! - forward: `h_0 = relu(c_b + Σ_j a_j W_a[j])` with `c_b = s_b·W_s + b_0` (axpys),
//!   `h_l = relu(h_{l−1}·W_l + b_l)` on the packed-weight kernel with the bias and ReLU fused,
//!   `Q = h_L·w + b` (a dot product);
//! - backward (the chain rule of the same network, ReLU derivative 0 at 0 as in the tape):
//!   `g_L = w ⊙ [h_L > 0]`, `g_{l−1} = (g_l·W_lᵀ) ⊙ [h_{l−1} > 0]` (packed `W_lᵀ`),
//!   `∂Q/∂a_j = ⟨g_0, W_a[j]⟩`.
//!
//! Every row goes through the same operations whatever block and thread computes it, so the
//! results are bit-identical across thread counts.

use std::cell::RefCell;

use ndarray::{Array2, ArrayView2, ArrayViewMut1, ArrayViewMut2, Axis};
use rayon::prelude::*;

use crate::linalg::isa::Isa;
use crate::linalg::narrow::{axpy, dots, rows_dot_rows};
use crate::linalg::packed::{Epilogue, PackedWeights, block_rows, packed_gemm_serial};

thread_local! {
    /// Activations and cotangents of the block a thread is working on (grown, then reused).
    static BLOCK: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// What a [`FusedCritic`] will be asked for: `∇_a Q` needs each hidden `Wᵀ` packed too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CriticOutputs {
    /// `Q` only (particle scoring, TD targets).
    Values,
    /// `Q` and `∇_a Q` (the estimator).
    ValuesAndGradients,
}

/// One critic's weights laid out for the fused evaluation, and its states' row constants.
pub struct FusedCritic {
    isa: Isa,
    /// `c_b = s_b·W_s + b_0`, `B × H`.
    row_const: Array2<f32>,
    /// `W_a`, `d × H`.
    w_a: Array2<f32>,
    /// Hidden layers after the first: packed `W_l`, packed `W_lᵀ` (for gradients), `b_l`.
    hidden: Vec<(PackedWeights, Option<PackedWeights>, Vec<f32>)>,
    /// Output weights (`H`) and bias.
    w_out: Vec<f32>,
    b_out: f32,
}

/// The layers of a critic as f32 views: first-layer blocks, hidden `(W, b)`, output `(w, b)`.
pub struct CriticWeights<'a> {
    /// `W_s`, `obs_dim × H`.
    pub w_obs: ArrayView2<'a, f32>,
    /// `W_a`, `d × H`.
    pub w_action: ArrayView2<'a, f32>,
    /// `b_0`, `1 × H`.
    pub b_in: ArrayView2<'a, f32>,
    /// Hidden layers after the first, `(H × H, 1 × H)`.
    pub hidden: Vec<(ArrayView2<'a, f32>, ArrayView2<'a, f32>)>,
    /// Output layer `(H × 1, 1 × 1)`.
    pub out: (ArrayView2<'a, f32>, ArrayView2<'a, f32>),
}

impl FusedCritic {
    /// Packs the weights for `outputs` and computes the row constants of `obs`
    /// (`B × obs_dim`); `None` when the CPU has neither SIMD kernel of [`crate::linalg::packed`].
    pub fn new(
        weights: &CriticWeights<'_>,
        obs: ArrayView2<'_, f32>,
        outputs: CriticOutputs,
    ) -> Option<Self> {
        let isa = Isa::detect()?;
        let row_const = obs.dot(&weights.w_obs) + &weights.b_in;
        Some(FusedCritic {
            isa,
            row_const,
            w_a: weights.w_action.to_owned(),
            hidden: weights
                .hidden
                .iter()
                .map(|(w, b)| {
                    (
                        PackedWeights::pack(*w),
                        (outputs == CriticOutputs::ValuesAndGradients)
                            .then(|| PackedWeights::pack(w.t())),
                        b.iter().copied().collect(),
                    )
                })
                .collect(),
            w_out: weights.out.0.iter().copied().collect(),
            b_out: weights.out.1[[0, 0]],
        })
    }

    /// `q[r] = Q(s_{r/n}, a_r)` and, when `grad` is given, `grad[r] = ∇_a Q(s_{r/n}, a_r)`.
    ///
    /// # Panics
    /// If `actions` does not have `B·n` rows of `d`, or `q` / `grad` do not match it, or a
    /// gradient is asked of a critic built for [`CriticOutputs::Values`].
    #[track_caller]
    pub fn evaluate(
        &self,
        n: usize,
        actions: ArrayView2<'_, f32>,
        mut q: ArrayViewMut1<'_, f32>,
        grad: Option<ArrayViewMut2<'_, f32>>,
    ) {
        let (d, rows) = (self.w_a.nrows(), actions.nrows());
        assert!(
            actions.ncols() == d && rows == self.row_const.nrows() * n && q.len() == rows,
            "fused critic: actions {:?}, {} Q values, {} states × {n}",
            actions.dim(),
            q.len(),
            self.row_const.nrows()
        );
        let block = block_rows(rows);
        let q_blocks = q.axis_chunks_iter_mut(Axis(0), block);
        let a_blocks = actions.axis_chunks_iter(Axis(0), block);
        match grad {
            Some(mut g) => {
                assert_eq!(g.dim(), actions.dim(), "fused critic: gradient shape");
                assert!(
                    self.hidden.iter().all(|l| l.1.is_some()),
                    "fused critic: built for CriticOutputs::Values, asked for ∇_a Q"
                );
                let jobs: Vec<_> = a_blocks
                    .zip(q_blocks)
                    .zip(g.axis_chunks_iter_mut(Axis(0), block))
                    .enumerate()
                    .collect();
                jobs.into_par_iter().for_each(|(i, ((a, q), g))| {
                    self.run_block(i * block, n, a, q, Some(g));
                });
            }
            None => {
                let jobs: Vec<_> = a_blocks.zip(q_blocks).enumerate().collect();
                jobs.into_par_iter()
                    .for_each(|(i, (a, q))| self.run_block(i * block, n, a, q, None));
            }
        }
    }

    fn run_block(
        &self,
        first_row: usize,
        n: usize,
        a: ArrayView2<'_, f32>,
        mut q: ArrayViewMut1<'_, f32>,
        grad: Option<ArrayViewMut2<'_, f32>>,
    ) {
        let (rows, (d, h)) = (a.nrows(), self.w_a.dim());
        let layers = self.hidden.len() + 1;
        let size = rows * h;
        BLOCK.with_borrow_mut(|buf| {
            // `layers` activations, then two cotangent buffers.
            if buf.len() < (layers + 2) * size {
                buf.resize((layers + 2) * size, 0.0);
            }
            let (acts, cot) = buf[..(layers + 2) * size].split_at_mut(layers * size);
            let h0 = &mut acts[..size];
            for (i, hr) in h0.chunks_exact_mut(h).enumerate() {
                let c = self.row_const.row((first_row + i) / n);
                hr.copy_from_slice(c.as_slice().expect("owned rows"));
                for j in 0..d {
                    axpy(
                        a[[i, j]],
                        self.w_a.row(j).as_slice().expect("owned rows"),
                        hr,
                    );
                }
            }
            relu_in_place(h0);
            for (l, (w, _, b)) in self.hidden.iter().enumerate() {
                let (prev, next) = acts.split_at_mut((l + 1) * size);
                let x = ArrayView2::from_shape((rows, h), &prev[l * size..]).expect("block");
                let y = ArrayViewMut2::from_shape((rows, h), &mut next[..size]).expect("block");
                packed_gemm_serial(x, w, Epilogue::BiasRelu(b), y, self.isa);
            }
            let last = &acts[(layers - 1) * size..layers * size];
            let mut y = [0f32; 1];
            for (hr, qr) in last.chunks_exact(h).zip(q.iter_mut()) {
                dots(hr, &[&self.w_out], &mut y);
                *qr = y[0] + self.b_out;
            }
            let Some(mut grad) = grad else { return };
            let (g, g_next) = cot.split_at_mut(size);
            for gr in g.chunks_exact_mut(h) {
                gr.copy_from_slice(&self.w_out);
            }
            mask_by_positive(g, last);
            let (mut g, mut g_next) = (g, g_next);
            for (l, (_, wt, _)) in self.hidden.iter().enumerate().rev() {
                let gv = ArrayView2::from_shape((rows, h), &*g).expect("block");
                let out = ArrayViewMut2::from_shape((rows, h), &mut *g_next).expect("block");
                let wt = wt.as_ref().expect("checked in evaluate");
                packed_gemm_serial(gv, wt, Epilogue::None, out, self.isa);
                mask_by_positive(g_next, &acts[l * size..(l + 1) * size]);
                std::mem::swap(&mut g, &mut g_next);
            }
            // ∂Q/∂a_j = ⟨g_0, W_a[j]⟩
            rows_dot_rows(g, h, self.w_a.view(), None, grad.view_mut());
        });
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
