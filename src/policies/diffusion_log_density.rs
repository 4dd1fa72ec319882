//! MaxEntDP's estimate of the log-density of a VP diffusion model at a point, from its noise
//! prediction alone (authors' `_calc_log_prob`, `src/agent/maxentdp.py`; the identity is the
//! I-MMSE form of the log-likelihood, Kong et al. 2023; proof in
//! `proofs/eq-diffusion-log-density.md`).
//!
//! With `ᾱ(t) = α_t²` on the VP path (`β_t² = 1 − ᾱ`), the grid `t_i = t_lo + i (t_hi − t_lo)/n`,
//! `i = 0..n` (paper time, `t_0` the noisiest), `Δ_i = ᾱ(t_{i+1}) − ᾱ(t_i)` and `M` noise draws
//! `ε_{m,i} ~ N(0, I)` per point and step,
//!
//! `log p̂(x) = Σ_{i<n} Δ_i/(2 ᾱ_i (1 − ᾱ_i)) · (d ᾱ_i − (1/M) Σ_m ‖ε_{m,i} − ε̂(α_i x + β_i ε_{m,i}, t_i)‖²) − (d/2) log(2πe)`.
//!
//! Optionally the denoised point `x̂ = (x_t − β ε̂)/α` is clipped to a box and `ε̂` recomputed
//! from it, as the authors do (`clip_sampler`).

use ndarray::{Array2, ArrayView2, Zip};
use rand::Rng;

use super::field::ConditionalField;
use super::noise::fill_standard_normal;
use crate::Scalar;
use crate::paths::{ProbabilityPath, VpPath};

/// The settings of the estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DiffusionLogDensity {
    /// Noise draws `M` per point and step.
    pub samples: usize,
    /// Quadrature steps `n`.
    pub steps: usize,
    /// Clip of `x̂` to `[−c, c]` before `ε̂` is recomputed from it (`None`: no clip).
    pub denoiser_clip: Option<f64>,
}

/// Reusable buffers of [`DiffusionLogDensity::estimate`].
#[derive(Clone, Debug, Default)]
pub struct LogDensityScratch<T> {
    x_t: Array2<T>,
    eps: Array2<T>,
    eps_hat: Array2<T>,
}

impl DiffusionLogDensity {
    /// Writes `log p̂(x_b)` for every row `b` of `x` (`B × d`) into `out`. `field` is the
    /// ε-prediction, already prepared for these `B` states with `self.samples` particles
    /// (rows state-major); `window = (t_lo, t_hi)` is the quadrature's time window in paper time.
    ///
    /// # Panics
    /// If `samples` or `steps` is 0, `out.len() != B`, or the window is not inside (0, 1).
    #[track_caller]
    #[allow(clippy::too_many_arguments)]
    pub fn estimate<T, F, R>(
        &self,
        path: &VpPath,
        field: &mut F,
        window: (f64, f64),
        x: ArrayView2<T>,
        rng: &mut R,
        out: &mut [f64],
        scratch: &mut LogDensityScratch<T>,
    ) where
        T: Scalar,
        F: ConditionalField<T> + ?Sized,
        R: Rng + ?Sized,
    {
        assert!(
            self.samples > 0 && self.steps > 0,
            "samples and steps must be ≥ 1"
        );
        let (b, d) = x.dim();
        assert_eq!(out.len(), b, "out must have one entry per row of x");
        let (t_lo, t_hi) = window;
        assert!(
            0.0 < t_lo && t_lo < t_hi && t_hi < 1.0,
            "window ({t_lo}, {t_hi}) must lie inside (0, 1)"
        );
        let (m, n) = (self.samples, self.steps);
        for a in [&mut scratch.x_t, &mut scratch.eps, &mut scratch.eps_hat] {
            if a.dim() != (b * m, d) {
                *a = Array2::zeros((b * m, d));
            }
        }
        out.fill(-0.5 * d as f64 * (2.0 * std::f64::consts::PI * std::f64::consts::E).ln());
        let dt = (t_hi - t_lo) / n as f64;
        let alpha_bar = |i: usize| {
            let t = if i == n { t_hi } else { t_lo + i as f64 * dt };
            (t, path.coefficients(t))
        };
        for i in 0..n {
            let (t, c) = alpha_bar(i);
            let (_, next) = alpha_bar(i + 1);
            let ab = c.alpha_t * c.alpha_t;
            let weight = (next.alpha_t * next.alpha_t - ab) / (2.0 * ab * (1.0 - ab));
            fill_standard_normal(rng, scratch.eps.view_mut());
            let (a, s) = (T::from_f64(c.alpha_t), T::from_f64(c.beta_t));
            for r in 0..b * m {
                let xr = x.row(r / m);
                Zip::from(scratch.x_t.row_mut(r))
                    .and(scratch.eps.row(r))
                    .and(&xr)
                    .for_each(|xt, &e, &x1| *xt = c.interpolate(x1, e));
            }
            field.eval(scratch.x_t.view(), t, scratch.eps_hat.view_mut());
            if let Some(clip) = self.denoiser_clip {
                let (lim, inv_a, inv_s) = (
                    T::from_f64(clip),
                    T::from_f64(1.0 / c.alpha_t),
                    T::from_f64(1.0 / c.beta_t),
                );
                Zip::from(&mut scratch.eps_hat)
                    .and(&scratch.x_t)
                    .for_each(|e, &xt| {
                        let x_hat = ((xt - s * *e) * inv_a).max(-lim).min(lim);
                        *e = (xt - a * x_hat) * inv_s;
                    });
            }
            for (r, (e, e_hat)) in scratch
                .eps
                .rows()
                .into_iter()
                .zip(scratch.eps_hat.rows())
                .enumerate()
            {
                let err: f64 = e
                    .iter()
                    .zip(e_hat.iter())
                    .map(|(&u, &v)| (Scalar::to_f64(u) - Scalar::to_f64(v)).powi(2))
                    .sum();
                // [RFM:Eq.diffusion-log-density] Δ_i/(2ᾱ(1−ᾱ)) (d ᾱ_i − mean_m ‖ε − ε̂‖²)
                out[r / m] += weight * (d as f64 * ab - err) / m as f64;
            }
        }
    }
}
