//! proptest strategies shared by the paths and estimators tests.

use proptest::prelude::*;
use rfm::audit::case::{Case, QFamily};
use rfm::paths::{LinearPath, PathKind, VePath, VpPath};

/// Any of the four reference path variants (VP with both schedules).
pub fn any_path() -> impl Strategy<Value = PathKind> {
    prop_oneof![
        Just(PathKind::Linear(LinearPath)),
        Just(PathKind::Vp(VpPath::cosine())),
        Just(PathKind::Vp(VpPath::linear_beta())),
        Just(PathKind::Ve(VePath::default())),
    ]
}

/// A time away from the end points, where α_t or β_t vanish.
pub fn interior_time() -> impl Strategy<Value = f64> {
    0.05f64..0.95
}

/// A case with a non-Gaussian (double-well) Q: for exact equivalences.
pub fn multimodal_case() -> impl Strategy<Value = Case> {
    (
        any::<u64>(),
        1usize..5,
        1usize..40,
        1usize..4,
        interior_time(),
        0.05f64..2.0,
    )
        .prop_map(|(seed, states, k, dim, t, temperature)| Case {
            seed,
            states,
            samples_per_state: k,
            dim,
            t,
            temperature,
            family: QFamily::DoubleWell,
        })
}

/// A quadratic (Gaussian-target) case, diagonal or full Hessian, with K in `k`.
pub fn gaussian_case(k: std::ops::Range<usize>) -> impl Strategy<Value = Case> {
    (
        any::<u64>(),
        1usize..5,
        k,
        1usize..4,
        interior_time(),
        0.1f64..1.5,
        prop_oneof![
            Just(QFamily::DiagonalQuadratic),
            Just(QFamily::FullQuadratic)
        ],
    )
        .prop_map(|(seed, states, k, dim, t, temperature, family)| Case {
            seed,
            states,
            samples_per_state: k,
            dim,
            t,
            temperature,
            family,
        })
}

/// A noise-space coefficient η, including values outside [0, 1].
pub fn any_eta() -> impl Strategy<Value = f64> {
    -1.0f64..2.0
}
