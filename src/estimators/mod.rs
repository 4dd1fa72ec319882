//! The RFM posterior-mean estimator family: reverse sampling, SNIS weights, Stein control
//! variates, the plug-in minimum-variance coefficient and per-call diagnostics.
//!
//! Entry point: [`RfmEstimator::estimate`] with a [`ProbabilityPath`](crate::paths::ProbabilityPath),
//! per-state times, `x_t` and an [`ActionValue`] (the critic). The building blocks are public
//! functions so that tests and the audit can compare them against independent code paths
//! (the prior methods in [`prior`]).

pub mod coefficient_matrices;
pub mod control_variate;
pub mod cross_fit;
pub mod diagnostics;
pub mod estimator;
pub mod expectations;
pub mod log_target;
pub mod member_variance;
pub mod optimal;
pub mod prior;
pub mod reverse_sampling;
pub mod spd_solve;
pub mod stein;
pub mod weights;

pub use control_variate::ControlVariate;
pub use diagnostics::Diagnostics;
pub use estimator::{Estimate, EstimatorSetup, RfmEstimator};
pub use log_target::{ActionValue, LogTarget, TargetForm};
pub use optimal::{CoefficientSpace, CoefficientStructure, PluginCoefficient, Pooling};
