//! Reverse-time samplers of the diffusion policies (VP ε-prediction and VE score), written
//! once for any affine path `x_t = α_t x_1 + β_t x_0` in the paper's time (t = 0 noise, t = 1
//! data), from a noise prediction `ε̂(x_t, t) ≈ E[x_0 | x_t]`.
//!
//! On the grid `t_i = t_min + i Δt`, `Δt = (1 − 2 t_min)/n`, one step `t → t'` (`t' > t`) is
//!
//! `x̂_1 = (x_t − β_t ε̂)/α_t`,
//! `x_{t'} = α_{t'} x̂_1 + sqrt(β_{t'}² − σ²) ε̂ + σ z`, `z ~ N(0, I)`,
//! `σ_{t→t'} = ζ · (β_{t'}/β_t) · sqrt(1 − α_t²/α_{t'}²)` (Song et al. 2021, eq. 16, in the
//! paper's time): `ζ = 0` is DDIM (deterministic), `ζ = 1` is the DDPM ancestral sampler.
//! With the exact ε̂ of any target both keep `x_t` on the path's marginal. The start is
//! `x_{t_min} = β_{t_min} z` (the data mean taken as 0, exact for VP where `α_{t_min} ≈ 0`).
//! For a VE score model, `ε̂ = −β_t · score` (paper-notes/math-outline.md §5).
//! With a denoiser clip `c`, `x̂_1` is clipped to `[−c, c]` and `ε̂ = (x_t − α_t x̂_1)/β_t`
//! recomputed from it before the step (the authors' `clip_sampler` in `maxentdp.py`).

use ndarray::{Array2, ArrayViewMut2, Zip};
use rand::Rng;

use super::field::ConditionalField;
use super::noise::fill_standard_normal;
use crate::Scalar;
use crate::paths::ProbabilityPath;

/// DDIM (ζ = 0) or DDPM (ζ = 1) (in a config file: `diffusion = "ddim"` or `"ddpm"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiffusionMethod {
    /// Deterministic DDIM.
    Ddim,
    /// Ancestral DDPM.
    Ddpm,
}

/// Reusable buffers of [`sample_diffusion`].
#[derive(Clone, Debug, Default)]
pub struct DiffusionScratch<T> {
    eps: Array2<T>,
    z: Array2<T>,
}

/// Draws `x_{t_min} = β_{t_min} z` into `x` and denoises it in place to `t = 1 − t_min`
/// with `steps` steps. `field` returns the noise prediction ε̂; `field.prepare` must have
/// been called for these rows. `denoiser_clip`: see the module docs (`None`: no clip).
///
/// # Panics
/// If `steps == 0` or `t_min ∉ (0, 0.5)`.
#[track_caller]
#[allow(clippy::too_many_arguments)]
pub fn sample_diffusion<T, P, F, R>(
    path: &P,
    field: &mut F,
    steps: usize,
    t_min: f64,
    method: DiffusionMethod,
    denoiser_clip: Option<f64>,
    rng: &mut R,
    mut x: ArrayViewMut2<T>,
    scratch: &mut DiffusionScratch<T>,
) where
    T: Scalar,
    P: ProbabilityPath + ?Sized,
    F: ConditionalField<T> + ?Sized,
    R: Rng + ?Sized,
{
    assert!(steps > 0, "diffusion sampler needs at least one step");
    assert!(
        t_min > 0.0 && t_min < 0.5,
        "t_min = {t_min} must lie in (0, 0.5)"
    );
    let dim = x.raw_dim();
    for a in [&mut scratch.eps, &mut scratch.z] {
        if a.raw_dim() != dim {
            *a = Array2::zeros(dim);
        }
    }
    let dt = (1.0 - 2.0 * t_min) / steps as f64;
    fill_standard_normal(rng, x.view_mut());
    let b0 = T::from_f64(path.coefficients(t_min).beta_t);
    x.mapv_inplace(|v| v * b0);
    for i in 0..steps {
        let t = t_min + i as f64 * dt;
        let t_next = if i + 1 == steps { 1.0 - t_min } else { t + dt };
        let c = path.coefficients(t);
        let n = path.coefficients(t_next);
        field.eval(x.view(), t, scratch.eps.view_mut());
        let sigma = match method {
            DiffusionMethod::Ddim => 0.0,
            DiffusionMethod::Ddpm => {
                let r = c.alpha_t / n.alpha_t;
                (n.beta_t / c.beta_t) * (1.0 - r * r).max(0.0).sqrt()
            }
        };
        // DDIM/DDPM step (Song et al. 2021), see the module docs.
        let keep = (n.beta_t * n.beta_t - sigma * sigma).max(0.0).sqrt();
        let (inv_a, b, a_next) = (
            T::from_f64(1.0 / c.alpha_t),
            T::from_f64(c.beta_t),
            T::from_f64(n.alpha_t),
        );
        let (keep, sig) = (T::from_f64(keep), T::from_f64(sigma));
        let lim = denoiser_clip.map(T::from_f64);
        let inv_b = T::from_f64(1.0 / c.beta_t);
        let a = T::from_f64(c.alpha_t);
        if sigma > 0.0 {
            fill_standard_normal(rng, scratch.z.view_mut());
        }
        Zip::from(&mut x)
            .and(&scratch.eps)
            .and(&scratch.z)
            .for_each(|x, &e, &z| {
                let mut x1 = (*x - b * e) * inv_a;
                let mut e = e;
                if let Some(lim) = lim {
                    x1 = x1.max(-lim).min(lim);
                    e = (*x - a * x1) * inv_b;
                }
                *x = a_next * x1 + keep * e + if sigma > 0.0 { sig * z } else { T::zero() };
            });
    }
}
