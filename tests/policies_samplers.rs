//! Samplers of the flow and diffusion policies on fields with known solutions, and particle
//! selection probabilities.

#[allow(dead_code)]
mod common;

use common::tolerance::SAMPLER_Z;
use ndarray::{Array1, Array2, ArrayView2, ArrayViewMut2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::paths::ProbabilityPath;
use rfm::paths::{VePath, VpPath};
use rfm::policies::diffusion_sampler::{DiffusionMethod, DiffusionScratch, sample_diffusion};
use rfm::policies::field::ConditionalField;
use rfm::policies::flow_sampler::{FlowSchedule, FlowScratch, OdeMethod, integrate};
use rfm::policies::resample::{Selection, select_particles, selection_probabilities};

/// `v(x, t) = a·x + c·t` (no state dependence): linear ODE with a closed-form solution.
struct Linear {
    a: f64,
    c: f64,
    calls: usize,
}
impl ConditionalField<f64> for Linear {
    fn prepare(&mut self, _obs: ArrayView2<f64>, _particles: usize) {}
    fn eval(&mut self, x: ArrayView2<f64>, t: f64, mut out: ArrayViewMut2<f64>) {
        self.calls += 1;
        out.zip_mut_with(&x, |o, &x| *o = self.a * x + self.c * t);
    }
}

/// Exact solution of x' = a x + c t from (t0, x0) to t1.
fn exact(a: f64, c: f64, t0: f64, x0: f64, t1: f64) -> f64 {
    // Particular solution x_p = −c t/a − c/a², homogeneous e^{a t}.
    let xp = |t: f64| -c * t / a - c / (a * a);
    xp(t1) + (x0 - xp(t0)) * (a * (t1 - t0)).exp()
}

#[test]
fn euler_matches_hand_recursion_and_heun_is_second_order() {
    let (a, c, t_min) = (-1.3, 0.7, 0.01);
    let x0 = 0.8;
    for steps in [1usize, 10, 37] {
        let s = FlowSchedule {
            steps,
            t_min,
            method: OdeMethod::Euler,
        };
        let mut f = Linear { a, c, calls: 0 };
        let mut x = Array2::from_elem((3, 2), x0);
        integrate(&mut f, &s, x.view_mut(), &mut FlowScratch::default());
        let dt = s.dt();
        let mut h = x0;
        for i in 0..steps {
            let t = t_min + i as f64 * dt;
            h += dt * (a * h + c * t);
        }
        assert_eq!(f.calls, steps);
        for v in x.iter() {
            assert!((v - h).abs() <= 1e-14, "Euler {v} vs hand {h}");
        }
    }
    // Heun: global error O(Δt²), so doubling the steps divides it by ≈ 4 (Euler: ≈ 2).
    let truth = exact(a, c, t_min, x0, 1.0 - t_min);
    let err = |method, steps| {
        let s = FlowSchedule {
            steps,
            t_min,
            method,
        };
        let mut x = Array2::from_elem((1, 1), x0);
        integrate(
            &mut Linear { a, c, calls: 0 },
            &s,
            x.view_mut(),
            &mut FlowScratch::default(),
        );
        (x[[0, 0]] - truth).abs()
    };
    let heun_ratio = err(OdeMethod::Heun, 20) / err(OdeMethod::Heun, 40);
    let euler_ratio = err(OdeMethod::Euler, 20) / err(OdeMethod::Euler, 40);
    assert!((3.6..4.4).contains(&heun_ratio), "Heun ratio {heun_ratio}");
    assert!(
        (1.8..2.2).contains(&euler_ratio),
        "Euler ratio {euler_ratio}"
    );
}

#[test]
fn rfm_eq_particle_selection_probabilities_are_a_stable_softmax() {
    let q = Array1::from(vec![1.0f64, 2.0, 0.5, 2.0]);
    let mut p = Vec::new();
    selection_probabilities(q.view(), 0.5, &mut p);
    let z: f64 = q.iter().map(|v| (v / 0.5f64).exp()).sum();
    for (pi, qi) in p.iter().zip(q.iter()) {
        assert!((pi - (qi / 0.5).exp() / z).abs() < 1e-15);
    }
    // Q/λ = 1e4 − 1e4·… does not overflow.
    let q = Array1::from(vec![200.0f32, 199.99, 150.0]);
    selection_probabilities(q.view(), 0.02, &mut p);
    assert!(p.iter().all(|v| v.is_finite()));
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(p[2] < 1e-300 && p[0] > p[1]);
}

#[test]
fn rfm_eq_particle_selection_frequencies_match_probabilities_and_argmax_is_the_max() {
    let q = Array1::from(vec![0.0f64, 0.1, 0.3, -0.2, 0.0, 0.1, 0.3, -0.2]);
    let (temperature, particles) = (0.2, 4);
    let mut probs = Vec::new();
    selection_probabilities(q.slice(ndarray::s![0..4]), temperature, &mut probs);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let n = 20_000;
    let mut counts = [0usize; 4];
    let mut chosen = Vec::new();
    for _ in 0..n / 2 {
        select_particles(
            q.view(),
            particles,
            Selection::Softmax { temperature },
            &mut rng,
            &mut chosen,
        );
        assert_eq!(chosen.len(), 2);
        counts[chosen[0]] += 1;
        assert!((4..8).contains(&chosen[1]));
        counts[chosen[1] - 4] += 1;
    }
    for (c, p) in counts.iter().zip(&probs) {
        // Binomial: sd = sqrt(n p (1 − p)); `SAMPLER_Z` standard errors.
        let sd = (n as f64 * p * (1.0 - p)).sqrt();
        assert!(
            (*c as f64 - n as f64 * p).abs() < SAMPLER_Z * sd,
            "count {c} vs p {p}"
        );
    }
    select_particles(
        q.view(),
        particles,
        Selection::Argmax,
        &mut rng,
        &mut chosen,
    );
    assert_eq!(chosen, vec![2, 6]);
}

/// Exact ε-prediction for a point-mass target at `m`: ε̂(x, t) = (x − α_t m)/β_t.
struct PointMass<P> {
    path: P,
    m: f64,
}
impl<P: ProbabilityPath> ConditionalField<f64> for PointMass<P> {
    fn prepare(&mut self, _obs: ArrayView2<f64>, _particles: usize) {}
    fn eval(&mut self, x: ArrayView2<f64>, t: f64, mut out: ArrayViewMut2<f64>) {
        let c = self.path.coefficients(t);
        out.zip_mut_with(&x, |o, &x| *o = (x - c.alpha_t * self.m) / c.beta_t);
    }
}

/// `n_rows` samples of the point mass at `m` by 20 steps of `method` on `path`, and the path's
/// coefficients at the end time.
fn sample_point_mass<P: ProbabilityPath + Copy>(
    path: P,
    m: f64,
    t_min: f64,
    method: DiffusionMethod,
    n_rows: usize,
    seed: u64,
) -> (Array2<f64>, rfm::paths::PathCoefficients) {
    let mut x = Array2::<f64>::zeros((n_rows, 1));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut f = PointMass { path, m };
    sample_diffusion(
        &path,
        &mut f,
        20,
        t_min,
        method,
        None,
        &mut rng,
        x.view_mut(),
        &mut DiffusionScratch::default(),
    );
    (x, path.coefficients(1.0 - t_min))
}

#[test]
fn ddim_and_ddpm_reach_the_path_marginal_of_a_point_mass() {
    let t_min = 0.01;
    for path_kind in 0..2 {
        // The start x_{t_min} = β_{t_min} z takes the data mean as 0: exact on VP only up to
        // α_{t_min} ≈ 0.015, and on VE (α = 1) only for a target centred at 0. So VE uses m = 0.
        let m = if path_kind == 0 { 0.4 } else { 0.0 };
        let run = |method, n_rows: usize, seed: u64| {
            if path_kind == 0 {
                sample_point_mass(VpPath::cosine(), m, t_min, method, n_rows, seed)
            } else {
                sample_point_mass(VePath::default(), m, t_min, method, n_rows, seed)
            }
        };
        // With the exact ε̂ both samplers keep x_t on the path's marginal N(α_t m, β_t²):
        // the endpoint mean is α_end m and its variance β_end² (DDIM: deterministic in z, so
        // also Gaussian with that variance). n = 40 000: the sample mean's sd is β_end/200,
        // the sample variance's sd is β_end² sqrt(2/n); `SAMPLER_Z` sd tolerances.
        for method in [DiffusionMethod::Ddim, DiffusionMethod::Ddpm] {
            let n = 40_000;
            let (x, end) = run(method, n, 11);
            let mean = x.mean().unwrap();
            let var = x.mapv(|v| (v - mean).powi(2)).sum() / (n as f64 - 1.0);
            let sd_mean = end.beta_t / (n as f64).sqrt();
            assert!(
                (mean - end.alpha_t * m).abs() < SAMPLER_Z * sd_mean,
                "{path_kind} {method:?} mean {mean}"
            );
            let b2 = end.beta_t * end.beta_t;
            assert!(
                (var - b2).abs() < SAMPLER_Z * b2 * (2.0 / n as f64).sqrt(),
                "{path_kind} {method:?} var {var} vs {b2}"
            );
        }
    }
}
