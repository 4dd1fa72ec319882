//! The three methods of the paper's toy comparison, as typed configurations of the existing
//! parts: a [`GenerativeKind`] (network reading + sampler on its path) and a member of the
//! estimator family ([`ControlVariate`]). Training budget (K, gradient steps, batch) is shared
//! and lives in [`super::train::ToyTraining`].
//!
//! | method | path | network | sampler | estimator | paper's sampling steps |
//! |---|---|---|---|---|---|
//! | RFM | linear | velocity | Euler ODE | plug-in optimal coefficient (per dimension, data space, ridge 1e-4, clip ±2) | 20 |
//! | iDEM | VE (geometric σ) | score | DDPM (ancestral) | η = 1 (gradient expectation) | 100 |
//! | QNE | VP (cosine) | ε-prediction | DDPM (ancestral) | η = 0 (noise expectation) | 100 |

use serde::Serialize;

use crate::estimators::{ControlVariate, PluginCoefficient};
use crate::policies::diffusion_sampler::DiffusionMethod;
use crate::policies::flow_sampler::OdeMethod;
use crate::policies::generative::GenerativeKind;

/// One method of the toy comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ToyMethod {
    /// Reverse flow matching: linear-path flow, optimal (plug-in) control variate.
    Rfm,
    /// iDEM: VE score model trained on the η = 1 target.
    Idem,
    /// QNE: VP ε-prediction model trained on the η = 0 target.
    Qne,
}

impl ToyMethod {
    /// The three methods, in report order.
    pub const ALL: [ToyMethod; 3] = [ToyMethod::Rfm, ToyMethod::Idem, ToyMethod::Qne];

    /// Short name for files and tables.
    pub fn name(self) -> &'static str {
        match self {
            ToyMethod::Rfm => "rfm",
            ToyMethod::Idem => "idem",
            ToyMethod::Qne => "qne",
        }
    }

    /// The generative model: path, meaning of the network output and sampler.
    pub fn kind(self) -> GenerativeKind {
        match self {
            ToyMethod::Rfm => GenerativeKind::Flow(OdeMethod::Euler),
            ToyMethod::Idem => GenerativeKind::VeScore(DiffusionMethod::Ddpm),
            ToyMethod::Qne => GenerativeKind::VpEpsilon(DiffusionMethod::Ddpm),
        }
    }

    /// The member of the estimator family that forms the regression target.
    pub fn control_variate(self) -> ControlVariate {
        match self {
            ToyMethod::Rfm => ControlVariate::Plugin(PluginCoefficient::default()),
            ToyMethod::Idem => ControlVariate::GRADIENT_EXPECTATION,
            ToyMethod::Qne => ControlVariate::NOISE_EXPECTATION,
        }
    }

    /// The number of sampling steps of the paper's comparison (RFM 20, iDEM and QNE 100).
    pub fn paper_sampling_steps(self) -> usize {
        match self {
            ToyMethod::Rfm => 20,
            ToyMethod::Idem | ToyMethod::Qne => 100,
        }
    }
}
