//! f32 GEMM against weights packed once: `C (m×n) = A (m×k) · W (k×n)` with an optional fused
//! epilogue (bias, ReLU), for the big layers of the critic and the policies.
//!
//! matrixmultiply repacks both operands on every call: the constant `256 × 256` weight and the
//! whole `8192 × 256` activation (13–18 % of the critic's `∇ₐQ` profile). Here `W` is packed
//! once into [`NR`]-wide column panels ([`PackedWeights`], rebuilt when the parameters change)
//! and `A` is read in place: the microkernel broadcasts `A[i,p]` from memory and multiplies it
//! into an `MR × NR` register tile (AVX-512F: 12 × 32 in 24 zmm accumulators; AVX2+FMA:
//! 3 × 32 in 12 ymm). Row blocks run in parallel (rayon); each output element is one sequential
//! fused-multiply-add chain over `p = 0..k` whatever the ISA or the thread count, so results
//! are bit-identical across both. `Wᵀ` products (the backward `G·Wᵀ`) use a second packing,
//! [`PackedWeights::pack`] of the `w.t()` view.

use ndarray::{ArrayView2, ArrayViewMut2, Axis};

use super::isa::{Isa, NR};
use super::packed_tiles::{Tile, run_tile};
use rayon::prelude::*;

/// Most rows per block of the fused row-blocked networks (`nn::stack_fused`:
/// the velocity net and the critic): a multiple of the AVX-512 tile height 12; two `96 × 256` f32 activation
/// buffers take 192 KiB, inside a core's L2.
pub const MAX_BLOCK_ROWS: usize = 96;

/// Rows per block for `rows` rows on the current rayon pool: about four blocks per thread so
/// that small batches (256 rows) still keep every thread busy, a multiple of 12, at most
/// [`MAX_BLOCK_ROWS`]. Each row is computed alone, so the choice never changes a result.
pub fn block_rows(rows: usize) -> usize {
    let per_block = rows.div_ceil(4 * rayon::current_num_threads());
    per_block.next_multiple_of(12).clamp(12, MAX_BLOCK_ROWS)
}

/// `W (k×n)` stored as `⌈n/NR⌉` panels, each `k × NR` row-major, zero-padded past `n`.
#[derive(Clone, Debug, Default)]
pub struct PackedWeights {
    k: usize,
    n: usize,
    panels: Vec<f32>,
}

impl PackedWeights {
    /// Packs `w` (any strides; pass `w.t()` to pack `Wᵀ`).
    pub fn pack(w: ArrayView2<'_, f32>) -> Self {
        let mut p = Self::default();
        p.repack(w);
        p
    }

    /// Packs `w` into this buffer, reusing its allocation.
    pub fn repack(&mut self, w: ArrayView2<'_, f32>) {
        let (k, n) = w.dim();
        let np = n.div_ceil(NR);
        self.k = k;
        self.n = n;
        self.panels.clear();
        self.panels.resize(np * k * NR, 0.0);
        for (j, panel) in self.panels.chunks_exact_mut((k * NR).max(1)).enumerate() {
            let cols = (n - j * NR).min(NR);
            for p in 0..k {
                for c in 0..cols {
                    panel[p * NR + c] = w[[p, j * NR + c]];
                }
            }
        }
    }

    /// `(k, n)` of the packed matrix.
    pub fn dim(&self) -> (usize, usize) {
        (self.k, self.n)
    }

    fn panel(&self, j: usize) -> &[f32] {
        &self.panels[j * self.k * NR..(j + 1) * self.k * NR]
    }
}

