//! The three distances of the toy experiment on cases with known answers, and their symmetry
//! and sign as properties (proofs/toy-sliced-w2.md, proofs/toy-mmd2.md, proofs/toy-sinkhorn.md).

#[path = "common/seeded.rs"]
mod seeded;

use ndarray::Array2;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::toy::mmd::{median_bandwidth, mmd2_unbiased};
use rfm::toy::sinkhorn::{SinkhornOptions, entropic_ot, sinkhorn_divergence};
use rfm::toy::sliced_w2::sliced_w2_squared;

/// Sums of n ≤ 200 terms of size O(1) in f64: rounding ≤ 200 · 2.2e-16 · O(10) ≈ 5e-13.
const ROUNDOFF: f64 = 1e-11;

/// Sinkhorn stops when the plan's marginal violation ‖π1 − a‖₁ is below this; each OT term is
/// then within (max C − min C)·‖π1 − a‖₁ of the exact value (`EntropicOt::error_bound`,
/// proofs/toy-sinkhorn.md), and the checks below use that returned bound plus round-off.
const SINKHORN_TOL: f64 = 1e-10;

/// Round-off of the dual value `⟨f,a⟩ + ⟨g,b⟩` beyond the bound: potentials of size ≤ 32
/// (the largest cost of points in [−2, 2]²) summed over ≤ 200 terms, ≈ 200 · 2.2e-16 · 32 per
/// term, three terms: below 1e-11.
const SINKHORN_ROUNDOFF: f64 = 1e-11;

fn options() -> SinkhornOptions {
    SinkhornOptions {
        epsilon: 0.05,
        tolerance: SINKHORN_TOL,
        max_iterations: 100_000,
    }
}

/// For the properties over arbitrary sets: the same tolerance, fewer sweeps. Sets with two
/// groups of points about 1 apart have a nearly block-diagonal kernel (entries e^{−C/ε} ≈ 1e-7
/// between the groups), and the sweeps then shift the groups' potentials against each other at
/// a rate of order e^{−C/ε} per sweep: they stall with a marginal violation of the order of
/// that off-block mass, far above 1e-10, whatever the sweep count. The bound stays valid
/// (stalled runs of 5000 sweeps end with bounds from ≈ 5e-7 up to ≈ 2e-3 on values ≈ 1), so the
/// properties are checked against the returned bound.
fn property_options() -> SinkhornOptions {
    SinkhornOptions {
        max_iterations: 5_000,
        ..options()
    }
}

fn cloud(seed: u64, n: usize) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rfm::toy::TwoMoons::default().sample(n, &mut rng)
}

fn shifted(x: &Array2<f64>, d: [f64; 2]) -> Array2<f64> {
    let mut y = x.clone();
    for mut r in y.rows_mut() {
        r[0] += d[0];
        r[1] += d[1];
    }
    y
}

fn point_masses(n: usize, at: [f64; 2]) -> Array2<f64> {
    Array2::from_shape_fn((n, 2), |(_, j)| at[j])
}

#[test]
fn toy_eq_sliced_w2_of_identical_sets_is_zero() {
    let x = cloud(1, 300);
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    assert_eq!(sliced_w2_squared(x.view(), x.view(), 16, &mut rng), 0.0);
}

#[test]
fn toy_eq_sliced_w2_of_a_shift_is_half_the_squared_shift() {
    // every projection of y = x + d is the projection of x moved by d·θ, so W₂² = (d·θ)², and
    // L ≥ 2 equally spaced directions average cos² exactly to 1/2: SW₂² = ‖d‖²/2
    let x = cloud(3, 200);
    for (d, l) in [([0.3, -0.4], 2), ([1.5, 0.2], 7), ([0.0, 2.0], 64)] {
        let y = shifted(&x, d);
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let got = sliced_w2_squared(x.view(), y.view(), l, &mut rng);
        let want = 0.5 * (d[0] * d[0] + d[1] * d[1]);
        assert!(
            (got - want).abs() <= ROUNDOFF,
            "d = {d:?}, L = {l}: {got} vs {want}"
        );
    }
    // two point masses: the same value
    let (a, b) = (point_masses(5, [0.0, 0.0]), point_masses(5, [3.0, 4.0]));
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let got = sliced_w2_squared(a.view(), b.view(), 3, &mut rng);
    assert!((got - 12.5).abs() <= ROUNDOFF, "{got}");
}

