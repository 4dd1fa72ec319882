//! The reference of `rfm ablate` on a Gaussian target, where the exact regression target is
//! known in closed form: its error is the SNIS noise predicted from the target and the
//! proposal, i.e. the reference is the members' common expectation up to its own K_ref noise.

use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rfm::ablation::measure::{Estimation, StatesActionValue, measure};
use rfm::ablation::{AblationSettings, Problem};
use rfm::audit::gaussian::GaussianTarget;
use rfm::estimators::{ActionValue, LogTarget, PluginCoefficient, TargetForm};
use rfm::paths::conversions::PredictionTarget;
use rfm::paths::{LinearPath, ProbabilityPath};

/// `Q(a) = −(h/2)‖a − m‖²`, the same at every state: at temperature λ the Boltzmann target is
/// `N(m, (λ/h) I)`.
struct Quadratic {
    m: [f32; 2],
    h: f32,
}

impl ActionValue<f32> for Quadratic {
    fn evaluate(
        &mut self,
        actions: ArrayView2<f32>,
        _: usize,
        mut q: ArrayViewMut1<f32>,
        mut grad_q: ArrayViewMut2<f32>,
    ) {
        for (r, a) in actions.rows().into_iter().enumerate() {
            let (d0, d1) = (a[0] - self.m[0], a[1] - self.m[1]);
            q[r] = -0.5 * self.h * (d0 * d0 + d1 * d1);
            grad_q[[r, 0]] = -self.h * d0;
            grad_q[[r, 1]] = -self.h * d1;
        }
    }
}

impl StatesActionValue for Quadratic {
    fn with_states(&mut self, _: ArrayView2<f32>, f: &mut dyn FnMut(&mut dyn ActionValue<f32>)) {
        f(self)
    }
}

/// The SNIS asymptotic variance `K·Var(μ̂_0^{NE})` summed over dimensions, for the posterior
/// `q = N(μ, v I)` of ε and the proposal `r = N(0, I)`: `Σ_j (Π_{i≠j} A_i) B_j` with
/// `A = E_r[(q/r)²] = exp(2μ²/(v²P) − μ²/v)/(v√P)`, `P = 2/v − 1`, and
/// `B = E_r[(q/r)² (ε − μ)²] = A (1/P + (c − μ)²)`, `c = 2μ/(vP)` (the Gaussian `q²/r` has
/// precision P and mean c).
fn snis_variance(mu: &Array1<f64>, v: f64) -> f64 {
    let p = 2.0 / v - 1.0;
    let a: Vec<f64> = mu
        .iter()
        .map(|&m| (2.0 * m * m / (v * v * p) - m * m / v).exp() / (v * p.sqrt()))
        .collect();
    let b: Vec<f64> = mu
        .iter()
        .zip(&a)
        .map(|(&m, &ai)| ai * (1.0 / p + (2.0 * m / (v * p) - m).powi(2)))
        .collect();
    (0..mu.len())
        .map(|j| {
            b[j] * (0..mu.len())
                .filter(|&i| i != j)
                .map(|i| a[i])
                .product::<f64>()
        })
        .sum()
}

#[test]
fn ablation_reference_error_is_the_predicted_snis_noise_on_a_gaussian_target() {
    let (m, h, lambda) = ([0.3f32, -0.2], 0.5f32, 0.5);
    let sigma2 = lambda / h as f64;
    let settings = AblationSettings {
        states: 32,
        t_bins: 4,
        t_range: (0.3, 0.9),
        ks: vec![2],
        reference_k: 4000,
        seeds: 1,
        etas: vec![0.0],
        ..AblationSettings::default()
    };
    let path = LinearPath;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let states = Array2::<f32>::zeros((settings.states, 1));
    // endpoints: exact samples of the target N(m, σ² I)
    let mut exact = |_: ArrayView2<f32>, rng: &mut ChaCha8Rng, mut out: ArrayViewMut2<f32>| {
        for mut row in out.rows_mut() {
            for j in 0..2 {
                let z: f64 = StandardNormal.sample(rng);
                row[j] = m[j] + (sigma2.sqrt() * z) as f32;
            }
        }
    };
    let problem = Problem::draw(&settings, states.view(), 2, &path, &mut exact, &mut rng);
    let velocity = |_: &[f64],
                    _: ArrayView2<f32>,
                    v: ArrayView2<f32>,
                    mut out: ArrayViewMut2<f32>| { out.assign(&v) };
    let estimation = Estimation {
        path: &path,
        log_target: LogTarget {
            form: TargetForm::Boltzmann,
            temperature: lambda,
        },
        plugin: PluginCoefficient::default(),
        regression: &velocity,
    };
    let result = measure(&settings, &problem, &estimation, &mut Quadratic { m, h });

    let target = GaussianTarget {
        mean: Array1::from_iter(m.iter().map(|&v| v as f64)),
        covariance: Array2::eye(2) * sigma2,
    };
    let (mut predicted, mut errors) = (0.0, [0.0; 2]);
    for r in 0..problem.rows() {
        let c = path.coefficients(problem.t[r]);
        let x = Array1::from_iter(problem.x_t.row(r).iter().map(|&v| v as f64));
        let mu_0 = target.posterior_mean_noise(&c, x.view());
        let (a, b) = PredictionTarget::Velocity.affine_in_noise(&c);
        let exact_v = &x * a + &mu_0 * b;
        // the posterior of ε: precision 1 + β²/(α²σ²) per dimension, mean μ_0
        let v = 1.0 / (1.0 + c.beta_t.powi(2) / (c.alpha_t.powi(2) * sigma2));
        predicted += b * b * snis_variance(&mu_0, v) / settings.reference_k as f64;
        for (e, reference) in errors.iter_mut().zip(&result.references) {
            *e += (0..2)
                .map(|j| (reference[[r, j]] as f64 - exact_v[j]).powi(2))
                .sum::<f64>();
        }
    }
    // errors[1] (η = 0) is a sum of 256 squared, nearly Gaussian errors (ESS = K/Π A ≳ 1000 of
    // 4000 at every row) whose expectation is `predicted` up to O(1/K_ref) relative: a weighted
    // χ² whose weights (b² V over t ∈ [0.3, 0.9]: between ≈ 2 and ≈ 7, so < ×10 apart) leave
    // n_eff = (Σw)²/Σw² ≥ 256 · 4·10/11² ≈ 84 degrees of freedom; the ratio has sd ≤ √(2/84)
    // ≈ 0.15, and [1/3, 3] is more than 4 sd below and 13 sd above 1. The plug-in reference is at most as noisy (for this target the optimal member
    // has zero variance), so only the upper bound applies to it.
    let ratio = errors[1] / predicted;
    assert!(
        (1.0 / 3.0..=3.0).contains(&ratio),
        "η = 0 reference: {errors:?} vs predicted {predicted}"
    );
    assert!(
        errors[0] <= 3.0 * predicted,
        "plug-in reference: {errors:?} vs {predicted}"
    );
}
