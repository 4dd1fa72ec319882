//! Paper Thm 4.2 in miniature: regressing an affine velocity model on RFM targets and on CFM
//! targets reaches the same optimum, the exact Gaussian velocity `v*(x, t)`.
//!
//! Linear path, Gaussian target `N(μ, Σ)`: `v*(x, t) = A* x + b*` with
//! `A* = (tΣ − (1 − t) I) S_t⁻¹`, `b* = μ − t A* μ`, `S_t = t²Σ + (1 − t)² I`.

use ndarray::{Array2, Axis, concatenate, s};
use rand::Rng;
use rand_distr::StandardNormal;

use super::case::Case;
use super::checks_gaussian::gaussian_of;
use super::checks_prior::boltzmann_estimator;
use super::gaussian::spd_solve;
use super::report::CheckOutcome;
use crate::estimators::prior::cfm::cfm_pairs;
use crate::estimators::{ControlVariate, PluginCoefficient};
use crate::paths::{LinearPath, ProbabilityPath};

/// Least-squares fit `Y ≈ [X, 1] W`; returns `W` ((d+1)×m) and the standard error of every
/// entry (`sqrt(σ̂²_col · diag((ZᵀZ)⁻¹))`, σ̂² from the residuals).
pub fn affine_least_squares(x: &Array2<f64>, y: &Array2<f64>) -> (Array2<f64>, Array2<f64>) {
    let n = x.nrows();
    let z = concatenate(Axis(1), &[x.view(), Array2::ones((n, 1)).view()]).expect("design");
    let gram = z.t().dot(&z);
    let w = spd_solve(&gram, &z.t().dot(y));
    let residual = y - &z.dot(&w);
    let p = z.ncols();
    let gram_inv = spd_solve(&gram, &Array2::eye(p));
    let mut se = Array2::zeros(w.dim());
    for col in 0..y.ncols() {
        let sigma2 = residual.column(col).mapv(|r| r * r).sum() / (n - p) as f64;
        for row in 0..p {
            se[[row, col]] = (sigma2 * gram_inv[[row, row]]).sqrt();
        }
    }
    (w, se)
}

/// Fits both regressions on `case.states` draws `(x_1, x_0)` at time `case.t` (quadratic Q
/// only) and returns two outcomes: the CFM fit against the closed form, tolerance 5 standard
/// errors of the fit; and the RFM fit (plug-in members, K = `case.samples_per_state`, the same
/// `x_t`) against the CFM fit, tolerance 5 standard errors of the difference
/// (`sqrt(se_rfm² + se_cfm²)`), entry-wise maxima over `W`.
pub fn check_rfm_cfm_same_optimum(case: &Case) -> Vec<CheckOutcome> {
    let path = LinearPath;
    let c = path.coefficients(case.t);
    let mut rng = case.rng();
    let mut q = case.analytic_q(&mut rng);
    let target = gaussian_of(&q, case.temperature);
    let d = case.dim;
    let n = case.states;
    // x_1 = μ + L z with Σ = L Lᵀ (Cholesky).
    let mut l = Array2::<f64>::zeros((d, d));
    for i in 0..d {
        for j in 0..=i {
            let mut v = target.covariance[[i, j]];
            for p in 0..j {
                v -= l[[i, p]] * l[[j, p]];
            }
            l[[i, j]] = if i == j { v.sqrt() } else { v / l[[j, j]] };
        }
    }
    let z = Array2::from_shape_fn((n, d), |_| rng.sample::<f64, _>(StandardNormal));
    let x_1 = z.dot(&l.t()) + &target.mean;
    let x_0 = Array2::from_shape_fn((n, d), |_| rng.sample::<f64, _>(StandardNormal));
    let (x_t, cfm_target) = cfm_pairs(&c, x_1.view(), x_0.view());
    let (w_cfm, se_cfm) = affine_least_squares(&x_t, &cfm_target);

    let mut est = boltzmann_estimator(case, ControlVariate::Plugin(PluginCoefficient::default()));
    let rfm_target = est
        .estimate(&path, &case.times(), x_t.view(), &mut q, &mut rng)
        .velocity
        .to_owned();
    let (w_rfm, se_rfm) = affine_least_squares(&x_t, &rfm_target);

    // Closed form W* = [A*ᵀ; b*ᵀ].
    let s_t =
        &target.covariance * (case.t * case.t) + Array2::<f64>::eye(d) * (1.0 - case.t).powi(2);
    let lead = &target.covariance * case.t - Array2::<f64>::eye(d) * (1.0 - case.t);
    let a_star = lead.dot(&spd_solve(&s_t, &Array2::eye(d)));
    let b_star = &target.mean - &(a_star.dot(&target.mean) * case.t);
    let mut w_star = Array2::zeros((d + 1, d));
    w_star.slice_mut(s![..d, ..]).assign(&a_star.t());
    w_star.row_mut(d).assign(&b_star);

    let cfm_diff = (&w_cfm - &w_star).mapv(f64::abs);
    let rfm_diff = (&w_rfm - &w_cfm).mapv(f64::abs);
    let se_both = (se_rfm.mapv(|v| v * v) + se_cfm.mapv(|v| v * v)).mapv(f64::sqrt);
    // Report the entry with the worst ratio, with its own tolerance.
    let worst = |diff: &Array2<f64>, se: &Array2<f64>| {
        diff.iter()
            .zip(se.iter())
            .max_by(|a, b| (a.0 / a.1).total_cmp(&(b.0 / b.1)))
            .map(|(d, s)| (*d, 5.0 * s))
            .expect("non-empty")
    };
    let (d_cfm, tol_cfm) = worst(&cfm_diff, &se_cfm);
    let (d_rfm, tol_rfm) = worst(&rfm_diff, &se_both);
    vec![
        CheckOutcome {
            claim: "RFM:Claim.rfm-cfm-same-optimum",
            path: "linear (CFM vs v*)".into(),
            max_abs_difference: d_cfm,
            tolerance: tol_cfm,
        },
        CheckOutcome {
            claim: "RFM:Claim.rfm-cfm-same-optimum",
            path: "linear (RFM vs CFM)".into(),
            max_abs_difference: d_rfm,
            tolerance: tol_rfm,
        },
    ]
}
