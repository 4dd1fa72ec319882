//! The measurement of `rfm ablate`: the regression target of every member at every K against
//! a high-K reference on the same `x_t`.
//!
//! The reference is one K = `reference_k` estimate per row, from which two references are read
//! off the same samples: the plug-in member (per dimension) and η = 0 (the estimator's
//! noise expectation). Both are consistent for the exact target; each favours its own member
//! (its O(1/K_ref) bias and its K_ref noise are shared with that member's estimates at
//! the same coefficient), so every error is reported against both, and their relative
//! difference (the reference mismatch) is the resolution of the table. At small K the
//! members' errors are ≫ the mismatch and the two agree; where they do not, the table cannot
//! rank members.
//!
//! For every K and seed, the reverse samples of a row are drawn once and every member is
//! estimated on them ([`RfmEstimator::estimate_with_noise`], the critic evaluated once through
//! [`CachedActionValue`]): member differences are paired.

use std::ops::Range;

use ndarray::{Array2, ArrayView2, ArrayViewMut2, s};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::cached_value::CachedActionValue;
use super::member::Member;
use super::problem::Problem;
use super::settings::AblationSettings;
use crate::autodiff::Tape;
use crate::critic::action_value::CriticActionValue;
use crate::critic::twin::TwinCritic;
use crate::estimators::reverse_sampling::draw_noise;
use crate::estimators::{
    ActionValue, CoefficientStructure, EstimatorSetup, LogTarget, PluginCoefficient, Pooling,
    RfmEstimator,
};
use crate::paths::conversions::noise_to_velocity;
use crate::paths::{PathCoefficients, ProbabilityPath};

/// The action value at a block of states (the critic, or an analytic function in tests).
pub trait StatesActionValue {
    /// Calls `f` with the action value at the states `obs` (one row per estimator state).
    fn with_states(&mut self, obs: ArrayView2<f32>, f: &mut dyn FnMut(&mut dyn ActionValue<f32>));
}

/// `min(Q_1, Q_2)` of a run's online critics.
pub struct TwinCriticStates<'a> {
    /// The critics.
    pub critic: &'a TwinCritic<f32>,
    /// The tape they record on.
    pub tape: Tape<f32>,
}

impl StatesActionValue for TwinCriticStates<'_> {
    fn with_states(&mut self, obs: ArrayView2<f32>, f: &mut dyn FnMut(&mut dyn ActionValue<f32>)) {
        let mut q = CriticActionValue::new(self.critic, obs, &mut self.tape);
        f(&mut q)
    }
}

/// Turns `(t, μ̂_0, velocity)` of a block of rows into the policy's regression target.
pub type RegressionTarget<'a> =
    dyn Fn(&[f64], ArrayView2<f32>, ArrayView2<f32>, ArrayViewMut2<f32>) + 'a;

/// What the estimator is measured with: path, target, plug-in options and the policy's target.
pub struct Estimation<'a, P: ProbabilityPath + ?Sized> {
    /// The policy's path.
    pub path: &'a P,
    /// The log-target (form and temperature of the run).
    pub log_target: LogTarget,
    /// Ridge, clip and space of every plug-in member and of the reference.
    pub plugin: PluginCoefficient,
    /// The policy's regression target from the posterior means.
    pub regression: &'a RegressionTarget<'a>,
}

/// Sums over the rows of each t bin.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurements {
    /// The members, in the order of `squared_error`'s first index.
    pub members: Vec<Member>,
    /// The reference targets per row, `[0]` plug-in (per dimension) and `[1]` η = 0.
    pub references: [Array2<f32>; 2],
    /// `Σ ‖v_ref‖²` per bin, for the reference `[0]` plug-in and `[1]` η = 0.
    pub reference_power: [Vec<f64>; 2],
    /// `Σ ‖v_ref,plugin − v_ref,η=0‖²` per bin.
    pub reference_mismatch: Vec<f64>,
    /// Mean ESS of the reference per bin.
    pub reference_ess: Vec<f64>,
    /// `[member][k][seed][bin]` → `[Σ ‖v̂ − v_ref,plugin‖², Σ ‖v̂ − v_ref,η=0‖²]`.
    pub squared_error: Vec<Vec<Vec<Vec<[f64; 2]>>>>,
    /// `[k][bin]` → mean ESS over rows and seeds.
    pub ess: Vec<Vec<f64>>,
}

fn chunks(rows: usize, k: usize, rows_per_call: usize) -> Vec<Range<usize>> {
    let step = (rows_per_call / k).max(1);
    (0..rows)
        .step_by(step)
        .map(|lo| lo..(lo + step).min(rows))
        .collect()
}

fn squared_distance(a: ArrayView2<f32>, b: ArrayView2<f32>, bins: &[usize], out: &mut [f64]) {
    for ((ra, rb), &j) in a.rows().into_iter().zip(b.rows()).zip(bins) {
        out[j] += ra
            .iter()
            .zip(rb)
            .map(|(x, y)| (*x as f64 - *y as f64).powi(2))
            .sum::<f64>();
    }
}

/// A seed for the reverse samples of budget `k`, repetition `seed` (distinct for distinct
/// pairs with `k < 2^44`, `seed < 2^20`; the reference uses `k = 0`).
fn stream(master: u64, k: usize, seed: usize) -> u64 {
    master
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((k as u64) << 20)
        .wrapping_add(seed as u64 + 1)
}

