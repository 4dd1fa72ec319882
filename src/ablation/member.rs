//! The members of the estimator family that `rfm ablate` compares.

use serde::Serialize;

use crate::estimators::{CoefficientStructure, ControlVariate, PluginCoefficient, Pooling};

/// One member: a fixed noise-space η, the in-sample plug-in coefficient or the cross-fitted one,
/// the plug-ins with a structure (per dimension, isotropic or full matrix).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Member {
    /// `M = η I`.
    Eta(f64),
    /// The plug-in minimum-variance coefficient fitted on the same samples.
    Plugin(CoefficientStructure),
    /// The plug-in coefficient cross-fitted between the two halves of the samples.
    CrossFitted(CoefficientStructure),
}

/// The plug-in structures in report order: per dimension, isotropic, full matrix.
pub const STRUCTURES: [CoefficientStructure; 3] = [
    CoefficientStructure::Pooled(Pooling::PerDimension),
    CoefficientStructure::Pooled(Pooling::Isotropic),
    CoefficientStructure::FullMatrix,
];

/// A structure's short name in labels.
fn short_name(structure: CoefficientStructure) -> &'static str {
    match structure {
        CoefficientStructure::Pooled(Pooling::PerDimension) => "per-dim",
        CoefficientStructure::Pooled(Pooling::Isotropic) => "iso",
        CoefficientStructure::FullMatrix => "full",
    }
}

impl Member {
    /// The report's members: every η given, then the plug-in and the cross-fitted plug-in in
    /// each structure.
    pub fn standard(etas: &[f64]) -> Vec<Member> {
        let mut all: Vec<Member> = etas.iter().map(|&e| Member::Eta(e)).collect();
        all.extend(STRUCTURES.map(Member::Plugin));
        all.extend(STRUCTURES.map(Member::CrossFitted));
        all
    }

    /// A short label for tables and plots: `eta=0.25`, `plugin-per-dim`, `crossfit-full`.
    pub fn label(&self) -> String {
        match self {
            Member::Eta(e) => format!("eta={e}"),
            Member::Plugin(s) => format!("plugin-{}", short_name(*s)),
            Member::CrossFitted(s) => format!("crossfit-{}", short_name(*s)),
        }
    }

    /// The estimator's control variate, the plug-ins with the ridge, clip and space of `base`.
    pub fn control_variate(&self, base: &PluginCoefficient) -> ControlVariate {
        let with = |structure: CoefficientStructure| PluginCoefficient { structure, ..*base };
        match *self {
            Member::Eta(e) => ControlVariate::Eta(e),
            Member::Plugin(s) => ControlVariate::Plugin(with(s)),
            Member::CrossFitted(s) => ControlVariate::CrossFitted(with(s)),
        }
    }
}
