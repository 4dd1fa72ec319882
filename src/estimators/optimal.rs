//! The plug-in minimum-variance coefficient of the Stein control variate.
//!
//! The SNIS asymptotic variance of `f = x_0 + M s_0` is `E_q[ρ ‖f − μ_0‖²]` (ρ = q/r). Replacing
//! `E_q[ρ g]` by `K Σ_k w_k² g_k` (the K cancels) and centring both factors gives, with
//! `e_k = ε'_k − μ̂_0^{NE}` and `z_k = s_0(ε'_k) − s̄_0`,
//!
//! - `N = Σ_k w_k² e_k z_kᵀ`, `D = Σ_k w_k² z_k z_kᵀ`;
//! - full matrix: `M̂ = −N (D + r I)⁻¹`;
//! - per dimension: `Λ̂_j = −N_jj / (D_jj + r)`;
//! - isotropic: `η̂ = −tr N / (tr D + r)`.
//!
//! **Spaces.** The fit may be posed in noise space (coefficient η / M on `s_0`) or in data
//! space (coefficient c on `s_1`, the reference code's choice). Since `x'_1 − μ̂_1 = −(β/α) e`
//! and `s_1 − s̄_1 = −(α/β) z`, the data-space fit is the noise-space fit with ridge
//! `r = ridge · (β_t/α_t)²` followed by `c = (β_t/α_t)² η`. The ridge and the clip apply in
//! the space named by [`CoefficientSpace`]: with `Data` and clip `b`, it is `|c_j| ≤ b`, which
//! is `|η_j| ≤ b α_t²/β_t²` (a loose bound near t → 1 and a tight one near t → 0); with
//! `Noise` it is `|η_j| ≤ b`. For a full matrix the clip applies entry-wise. The result is
//! always returned as a noise-space matrix.
//!
//! **Degenerate weights.** When the weights put (numerically) all mass on one sample, the
//! centred sums are round-off and the coefficient is not identifiable; such dimensions get
//! coefficient 0, i.e. the noise-expectation member (see [`identifiability_floor`]). The
//! members do *not* coincide there: with one sample `k*` of weight 1, `μ̂_0(M) = ε'_{k*} +
//! M s_0(ε'_{k*})`, which differs between members by `M s_0(ε'_{k*})`; 0 is chosen because
//! the data carry no information about a better M (the plug-in variance is 0 for every M).
//!
//! **Conditioning.** A full system `D + rI` is solved only if its 1-norm condition number is
//! below [`condition_limit`]; pivots alone pass numerically singular systems (cond ≳ 1e13 at
//! ESS ≈ 1 with ridge 0) and return an M made of round-off. A refused system falls back to the
//! per-dimension coefficient.
//!
//! **Reported variance.** [`super::Diagnostics::variance_chosen`] is the plug-in variance of
//! the chosen member *with the fitted coefficient held fixed*: it ignores the noise of fitting
//! that coefficient on the same samples. It is therefore optimistic, by the in-sample optimism
//! of a least-squares fit: a relative term of order `p/ESS`, with `p` the coefficients fitted
//! per dimension (1 for isotropic and per-dimension, `d` for the full matrix). It is not
//! corrected; `rfm audit` compares members by the spread of independent repetitions instead.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2};
use serde::{Deserialize, Serialize};

use super::spd_solve::spd_solve_in_place;
use crate::Scalar;
use crate::paths::PathCoefficients;

/// Relative floor below which a dimension's centred score spread `D_jj` counts as round-off
/// (against the uncentred `Σ_k w_k² s_kj²`); its coefficient is then 0. Centring `s` loses
/// about `ε|s|` absolutely, so requiring `D_jj ≥ (10⁵ ε)² Σ w² s²` keeps ≥ 5 significant digits
/// in the centred values (f64: 4.9e-22, f32: 1.4e-4). Degenerate weights give ratios far below
/// (e.g. 1e-140 when all but one weight underflow).
pub fn identifiability_floor<T: Scalar>() -> T {
    let r = T::EPS * T::from_f64(1e5);
    r * r
}

/// The largest 1-norm condition number `κ₁(D + rI)` of a full system that is solved:
/// `1/(10³ ε)` (f64: 4.5e12, f32: 8.4e3). A solve loses about `log₁₀ κ` digits, so at the limit
/// the coefficient keeps about 3; beyond it the per-dimension coefficient is used.
pub fn condition_limit<T: Scalar>() -> T {
    T::one() / (T::EPS * T::from_f64(1e3))
}