/// Measures every member of [`Member::standard`] at every K of `settings` on `problem`.
pub fn measure<P: ProbabilityPath + ?Sized>(
    settings: &AblationSettings,
    problem: &Problem,
    estimation: &Estimation<'_, P>,
    critic: &mut dyn StatesActionValue,
) -> Measurements {
    let (rows, d, bins) = (problem.rows(), problem.x_t.ncols(), settings.t_bins);
    let coefficients: Vec<PathCoefficients> = problem
        .t
        .iter()
        .map(|&t| estimation.path.coefficients(t))
        .collect();
    let members = Member::standard(&settings.etas);
    let count_per_bin = {
        let mut c = vec![0.0; bins];
        problem.bin.iter().for_each(|&j| c[j] += 1.0);
        c
    };
    // The reference: one plug-in estimate, with η = 0 read off the same samples.
    let mut references = [
        Array2::<f32>::zeros((rows, d)),
        Array2::<f32>::zeros((rows, d)),
    ];
    let mut reference_ess = vec![0.0; bins];
    let mut est = RfmEstimator::new(EstimatorSetup {
        samples_per_state: settings.reference_k,
        target: estimation.log_target,
        control_variate: Member::Plugin(CoefficientStructure::Pooled(Pooling::PerDimension))
            .control_variate(&estimation.plugin),
    });
    // K = 0 is never a budget of the sweep: the reference's stream is its own
    let mut rng = ChaCha8Rng::seed_from_u64(stream(settings.seed, 0, 0));
    for range in chunks(rows, settings.reference_k, settings.rows_per_call) {
        let (t, x_t) = (
            &problem.t[range.clone()],
            problem.x_t.slice(s![range.clone(), ..]),
        );
        let obs = problem.obs.slice(s![range.clone(), ..]);
        critic.with_states(obs, &mut |q| {
            let e = est.estimate(estimation.path, t, x_t, q, &mut rng);
            (estimation.regression)(
                t,
                e.mu_0,
                e.velocity,
                references[0].slice_mut(s![range.clone(), ..]),
            );
            for (r, ess) in range.clone().zip(e.diagnostics.ess.iter()) {
                reference_ess[problem.bin[r]] += *ess as f64 / count_per_bin[problem.bin[r]];
            }
            let (mu_ne, _) = est.classic_estimates();
            let mut velocity = Array2::<f32>::zeros(mu_ne.dim());
            noise_to_velocity(
                &coefficients[range.clone()],
                x_t,
                mu_ne,
                velocity.view_mut(),
            );
            (estimation.regression)(
                t,
                mu_ne,
                velocity.view(),
                references[1].slice_mut(s![range.clone(), ..]),
            );
        });
    }
    let mut reference_power = [vec![0.0; bins], vec![0.0; bins]];
    let zero = Array2::<f32>::zeros((rows, d));
    for (p, r) in reference_power.iter_mut().zip(&references) {
        squared_distance(r.view(), zero.view(), &problem.bin, p);
    }
    let mut reference_mismatch = vec![0.0; bins];
    squared_distance(
        references[0].view(),
        references[1].view(),
        &problem.bin,
        &mut reference_mismatch,
    );

    let mut squared_error =
        vec![vec![vec![vec![[0.0; 2]; bins]; settings.seeds]; settings.ks.len()]; members.len()];
    let mut ess = vec![vec![0.0; bins]; settings.ks.len()];
    let mut target = Array2::<f32>::zeros((0, d));
    let mut sums = [vec![0.0; bins], vec![0.0; bins]];
    for (ki, &k) in settings.ks.iter().enumerate() {
        let mut est = RfmEstimator::new(EstimatorSetup {
            samples_per_state: k,
            target: estimation.log_target,
            control_variate: members[0].control_variate(&estimation.plugin),
        });
        for seed in 0..settings.seeds {
            let mut rng = ChaCha8Rng::seed_from_u64(stream(settings.seed, k, seed));
            for range in chunks(rows, k, settings.rows_per_call) {
                let (t, x_t) = (
                    &problem.t[range.clone()],
                    problem.x_t.slice(s![range.clone(), ..]),
                );
                let obs = problem.obs.slice(s![range.clone(), ..]);
                let mut noise = Array2::<f32>::zeros((range.len() * k, d));
                draw_noise(&mut rng, noise.view_mut());
                let bins_of = &problem.bin[range.clone()];
                if target.nrows() != range.len() {
                    target = Array2::zeros((range.len(), d));
                }
                critic.with_states(obs, &mut |q| {
                    let mut cached = CachedActionValue::new(q);
                    for (mi, member) in members.iter().enumerate() {
                        est.set_control_variate(member.control_variate(&estimation.plugin));
                        let e = est.estimate_with_noise(
                            estimation.path,
                            t,
                            x_t,
                            noise.view(),
                            &mut cached,
                        );
                        if mi == 0 {
                            for (&j, v) in bins_of.iter().zip(e.diagnostics.ess.iter()) {
                                ess[ki][j] +=
                                    *v as f64 / (count_per_bin[j] * settings.seeds as f64);
                            }
                        }
                        (estimation.regression)(t, e.mu_0, e.velocity, target.view_mut());
                        for (sum, reference) in sums.iter_mut().zip(&references) {
                            sum.fill(0.0);
                            squared_distance(
                                target.view(),
                                reference.slice(s![range.clone(), ..]),
                                bins_of,
                                sum,
                            );
                        }
                        for j in 0..bins {
                            squared_error[mi][ki][seed][j][0] += sums[0][j];
                            squared_error[mi][ki][seed][j][1] += sums[1][j];
                        }
                    }
                    debug_assert_eq!(cached.evaluations, 1, "one critic evaluation per block");
                });
            }
        }
    }
    Measurements {
        members,
        references,
        reference_power,
        reference_mismatch,
        reference_ess,
        squared_error,
        ess,
    }
}