/// What happens to a tile after its products, while it is in registers.
#[derive(Clone, Copy, Debug)]
pub enum Epilogue<'a> {
    /// `C = A·W`.
    None,
    /// `C = A·W + b` (`b` has `n` entries).
    Bias(&'a [f32]),
    /// `C = max(0, A·W + b)`.
    BiasRelu(&'a [f32]),
}

/// `C ← A·W` then the epilogue, with the kernel of `isa`; blocks of rows run in parallel
/// (rayon) when the product is large.
///
/// # Panics
/// If shapes do not chain (`A: m×k`, `W: k×n`, `C: m×n`, bias of length `n`), if `A` or `C`
/// rows are not contiguous, or if the CPU lacks the features of `isa`.
#[track_caller]
pub fn packed_gemm(
    a: ArrayView2<'_, f32>,
    w: &PackedWeights,
    epilogue: Epilogue<'_>,
    mut c: ArrayViewMut2<'_, f32>,
    isa: Isa,
) {
    check(&a, w, epilogue, &c, isa);
    let (m, k) = a.dim();
    let blocks = a
        .axis_chunks_iter(Axis(0), block_rows(m))
        .zip(c.axis_chunks_iter_mut(Axis(0), block_rows(m)));
    let block = |(a_blk, c_blk)| run_block(a_blk, w, epilogue, c_blk, isa);
    if m * w.n * k >= 1 << 20 {
        blocks.collect::<Vec<_>>().into_par_iter().for_each(block);
    } else {
        blocks.for_each(block);
    }
}

/// [`packed_gemm`] on the calling thread only: for callers that already run blocks of rows in
/// parallel (the fused sampling network).
///
/// # Panics
/// As [`packed_gemm`].
#[track_caller]
pub fn packed_gemm_serial(
    a: ArrayView2<'_, f32>,
    w: &PackedWeights,
    epilogue: Epilogue<'_>,
    c: ArrayViewMut2<'_, f32>,
    isa: Isa,
) {
    check(&a, w, epilogue, &c, isa);
    run_block(a, w, epilogue, c, isa);
}

#[track_caller]
fn check(
    a: &ArrayView2<'_, f32>,
    w: &PackedWeights,
    epilogue: Epilogue<'_>,
    c: &ArrayViewMut2<'_, f32>,
    isa: Isa,
) {
    let (m, k) = a.dim();
    let n = w.n;
    assert!(
        w.k == k && c.dim() == (m, n),
        "packed_gemm: shapes {:?} · {:?} -> {:?} do not chain",
        a.dim(),
        w.dim(),
        c.dim()
    );
    assert!(
        (k <= 1 || a.strides()[1] == 1) && (n <= 1 || c.strides()[1] == 1),
        "packed_gemm: A and C need contiguous rows"
    );
    assert!(
        isa == Isa::Portable || Isa::detect().is_some_and(|d| d == Isa::Avx512 || d == isa),
        "packed_gemm: this CPU does not run {isa:?}"
    );
    if let Epilogue::Bias(b) | Epilogue::BiasRelu(b) = epilogue {
        assert_eq!(
            b.len(),
            n,
            "packed_gemm: bias has {} entries for n = {n}",
            b.len()
        );
    }
}

/// The tiles of one block of rows, panel by panel (shapes checked by the caller).
fn run_block(
    a_blk: ArrayView2<'_, f32>,
    w: &PackedWeights,
    epilogue: Epilogue<'_>,
    mut c_blk: ArrayViewMut2<'_, f32>,
    isa: Isa,
) {
    let (rows_blk, k) = a_blk.dim();
    let n = w.n;
    if rows_blk == 0 || n == 0 {
        return;
    }
    let (bias, relu) = match epilogue {
        Epilogue::None => (None, false),
        Epilogue::Bias(b) => (Some(b), false),
        Epilogue::BiasRelu(b) => (Some(b), true),
    };
    let mr = isa.mr();
    let lda = a_blk.strides()[0].max(1) as usize;
    let ldc = c_blk.strides()[0].max(1) as usize;
    let a_s = row_slice(a_blk.as_ptr(), rows_blk, lda, k);
    // SAFETY: the rows of `c_blk` are contiguous (checked) and the view is borrowed uniquely.
    let c_s =
        unsafe { std::slice::from_raw_parts_mut(c_blk.as_mut_ptr(), (rows_blk - 1) * ldc + n) };
    for j in 0..n.div_ceil(NR) {
        let cols = (n - j * NR).min(NR);
        for i0 in (0..rows_blk).step_by(mr) {
            let t = Tile {
                a: &a_s[i0 * lda..],
                lda,
                rows: (rows_blk - i0).min(mr),
                panel: w.panel(j),
                k,
                cols,
                bias: bias.map(|b| &b[j * NR..]),
                relu,
            };
            run_tile(isa, &t, &mut c_s[i0 * ldc + j * NR..], ldc);
        }
    }
}

/// The memory of `rows` rows of `k` values at row stride `lda`, as one slice.
fn row_slice<'x>(ptr: *const f32, rows: usize, lda: usize, k: usize) -> &'x [f32] {
    // SAFETY: the caller's view addresses rows·lda-strided rows of k contiguous values.
    unsafe { std::slice::from_raw_parts(ptr, (rows - 1) * lda + k) }
}
