//! The typed choice of the control-variate coefficient of the actor's target, and the one
//! function that turns it into the estimator's [`ControlVariate`].

use serde::{Deserialize, Serialize};

pub use crate::estimators::Pooling;
use crate::estimators::{
    CoefficientSpace, CoefficientStructure, ControlVariate, PluginCoefficient,
};

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

impl Coefficient {
    /// The estimator's control variate for this coefficient. The optimal coefficient is the
    /// authors' plug-in: fitted, ridged and clipped in data space (`c`, ridge 1e-4, clip ±2 by
    /// default); the cross-fitted one uses the same options on each half of the samples. A
    /// `clip` of 0 disables the clip.
    pub fn control_variate(self, ridge: f64, clip: f64) -> ControlVariate {
        let plugin = |pooling: Pooling| PluginCoefficient {
            structure: CoefficientStructure::Pooled(pooling),
            ridge,
            clip: (clip > 0.0).then_some(clip),
            space: CoefficientSpace::Data,
        };
        match self {
            Coefficient::EtaZero => ControlVariate::NOISE_EXPECTATION,
            Coefficient::EtaOne => ControlVariate::GRADIENT_EXPECTATION,
            Coefficient::Fixed(eta) => ControlVariate::Eta(eta),
            Coefficient::Optimal(pooling) => ControlVariate::Plugin(plugin(pooling)),
            Coefficient::CrossFitted(pooling) => ControlVariate::CrossFitted(plugin(pooling)),
        }
    }
}
