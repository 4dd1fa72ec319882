//! GELU (tanh form) for the sampling hot path, with the rational `tanh` that Eigen and XLA use
//! for f32 on CPU.
//!
//! Profiling `rfm train` showed `libm` `tanhf` (and the `expm1f` inside it) taking 40 % of an
//! update: the velocity net applies GELU to every hidden unit of every particle at every
//! sampling step. The rational approximation below is branch-free (so the loop vectorises) and
//! accurate to a few f32 ulp on the clamped range; for f64 the libm `tanh` is kept, so audits
//! in double precision are unaffected.
//!
//! `gelu(z) = ½ z (1 + tanh(√(2/π) (z + 0.044715 z³)))` — the same form as
//! [`crate::nn::Activation::Gelu`] and the tape's `gelu` (`flax.linen.gelu` default).

use crate::Scalar;

/// `tanh(x)` for f32 by Eigen's `generic_fast_tanh_float` (odd degree-13 over even degree-6
/// rational minimax fit on [−7.905, 7.905], clamped outside where tanh(x) = ±1 in f32).
#[inline(always)]
pub fn fast_tanh_f32(x: f32) -> f32 {
    const CLAMP: f32 = 7.905_311;
    const A1: f32 = 4.893_524_6e-3;
    const A3: f32 = 6.372_619_3e-4;
    const A5: f32 = 1.485_722_4e-5;
    const A7: f32 = 5.122_297e-8;
    const A9: f32 = -8.604_672e-11;
    const A11: f32 = 2.000_188e-13;
    const A13: f32 = -2.760_768_5e-16;
    const B0: f32 = 4.893_525e-3;
    const B2: f32 = 2.268_434_6e-3;
    const B4: f32 = 1.185_347_1e-4;
    const B6: f32 = 1.198_258_4e-6;
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    let mut p = x2 * A13 + A11;
    p = x2 * p + A9;
    p = x2 * p + A7;
    p = x2 * p + A5;
    p = x2 * p + A3;
    p = x2 * p + A1;
    p *= x;
    let mut q = x2 * B6 + B4;
    q = x2 * q + B2;
    q = x2 * q + B0;
    p / q
}

/// GELU (tanh form) with [`fast_tanh_f32`] for f32 and libm `tanh` otherwise.
#[inline(always)]
pub fn gelu<T: Scalar>(z: T) -> T {
    let c = T::from_f64((2.0 / std::f64::consts::PI).sqrt());
    let k = T::from_f64(0.044715);
    let half = T::from_f64(0.5);
    let inner = c * (z + k * z * z * z);
    let t = if T::NAME == "f32" {
        T::from_f64(fast_tanh_f32(Scalar::to_f64(inner) as f32) as f64)
    } else {
        inner.tanh()
    };
    half * z * (T::one() + t)
}

/// [`gelu`] for f32 without the generic conversions: the same operations in the same order,
/// so the value is bit-identical to `gelu::<f32>`.
#[inline(always)]
pub fn gelu_f32(z: f32) -> f32 {
    let c = (2.0 / std::f64::consts::PI).sqrt() as f32;
    let inner = c * (z + 0.044715f32 * z * z * z);
    0.5 * z * (1.0 + fast_tanh_f32(inner))
}

/// `h ← gelu(h)` elementwise (AVX-512 or AVX2 vectors when the CPU has them; elementwise, so
/// the result does not depend on the vector width).
pub fn gelu_in_place_f32(h: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F (checked).
            return unsafe { gelu_in_place_avx512(h) };
        }
        if is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked).
            return unsafe { gelu_in_place_avx2(h) };
        }
    }
    h.iter_mut().for_each(|v| *v = gelu_f32(*v));
}

/// `h ← h + gelu(z)` elementwise (the residual update; vectorised as [`gelu_in_place_f32`]).
///
/// # Panics
/// If the lengths differ.
pub fn add_gelu_f32(h: &mut [f32], z: &[f32]) {
    assert_eq!(h.len(), z.len(), "add_gelu_f32: lengths differ");
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F (checked).
            return unsafe { add_gelu_avx512(h, z) };
        }
        if is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked).
            return unsafe { add_gelu_avx2(h, z) };
        }
    }
    h.iter_mut().zip(z).for_each(|(h, &z)| *h += gelu_f32(z));
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn gelu_in_place_avx512(h: &mut [f32]) {
    h.iter_mut().for_each(|v| *v = gelu_f32(*v));
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn gelu_in_place_avx2(h: &mut [f32]) {
    h.iter_mut().for_each(|v| *v = gelu_f32(*v));
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn add_gelu_avx512(h: &mut [f32], z: &[f32]) {
    h.iter_mut().zip(z).for_each(|(h, &z)| *h += gelu_f32(z));
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn add_gelu_avx2(h: &mut [f32], z: &[f32]) {
    h.iter_mut().zip(z).for_each(|(h, &z)| *h += gelu_f32(z));
}
