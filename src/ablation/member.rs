//! The members of the estimator family that `rfm ablate` compares.

use serde::Serialize;

use crate::estimators::{CoefficientStructure, ControlVariate, PluginCoefficient};

/// One member: a fixed noise-space η, the in-sample plug-in coefficient or the cross-fitted one,
/// the plug-ins with a structure (per dimension, isotropic or full matrix).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Member {
    /// `M = η I`.
    Eta(f64),
    /// The plug-in minimum-variance coefficient fitted on the same samples.
    Plugin(Structure),
    /// The plug-in coefficient cross-fitted between the two halves of the samples.
    CrossFitted(Structure),
}

/// The structure of a plug-in coefficient (serialisable mirror of [`CoefficientStructure`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Structure {
    /// One coefficient per action dimension.
    PerDimension,
    /// One scalar for all dimensions.
    Isotropic,
    /// A full `d×d` matrix.
    Full,
}

impl Structure {
    /// All three, in report order.
    pub const ALL: [Structure; 3] = [
        Structure::PerDimension,
        Structure::Isotropic,
        Structure::Full,
    ];

    fn coefficient_structure(self) -> CoefficientStructure {
        match self {
            Structure::PerDimension => CoefficientStructure::PerDimension,
            Structure::Isotropic => CoefficientStructure::Isotropic,
            Structure::Full => CoefficientStructure::FullMatrix,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Structure::PerDimension => "per-dim",
            Structure::Isotropic => "iso",
            Structure::Full => "full",
        }
    }
}

impl Member {
    /// The report's members: every η given, then the plug-in and the cross-fitted plug-in in
    /// each structure.
    pub fn standard(etas: &[f64]) -> Vec<Member> {
        let mut all: Vec<Member> = etas.iter().map(|&e| Member::Eta(e)).collect();
        all.extend(Structure::ALL.map(Member::Plugin));
        all.extend(Structure::ALL.map(Member::CrossFitted));
        all
    }

    /// A short label for tables and plots: `eta=0.25`, `plugin-per-dim`, `crossfit-full`.
    pub fn label(&self) -> String {
        match self {
            Member::Eta(e) => format!("eta={e}"),
            Member::Plugin(s) => format!("plugin-{}", s.name()),
            Member::CrossFitted(s) => format!("crossfit-{}", s.name()),
        }
    }

    /// The estimator's control variate, the plug-ins with the ridge, clip and space of `base`.
    pub fn control_variate(&self, base: &PluginCoefficient) -> ControlVariate {
        let with = |s: Structure| PluginCoefficient {
            structure: s.coefficient_structure(),
            ..*base
        };
        match *self {
            Member::Eta(e) => ControlVariate::Eta(e),
            Member::Plugin(s) => ControlVariate::Plugin(with(s)),
            Member::CrossFitted(s) => ControlVariate::CrossFitted(with(s)),
        }
    }
}
