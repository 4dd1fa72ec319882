//! Estimator guards: a NaN behind a −∞ log target (zero weight) does not leak into any member,
//! η = 0 never reads ∇Q, a numerically ill-conditioned full plug-in system is refused by its
//! condition number (not only by the pivots), and a bad x_t is named as x_t.
//!
//! Inputs are fixed (seeded ChaCha8 noise, hand-built systems); every assertion is exact
//! (bit-for-bit equality or finiteness), so no tolerance is involved.

use ndarray::{Array2, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rfm::estimators::optimal::{PluginScratch, condition_limit, plugin_coefficient};
use rfm::estimators::spd_solve::spd_solve_in_place;
use rfm::estimators::{
    CoefficientSpace, CoefficientStructure, ControlVariate, EstimatorSetup, LogTarget,
    PluginCoefficient, Pooling, RfmEstimator, TargetForm,
};
use rfm::paths::{LinearPath, ProbabilityPath};

const K: usize = 16;
const D: usize = 2;

/// `Q(a) = −‖a‖²` where `a_0 < −2`; beyond, a barrier: `Q = −∞` and `∇Q = NaN` (or, with
/// `clean`, `∇Q = 0`, to compare against).
struct Barrier {
    clean: bool,
    /// Also put a NaN in ∇Q of the allowed samples (for η = 0, which must not read ∇Q).
    nan_everywhere: bool,
}

impl rfm::estimators::ActionValue<f64> for Barrier {
    fn evaluate(
        &mut self,
        actions: ArrayView2<f64>,
        _k: usize,
        mut q: ArrayViewMut1<f64>,
        mut grad_q: ArrayViewMut2<f64>,
    ) {
        for r in 0..actions.nrows() {
            let barred = actions[[r, 0]] >= -2.0;
            q[r] = if barred {
                f64::NEG_INFINITY
            } else {
                -actions.row(r).iter().map(|a| a * a).sum::<f64>()
            };
            for j in 0..actions.ncols() {
                grad_q[[r, j]] = if (barred && !self.clean) || self.nan_everywhere {
                    f64::NAN
                } else if barred {
                    0.0
                } else {
                    -2.0 * actions[[r, j]]
                };
            }
        }
    }
}

fn members() -> Vec<ControlVariate> {
    let plugin = |structure, space| {
        ControlVariate::Plugin(PluginCoefficient {
            structure,
            space,
            ..PluginCoefficient::default()
        })
    };
    vec![
        ControlVariate::Eta(0.0),
        ControlVariate::Eta(0.5),
        ControlVariate::Eta(1.0),
        ControlVariate::PerDimension(vec![0.3, 0.7]),
        ControlVariate::Matrix(Array2::from_shape_vec((2, 2), vec![0.5, 0.1, -0.2, 0.4]).unwrap()),
        ControlVariate::DataSpace(vec![0.1, 0.0]),
        plugin(
            CoefficientStructure::Pooled(Pooling::PerDimension),
            CoefficientSpace::Data,
        ),
        plugin(
            CoefficientStructure::Pooled(Pooling::Isotropic),
            CoefficientSpace::Noise,
        ),
        plugin(CoefficientStructure::FullMatrix, CoefficientSpace::Data),
    ]
}

/// Two states at t = 0.5 on the linear path; x_t chosen so that the reverse samples
/// `a = 2 x_t − ε'` are barred exactly when `ε'_0 < 0` (state 0) — about half of them.
fn inputs() -> (Array2<f64>, Array2<f64>) {
    let x_t = Array2::from_shape_vec((2, D), vec![-1.0, 0.2, -1.0, -0.4]).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    let noise = Array2::from_shape_fn((2 * K, D), |_| StandardNormal.sample(&mut rng));
    (x_t, noise)
}

fn estimate(member: &ControlVariate, av: &mut Barrier) -> (Array2<f64>, Array2<f64>, Vec<f64>) {
    let (x_t, noise) = inputs();
    let mut est = RfmEstimator::new(EstimatorSetup {
        samples_per_state: K,
        target: LogTarget {
            form: TargetForm::Boltzmann,
            temperature: 1.0,
        },
        control_variate: member.clone(),
    });
    let e = est.estimate_with_noise(&LinearPath, &[0.5, 0.5], x_t.view(), noise.view(), av);
    let v = e.diagnostics.variance_chosen.to_vec();
    (e.mu_0.to_owned(), e.velocity.to_owned(), v)
}

#[test]
fn estimator_guard_zero_weight_nan_gradient_reaches_no_member() {
    let (_, noise) = inputs();
    let barred = (0..2 * K).filter(|&r| noise[[r, 0]] < 0.0).count();
    assert!(barred > 2 && barred < 2 * K - 2, "{barred} barred samples");
    for member in members() {
        let dirty = estimate(
            &member,
            &mut Barrier {
                clean: false,
                nan_everywhere: false,
            },
        );
        let clean = estimate(
            &member,
            &mut Barrier {
                clean: true,
                nan_everywhere: false,
            },
        );
        assert!(
            dirty.0.iter().all(|x| x.is_finite()),
            "{member:?}: {:?}",
            dirty.0
        );
        assert!(
            dirty.2.iter().all(|x| x.is_finite()),
            "{member:?}: {:?}",
            dirty.2
        );
        // The barred samples are not terms at all: the same bits as with ∇Q = 0 there.
        let bits = |a: &Array2<f64>| a.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&dirty.0), bits(&clean.0), "{member:?}");
        assert_eq!(bits(&dirty.1), bits(&clean.1), "{member:?}");
    }
}

