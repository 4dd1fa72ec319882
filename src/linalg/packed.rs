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
use rayon::prelude::*;

/// Width of a packed panel (two zmm / four ymm registers of f32).
pub const NR: usize = 32;

/// Most rows per block of the fused row-blocked networks (`policies::velocity_fused`,
/// `rl::critic_fused`): a multiple of the AVX-512 tile height 12; two `96 × 256` f32 activation
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

/// The instruction set of the microkernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    /// AVX-512F, 12 × 32 tile.
    Avx512,
    /// AVX2 + FMA, 3 × 32 tile.
    Avx2Fma,
    /// Plain Rust (any CPU; `mul_add` keeps the same rounding as the SIMD kernels).
    Portable,
}

impl Isa {
    /// The widest kernel this CPU runs (`None` if neither SIMD kernel applies: then callers
    /// should keep matrixmultiply, the portable kernel being a reference, not a fast path).
    pub fn detect() -> Option<Self> {
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx512f") {
                return Some(Isa::Avx512);
            }
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                return Some(Isa::Avx2Fma);
            }
        }
        None
    }

    fn mr(self) -> usize {
        match self {
            Isa::Avx512 => 12,
            Isa::Avx2Fma => 3,
            Isa::Portable => 4,
        }
    }
}

/// One `rows × cols` tile (`rows ≤ MR`, `cols ≤ NR`): `a` points at `A[i0, 0]` (row stride
/// `lda`), `panel` is the `k × NR` panel, `c` points at `C[i0, j0]` (row stride `ldc`), `bias`
/// at `b[j0]`.
struct Tile<'x> {
    a: &'x [f32],
    lda: usize,
    rows: usize,
    panel: &'x [f32],
    k: usize,
    cols: usize,
    bias: Option<&'x [f32]>,
    relu: bool,
}

impl Tile<'_> {
    fn finish(&self, acc: &mut [f32; NR], c: &mut [f32]) {
        if let Some(b) = self.bias {
            for (v, &bj) in acc.iter_mut().zip(&b[..self.cols]) {
                *v += bj;
            }
        }
        if self.relu {
            acc.iter_mut().for_each(|v| *v = v.max(0.0));
        }
        c[..self.cols].copy_from_slice(&acc[..self.cols]);
    }
}

