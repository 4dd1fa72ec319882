//! The typed choice of the control-variate coefficient of the actor's target.

use serde::{Deserialize, Serialize};

/// How the optimal coefficient is pooled across action dimensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pooling {
    /// One coefficient per action dimension (the paper's default).
    PerDimension,
    /// One scalar shared by all dimensions.
    Isotropic,
}

/// The coefficient of the Stein control variate in the posterior-mean estimator (paper-notes/math-outline.md §4).
///
/// In TOML: `coefficient = "eta-zero"`, `"eta-one"`, `{ fixed = 0.5 }` or
/// `{ optimal = "per-dimension" }` / `{ optimal = "isotropic" }`, or the cross-fitted plug-in
/// `{ cross-fitted = "per-dimension" }` / `{ cross-fitted = "isotropic" }`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Coefficient {
    /// η = 0: noise expectation (QNE / MaxEntDP / SDAC).
    EtaZero,
    /// η = 1: gradient expectation (iDEM / DQS).
    EtaOne,
    /// A fixed noise-space η.
    Fixed(f64),
    /// The plug-in minimum-variance coefficient (ridge and clip from the estimator config).
    Optimal(Pooling),
    /// The plug-in coefficient fitted on each half of the samples and applied to the other
    /// half (`RFM:Eq.cross-fitted-coefficient`; paper-notes/ablations.md: the remedy for the
    /// plug-in's fitting noise at small K). Same ridge and clip as `Optimal`.
    CrossFitted(Pooling),
}

impl Default for Coefficient {
    /// The authors' setting: `cv_weight_autotune = true`, per dimension.
    fn default() -> Self {
        Coefficient::Optimal(Pooling::PerDimension)
    }
}
