//! The instruction set of the packed-GEMM microkernels and their register tile: `MR` rows
//! (by ISA) × [`NR`] columns. Both the packing ([`super::packed`]) and the kernels
//! (`packed_tiles`) follow this shape, so it sits below both.

/// Width of a packed panel (two zmm / four ymm registers of f32).
pub const NR: usize = 32;

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

    /// Rows of the register tile (`MR`).
    pub(super) fn mr(self) -> usize {
        match self {
            Isa::Avx512 => 12,
            Isa::Avx2Fma => 3,
            Isa::Portable => 4,
        }
    }
}