fn tile_portable(t: &Tile<'_>, c: &mut [f32], ldc: usize) {
    for i in 0..t.rows {
        let mut acc = [0f32; NR];
        let arow = &t.a[i * t.lda..i * t.lda + t.k];
        for (p, &ap) in arow.iter().enumerate() {
            let b = &t.panel[p * NR..p * NR + NR];
            for (v, &bv) in acc.iter_mut().zip(b) {
                *v = ap.mul_add(bv, *v);
            }
        }
        t.finish(&mut acc, &mut c[i * ldc..]);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn tile_avx512<const MR: usize>(t: &Tile<'_>, c: &mut [f32], ldc: usize) {
    use std::arch::x86_64::*;
    let mut acc = [[_mm512_setzero_ps(); 2]; MR];
    let (a, b) = (t.a.as_ptr(), t.panel.as_ptr());
    for p in 0..t.k {
        // SAFETY: p < k, the panel holds k·NR values and rows < MR rows of `a` hold k values.
        unsafe {
            let b0 = _mm512_loadu_ps(b.add(p * NR));
            let b1 = _mm512_loadu_ps(b.add(p * NR + 16));
            for (i, acc) in acc.iter_mut().enumerate() {
                let ai = _mm512_set1_ps(*a.add(i * t.lda + p));
                acc[0] = _mm512_fmadd_ps(ai, b0, acc[0]);
                acc[1] = _mm512_fmadd_ps(ai, b1, acc[1]);
            }
        }
    }
    // The epilogue on the registers, then masked stores of the `cols ≤ 32` valid columns (the
    // same operations, in the same order, as `Tile::finish`).
    let m0 = ((1u32 << t.cols.min(16)) - 1) as u16;
    let m1 = ((1u32 << t.cols.saturating_sub(16)) - 1) as u16;
    let zero = _mm512_setzero_ps();
    // SAFETY: masked loads touch only the `cols` valid bias entries.
    let bias = t.bias.map(|b| unsafe {
        [
            _mm512_maskz_loadu_ps(m0, b.as_ptr()),
            _mm512_maskz_loadu_ps(m1, b.as_ptr().wrapping_add(16)),
        ]
    });
    assert!(c.len() >= (t.rows - 1) * ldc + t.cols, "tile outside C");
    for (i, acc) in acc.iter().enumerate().take(t.rows) {
        let mut v = *acc;
        if let Some(b) = bias {
            v = [_mm512_add_ps(v[0], b[0]), _mm512_add_ps(v[1], b[1])];
        }
        if t.relu {
            v = [_mm512_max_ps(v[0], zero), _mm512_max_ps(v[1], zero)];
        }
        // SAFETY: masked stores touch only the `cols` valid entries of row i (checked above).
        unsafe {
            let ci = c.as_mut_ptr().add(i * ldc);
            _mm512_mask_storeu_ps(ci, m0, v[0]);
            _mm512_mask_storeu_ps(ci.wrapping_add(16), m1, v[1]);
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn tile_avx2<const MR: usize>(t: &Tile<'_>, c: &mut [f32], ldc: usize) {
    use std::arch::x86_64::*;
    let mut acc = [[_mm256_setzero_ps(); 4]; MR];
    let (a, b) = (t.a.as_ptr(), t.panel.as_ptr());
    for p in 0..t.k {
        // SAFETY: as in `tile_avx512`.
        unsafe {
            let bv = [0, 8, 16, 24].map(|o| _mm256_loadu_ps(b.add(p * NR + o)));
            for (i, acc) in acc.iter_mut().enumerate() {
                let ai = _mm256_set1_ps(*a.add(i * t.lda + p));
                for q in 0..4 {
                    acc[q] = _mm256_fmadd_ps(ai, bv[q], acc[q]);
                }
            }
        }
    }
    for (i, acc) in acc.iter().enumerate().take(t.rows) {
        let mut out = [0f32; NR];
        for (q, v) in acc.iter().enumerate() {
            // SAFETY: `out` holds NR = 32 values.
            unsafe { _mm256_storeu_ps(out.as_mut_ptr().add(8 * q), *v) };
        }
        t.finish(&mut out, &mut c[i * ldc..]);
    }
}

/// Runs one tile with the kernel of `isa`. A short last row tile (`rows < MR`) is padded by
/// re-reading its last row (the extra accumulators are discarded), so no kernel reads past `A`.
fn run_tile(isa: Isa, t: &Tile<'_>, c: &mut [f32], ldc: usize) {
    match isa {
        Isa::Portable => tile_portable(t, c, ldc),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `packed_gemm` checked the features of `isa` at run time.
        Isa::Avx512 => unsafe { avx512_rows(t, c, ldc) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        Isa::Avx2Fma => unsafe { avx2_rows(t, c, ldc) },
        #[cfg(not(target_arch = "x86_64"))]
        _ => unreachable!("packed_gemm checked the ISA"),
    }
}

/// Dispatches a tile of `rows ≤ 12` to the AVX-512 kernel of that height.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn avx512_rows(t: &Tile<'_>, c: &mut [f32], ldc: usize) {
    // SAFETY: the caller checked avx512f; each kernel reads exactly `rows` rows of `a`.
    unsafe {
        match t.rows {
            12 => tile_avx512::<12>(t, c, ldc),
            8..=11 => tile_avx512_partial::<11>(t, c, ldc),
            4..=7 => tile_avx512_partial::<7>(t, c, ldc),
            _ => tile_avx512_partial::<3>(t, c, ldc),
        }
    }
}

/// A short tile: the kernel of height `MR ≥ rows`, fed a copy of the rows padded with zeros.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn tile_avx512_partial<const MR: usize>(t: &Tile<'_>, c: &mut [f32], ldc: usize) {
    let pad = padded_rows(t, MR);
    let tp = Tile {
        a: &pad,
        lda: t.k,
        ..*t
    };
    // SAFETY: the caller checked avx512f; `pad` holds MR rows of k values.
    unsafe { tile_avx512::<MR>(&tp, c, ldc) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn avx2_rows(t: &Tile<'_>, c: &mut [f32], ldc: usize) {
    // SAFETY: the caller checked avx2 and fma.
    unsafe {
        if t.rows == 3 {
            tile_avx2::<3>(t, c, ldc)
        } else {
            let pad = padded_rows(t, 3);
            let tp = Tile {
                a: &pad,
                lda: t.k,
                ..*t
            };
            tile_avx2::<3>(&tp, c, ldc)
        }
    }
}

/// The tile's rows copied contiguously and padded with zero rows to `mr` rows.
fn padded_rows(t: &Tile<'_>, mr: usize) -> Vec<f32> {
    let mut pad = vec![0f32; mr * t.k];
    for i in 0..t.rows {
        pad[i * t.k..(i + 1) * t.k].copy_from_slice(&t.a[i * t.lda..i * t.lda + t.k]);
    }
    pad
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