#[test]
fn toy_eq_mmd2_rbf_median_bandwidth_of_two_point_masses_is_their_distance() {
    // pooled pairs: m(m−1) at distance 0, m² at distance d; m² > m(m−1) so the median is d
    for m in [2, 3, 10] {
        let (a, b) = (point_masses(m, [1.0, 1.0]), point_masses(m, [1.0, 3.5]));
        let h = median_bandwidth(a.view(), b.view());
        assert!((h - 2.5).abs() <= ROUNDOFF, "m = {m}: h = {h}");
    }
}

#[test]
fn toy_eq_mmd2_rbf_of_two_point_masses_is_two_minus_two_exp_minus_half() {
    // k(a,a) = 1, k(a,b) = exp(−d²/2h²) = exp(−1/2) at h = d: MMD² = 2 − 2 e^{−1/2}
    let (a, b) = (point_masses(6, [0.0, 0.0]), point_masses(6, [0.6, 0.8]));
    let h = median_bandwidth(a.view(), b.view());
    let got = mmd2_unbiased(a.view(), b.view(), h);
    let want = 2.0 - 2.0 * (-0.5f64).exp();
    assert!((got - want).abs() <= ROUNDOFF, "{got} vs {want}");
}

#[test]
fn toy_eq_mmd2_rbf_of_identical_sets_lies_in_minus_two_over_m_to_zero() {
    // for Y = X the unbiased estimator is 2 A/(m²(m−1)) − 2/m with A = Σ_{i≠j} k ≤ m(m−1):
    // it lies in [−2/m, 0], the tolerance stated by the estimator (proofs/toy-mmd2.md)
    let x = cloud(6, 400);
    let h = median_bandwidth(x.view(), x.view());
    let got = mmd2_unbiased(x.view(), x.view(), h);
    assert!((-2.0 / 400.0..=0.0).contains(&got), "{got}");
}

#[test]
fn toy_eq_sinkhorn_divergence_of_identical_sets_is_exactly_zero() {
    let x = cloud(7, 150);
    assert_eq!(
        sinkhorn_divergence(x.view(), x.view(), &options()).value,
        0.0
    );
}

#[test]
fn toy_eq_sinkhorn_divergence_of_two_diracs_is_the_squared_distance() {
    // the only coupling of two Diracs is their product: OT_ε = d², self terms 0
    let (a, b) = (point_masses(4, [0.0, 0.0]), point_masses(3, [1.0, -2.0]));
    // a constant cost has range 0, so the bound is 0 and only round-off remains
    let got = sinkhorn_divergence(a.view(), b.view(), &options());
    assert_eq!(got.error_bound, 0.0, "{got:?}");
    assert!((got.value - 5.0).abs() <= SINKHORN_ROUNDOFF, "{got:?}");
    let ot = entropic_ot(a.view(), b.view(), &options());
    assert!((ot.value - 5.0).abs() <= SINKHORN_ROUNDOFF, "{ot:?}");
}

#[test]
fn toy_eq_sinkhorn_divergence_of_a_translate_is_the_squared_shift() {
    // ‖x − y − d‖² = ‖x − y‖² − 2d·x + 2d·y + ‖d‖²: the separable terms move the potentials,
    // so OT_ε(x, x + d) = OT_ε(x, x) + ‖d‖² and S_ε = ‖d‖² (proofs/toy-sinkhorn.md)
    let x = cloud(8, 120);
    for d in [[0.1, 0.0], [0.5, -0.7]] {
        let y = shifted(&x, d);
        let got = sinkhorn_divergence(x.view(), y.view(), &options());
        let want = d[0] * d[0] + d[1] * d[1];
        assert!(
            got.error_bound <= 64.0 * SINKHORN_TOL,
            "not converged: {got:?}"
        );
        assert!(
            (got.value - want).abs() <= got.error_bound + SINKHORN_ROUNDOFF,
            "d = {d:?}: {got:?} vs {want}"
        );
    }
}