/// How a diagonal coefficient is pooled across action dimensions: the shapes a training
/// configuration can choose (`coefficient = { optimal = "per-dimension" }`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pooling {
    /// A diagonal `Λ = diag(η_1, …, η_d)`, one coefficient per action dimension (the paper's
    /// default).
    PerDimension,
    /// One scalar η shared by all dimensions.
    Isotropic,
}

/// The shape of the control-variate coefficient: a pooled diagonal, or the full matrix (which
/// the audit and the ablation fit, and no training configuration names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoefficientStructure {
    /// A diagonal, pooled per dimension or isotropically.
    Pooled(Pooling),
    /// A full `d×d` matrix M.
    FullMatrix,
}

/// The space in which the plug-in coefficient is fitted, regularised and clipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoefficientSpace {
    /// η / M multiplying the noise posterior score `s_0`.
    Noise,
    /// c multiplying the data posterior score `s_1` (`c = (β_t/α_t)² η`).
    Data,
}

/// Options of the plug-in coefficient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PluginCoefficient {
    /// Isotropic, per dimension or full matrix. Default: per dimension (reference code).
    pub structure: CoefficientStructure,
    /// Ridge added to the denominator (to `D`'s diagonal), in `space`. Default 1e-4.
    pub ridge: f64,
    /// Symmetric clip bound applied in `space`, or none. Default ±2.
    pub clip: Option<f64>,
    /// Where the ridge and the clip apply. Default: data space (reference code).
    pub space: CoefficientSpace,
}

impl Default for PluginCoefficient {
    fn default() -> Self {
        Self {
            structure: CoefficientStructure::Pooled(Pooling::PerDimension),
            ridge: 1e-4,
            clip: Some(2.0),
            space: CoefficientSpace::Data,
        }
    }
}

/// Scratch buffers for one state's `d×d` systems.
#[derive(Clone, Debug, Default)]
pub struct PluginScratch<T> {
    identifiable: Vec<bool>,
    raw: Vec<T>,
    n: Vec<T>,
    dd: Vec<T>,
    rhs: Vec<T>,
}