#[test]
fn estimator_guard_eta_zero_never_reads_the_gradient() {
    let member = ControlVariate::Eta(0.0);
    let dirty = estimate(
        &member,
        &mut Barrier {
            clean: false,
            nan_everywhere: true,
        },
    );
    let clean = estimate(
        &member,
        &mut Barrier {
            clean: true,
            nan_everywhere: false,
        },
    );
    assert!(dirty.0.iter().all(|x| x.is_finite()), "{:?}", dirty.0);
    assert_eq!(dirty.0, clean.0);
    assert_eq!(dirty.2, clean.2);
    // η = 1 does read it, and says so.
    let ge = estimate(
        &ControlVariate::Eta(1.0),
        &mut Barrier {
            clean: false,
            nan_everywhere: true,
        },
    );
    assert!(ge.0.iter().any(|x| x.is_nan()));
}

#[test]
fn estimator_guard_nan_x_t_is_named_as_x_t() {
    let (mut x_t, noise) = inputs();
    x_t[[1, 0]] = f64::NAN;
    let r = std::panic::catch_unwind(move || {
        let mut est = RfmEstimator::<f64>::new(EstimatorSetup {
            samples_per_state: K,
            ..EstimatorSetup::default()
        });
        let mut av = Barrier {
            clean: true,
            nan_everywhere: false,
        };
        let _ =
            est.estimate_with_noise(&LinearPath, &[0.5, 0.5], x_t.view(), noise.view(), &mut av);
    });
    let msg = *r.unwrap_err().downcast::<String>().unwrap();
    assert!(msg.contains("x_t[1, 0]") && msg.contains("NaN"), "{msg}");
    assert!(!msg.contains("log-density"), "{msg}");
}

/// One state's samples whose score spread is 1 in dimension 0 and `scale` in dimension 1,
/// correlated `rho`: `D = diag(1, scale)·C·diag(1, scale)` with a well-conditioned `C` up to
/// the scale.
fn system(scale: f64, rho: f64) -> (Vec<f64>, Array2<f64>, Array2<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let k = 64;
    let mut z = Array2::<f64>::zeros((k, D));
    let mut e = Array2::<f64>::zeros((k, D));
    for r in 0..k {
        let (a, b): (f64, f64) = (
            StandardNormal.sample(&mut rng),
            StandardNormal.sample(&mut rng),
        );
        z[[r, 0]] = a;
        z[[r, 1]] = scale * (rho * a + (1.0 - rho * rho).sqrt() * b);
        e[[r, 0]] = StandardNormal.sample(&mut rng);
        e[[r, 1]] = -0.5 * z[[r, 1]] / scale + 0.1 * z[[r, 0]];
    }
    (vec![1.0 / k as f64; k], e, z)
}

