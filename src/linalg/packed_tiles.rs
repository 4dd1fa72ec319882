//! The microkernels of [`super::packed`]: one `MR × NR` register tile of `C = A·W (+ b, ReLU)`
//! per call, for AVX-512F (12 × 32), AVX2 + FMA (3 × 32) and plain Rust (the reference), and
//! the dispatch of a tile to the kernel of its ISA and height. Every kernel runs the same
//! fused-multiply-add chain per output entry, so they agree bit for bit.

use super::isa::{Isa, NR};

/// One `rows × cols` tile (`rows ≤ MR`, `cols ≤ NR`): `a` points at `A[i0, 0]` (row stride
/// `lda`), `panel` is the `k × NR` panel, `c` points at `C[i0, j0]` (row stride `ldc`), `bias`
/// at `b[j0]`.
pub(super) struct Tile<'x> {
    pub(super) a: &'x [f32],
    pub(super) lda: usize,
    pub(super) rows: usize,
    pub(super) panel: &'x [f32],
    pub(super) k: usize,
    pub(super) cols: usize,
    pub(super) bias: Option<&'x [f32]>,
    pub(super) relu: bool,
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
pub(super) fn run_tile(isa: Isa, t: &Tile<'_>, c: &mut [f32], ldc: usize) {
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