/// Fits the plug-in coefficient of one state and writes it, as a noise-space `d×d` matrix,
/// into `matrix`.
///
/// `noise`, `score` are that state's K rows of `ε'` and `s_0`; `mu_ne`, `mean_score` are its
/// `μ̂_0^{NE}` and `s̄_0`.
///
/// # Panics
/// When shapes disagree or the ridge is negative.
#[track_caller]
#[allow(clippy::too_many_arguments)]
pub fn plugin_coefficient<T: Scalar>(
    options: &PluginCoefficient,
    coefficients: &PathCoefficients,
    weights: ArrayView1<T>,
    noise: ArrayView2<T>,
    score: ArrayView2<T>,
    mu_ne: ArrayView1<T>,
    mean_score: ArrayView1<T>,
    scratch: &mut PluginScratch<T>,
    mut matrix: ArrayViewMut2<T>,
) {
    let (k, d) = noise.dim();
    assert_eq!(score.dim(), (k, d), "score shape");
    assert_eq!(weights.len(), k, "one weight per sample");
    assert_eq!(matrix.dim(), (d, d), "coefficient matrix must be d×d");
    assert!(options.ridge >= 0.0, "ridge {} must be ≥ 0", options.ridge);
    let ratio_sq = (coefficients.beta_t / coefficients.alpha_t).powi(2);
    // Noise-space ridge and the factor mapping noise → clip space.
    let (ridge, to_clip_space) = match options.space {
        CoefficientSpace::Noise => (options.ridge, 1.0),
        CoefficientSpace::Data => (options.ridge * ratio_sq, ratio_sq),
    };
    let full = options.structure == CoefficientStructure::FullMatrix;
    scratch.n.clear();
    scratch.n.resize(d * d, T::zero());
    scratch.dd.clear();
    scratch.dd.resize(d * d, T::zero());
    // Uncentred Σ w² s_j², the scale against which the centred spread D_jj is judged.
    scratch.raw.clear();
    scratch.raw.resize(d, T::zero());
    for r in 0..k {
        let w2 = weights[r] * weights[r];
        // Samples whose w² is 0 are not terms of N or D (and may carry a NaN score).
        if w2 == T::zero() {
            continue;
        }
        for j in 0..d {
            scratch.raw[j] += w2 * score[[r, j]] * score[[r, j]];
        }
        for i in 0..d {
            let e_i = noise[[r, i]] - mu_ne[i];
            let z_i = score[[r, i]] - mean_score[i];
            // Only the diagonal of N and D is needed unless the fit is a full matrix.
            let (lo, hi) = if full { (0, d) } else { (i, i + 1) };
            for j in lo..hi {
                let z_j = score[[r, j]] - mean_score[j];
                // [RFM:Eq.optimal-coefficient]
                scratch.n[i * d + j] += w2 * e_i * z_j;
                scratch.dd[i * d + j] += w2 * z_i * z_j;
            }
        }
    }
    matrix.fill(T::zero());
    // Identifiability guard: when the weights are (numerically) degenerate, the centred spread
    // D_jj is round-off relative to the raw second moment and N/D is noise. Every member then
    // gives the same estimate, so the coefficient of such a dimension is set to 0.
    let floor = identifiability_floor::<T>();
    scratch.identifiable.clear();
    scratch
        .identifiable
        .extend((0..d).map(|j| scratch.dd[j * d + j] > floor * scratch.raw[j]));
    let identifiable = &scratch.identifiable;
    if identifiable.iter().all(|&ok| !ok) {
        return;
    }
    let ridge_t = T::from_f64(ridge);
    match options.structure {
        CoefficientStructure::Pooled(Pooling::PerDimension) => {
            for j in 0..d {
                let den = scratch.dd[j * d + j] + ridge_t;
                matrix[[j, j]] = if identifiable[j] && den > T::zero() {
                    -scratch.n[j * d + j] / den
                } else {
                    T::zero()
                };
            }
        }
        CoefficientStructure::Pooled(Pooling::Isotropic) => {
            // One η for every dimension: the plug-in variance summed over all dimensions is
            // minimised by the ratio of the sums over all of them. It is identifiable as soon as
            // one dimension is (checked above); leaving out a round-off dimension would make η
            // miss the minimiser of the total (found by proptest: relative excess 3e-6).
            let (mut num, mut den) = (T::zero(), ridge_t);
            for j in 0..d {
                num += scratch.n[j * d + j];
                den += scratch.dd[j * d + j];
            }
            let eta = if den > T::zero() {
                -num / den
            } else {
                T::zero()
            };
            for j in 0..d {
                matrix[[j, j]] = eta;
            }
        }
        CoefficientStructure::FullMatrix => {
            // M (D + rI) = −N  ⇔  (D + rI) Mᵀ = −Nᵀ  (D symmetric), solved together with
            // (D + rI) X = I for the condition number: rhs = [−Nᵀ | I], d × 2d.
            for j in 0..d {
                scratch.dd[j * d + j] += ridge_t;
            }
            let norm_a = (0..d)
                .map(|c| (0..d).fold(T::zero(), |s, r| s + scratch.dd[r * d + c].abs()))
                .fold(T::zero(), |a, b| a.max(b));
            let m2 = 2 * d;
            scratch.rhs.clear();
            scratch.rhs.resize(d * m2, T::zero());
            for i in 0..d {
                for j in 0..d {
                    scratch.rhs[j * m2 + i] = -scratch.n[i * d + j];
                }
                scratch.rhs[i * m2 + d + i] = T::one();
            }
            // A singular D + rI (K ≤ d and no ridge), an ill-conditioned one, or a
            // non-identifiable dimension has no reliable minimiser: fall back to the
            // per-dimension one (still a minimiser over a class containing 0 and I).
            let all_identifiable = identifiable.iter().all(|&ok| ok);
            let solved =
                all_identifiable && spd_solve_in_place(&mut scratch.dd, d, &mut scratch.rhs);
            let conditioned = solved && {
                let norm_inv = (0..d)
                    .map(|c| (0..d).fold(T::zero(), |s, r| s + scratch.rhs[r * m2 + d + c].abs()))
                    .fold(T::zero(), |a, b| a.max(b));
                // [RFM:Eq.plugin-conditioning] κ₁ = ‖A‖₁ ‖A⁻¹‖₁ below the limit
                norm_a * norm_inv < condition_limit::<T>()
            };
            if conditioned {
                for i in 0..d {
                    for j in 0..d {
                        matrix[[i, j]] = scratch.rhs[j * m2 + i];
                    }
                }
            } else {
                for j in 0..d {
                    // `dd` may hold a partial factorisation: recompute the diagonal sums.
                    let (mut num, mut den) = (T::zero(), ridge_t);
                    for r in 0..k {
                        let w2 = weights[r] * weights[r];
                        if w2 == T::zero() {
                            continue;
                        }
                        let z = score[[r, j]] - mean_score[j];
                        num += w2 * (noise[[r, j]] - mu_ne[j]) * z;
                        den += w2 * z * z;
                    }
                    matrix[[j, j]] = if identifiable[j] && den > T::zero() {
                        -num / den
                    } else {
                        T::zero()
                    };
                }
            }
        }
    }
    if let Some(bound) = options.clip {
        let bound = T::from_f64(bound / to_clip_space);
        matrix.mapv_inplace(|m| m.max(-bound).min(bound));
    }
}