fn fit(
    structure: CoefficientStructure,
    w: &[f64],
    e: &Array2<f64>,
    z: &Array2<f64>,
) -> Array2<f64> {
    let options = PluginCoefficient {
        structure,
        ridge: 0.0,
        clip: None,
        space: CoefficientSpace::Noise,
    };
    let w = ndarray::Array1::from(w.to_vec());
    let mu_ne = e.t().dot(&w);
    let mean_score = z.t().dot(&w);
    let mut m = Array2::zeros((D, D));
    plugin_coefficient(
        &options,
        &LinearPath.coefficients(0.5),
        w.view(),
        e.view(),
        z.view(),
        mu_ne.view(),
        mean_score.view(),
        &mut PluginScratch::default(),
        m.view_mut(),
    );
    m
}

/// `D = Σ w² z̃ z̃ᵀ` (centred) as the plug-in forms it, and its 1-norm condition number.
fn d_and_condition(w: &[f64], z: &Array2<f64>) -> (Vec<f64>, f64) {
    let mean: Vec<f64> = (0..D)
        .map(|j| (0..w.len()).map(|r| w[r] * z[[r, j]]).sum())
        .collect();
    let mut dd = vec![0.0; D * D];
    for r in 0..w.len() {
        for i in 0..D {
            for j in 0..D {
                dd[i * D + j] += w[r] * w[r] * (z[[r, i]] - mean[i]) * (z[[r, j]] - mean[j]);
            }
        }
    }
    let det = dd[0] * dd[3] - dd[1] * dd[2];
    let inv = [dd[3] / det, -dd[1] / det, -dd[2] / det, dd[0] / det];
    let norm1 = |m: &[f64]| (m[0].abs() + m[2].abs()).max(m[1].abs() + m[3].abs());
    (dd.clone(), norm1(&dd) * norm1(&inv))
}

#[test]
fn rfm_eq_plugin_conditioning_refuses_an_ill_conditioned_system_that_passes_the_pivots() {
    let (w, e, z) = system(1e-7, 0.6);
    let (mut dd, cond) = d_and_condition(&w, &z);
    assert!(cond >= 1e13, "cond {cond:e}");
    // The pivot test alone accepts this system …
    let mut rhs = vec![1.0, 0.0, 0.0, 1.0];
    assert!(
        spd_solve_in_place(&mut dd, D, &mut rhs),
        "pivots refused it"
    );
    // … the conditioning test refuses it: the full fit falls back to the per-dimension one.
    assert!(cond >= condition_limit::<f64>());
    let full = fit(CoefficientStructure::FullMatrix, &w, &e, &z);
    let per_dim = fit(
        CoefficientStructure::Pooled(Pooling::PerDimension),
        &w,
        &e,
        &z,
    );
    assert_eq!(full, per_dim);
    assert_eq!(full[[0, 1]], 0.0);
}

#[test]
fn rfm_eq_plugin_conditioning_accepts_a_well_conditioned_system() {
    let (w, e, z) = system(1.0, 0.6);
    let (_, cond) = d_and_condition(&w, &z);
    assert!(cond < 1e3, "cond {cond:e}");
    let full = fit(CoefficientStructure::FullMatrix, &w, &e, &z);
    // A genuine full matrix: the off-diagonal coupling e_1 ∋ 0.1·z_0 is found.
    assert!(full[[1, 0]].abs() > 0.05, "{full:?}");
}