fn point_set(max: usize) -> impl Strategy<Value = Array2<f64>> {
    (2..max).prop_flat_map(|n| {
        prop::collection::vec(-2.0f64..2.0, 2 * n)
            .prop_map(move |v| Array2::from_shape_vec((n, 2), v).unwrap())
    })
}

fn two_sets(max: usize) -> impl Strategy<Value = (Array2<f64>, Array2<f64>)> {
    (2..max).prop_flat_map(|n| {
        let set = move || {
            prop::collection::vec(-2.0f64..2.0, 2 * n)
                .prop_map(move |v| Array2::from_shape_vec((n, 2), v).unwrap())
        };
        (set(), set())
    })
}

proptest! {
    #![proptest_config(seeded::cases(48))]

    #[test]
    fn toy_eq_sliced_w2_is_symmetric_and_non_negative(
        (x, y) in two_sets(40),
        projections in 1usize..20,
        seed in any::<u64>(),
    ) {
        let a = sliced_w2_squared(x.view(), y.view(), projections, &mut ChaCha8Rng::seed_from_u64(seed));
        let b = sliced_w2_squared(y.view(), x.view(), projections, &mut ChaCha8Rng::seed_from_u64(seed));
        prop_assert!(a >= 0.0);
        prop_assert!((a - b).abs() <= ROUNDOFF * (1.0 + a), "{a} vs {b}");
    }

    #[test]
    fn toy_eq_mmd2_rbf_is_symmetric_and_at_least_minus_two_over_m((x, y) in two_sets(40)) {
        let h = median_bandwidth(x.view(), y.view());
        prop_assume!(h > 0.0);
        let a = mmd2_unbiased(x.view(), y.view(), h);
        let b = mmd2_unbiased(y.view(), x.view(), h);
        let m = x.nrows() as f64;
        prop_assert!((a - b).abs() <= ROUNDOFF, "{a} vs {b}");
        prop_assert!(a >= -2.0 / m - ROUNDOFF, "{a} < −2/m = {}", -2.0 / m);
    }

    #[test]
    fn toy_eq_sinkhorn_divergence_is_symmetric_and_non_negative(
        x in point_set(25),
        y in point_set(25),
    ) {
        // S_ε ≥ 0 for the squared-Euclidean cost (its Gibbs kernel is positive definite,
        // Feydy et al. 2019, Thm 1) and symmetric at the exact values. Each dual value D is a
        // lower bound within b of its OT_ε, so S_exact − S ∈ [−½(b_xx + b_yy), b_xy]: S ≥ −b_xy,
        // and two evaluations differ by at most the sum of their error bounds.
        let a = sinkhorn_divergence(x.view(), y.view(), &property_options());
        let b = sinkhorn_divergence(y.view(), x.view(), &property_options());
        prop_assert!(a.value >= -a.error_bound - SINKHORN_ROUNDOFF, "{a:?}");
        prop_assert!(
            (a.value - b.value).abs() <= a.error_bound + b.error_bound + 2.0 * SINKHORN_ROUNDOFF,
            "{a:?} vs {b:?}"
        );
    }

    #[test]
    fn toy_eq_sinkhorn_error_bound_brackets_a_tightly_stopped_value(
        x in point_set(25),
        y in point_set(25),
        loose in 1e-4f64..1e-1,
    ) {
        // D(loose) ≤ OT_ε ≤ D(loose) + bound(loose), and a run to 1e-10 pins OT_ε to within its
        // own bound: the loosely stopped value must lie in the bracket widened by it
        let rough = entropic_ot(x.view(), y.view(), &SinkhornOptions { tolerance: loose, ..property_options() });
        let tight = entropic_ot(x.view(), y.view(), &property_options());
        prop_assert!(rough.marginal_violation < loose || rough.iterations >= 5_000, "{rough:?}");
        let slack = tight.error_bound + SINKHORN_ROUNDOFF;
        prop_assert!(rough.value <= tight.value + tight.error_bound + SINKHORN_ROUNDOFF, "{rough:?} vs {tight:?}");
        prop_assert!(tight.value - rough.value <= rough.error_bound + slack, "{rough:?} vs {tight:?}");
    }
}
