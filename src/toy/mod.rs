//! The paper's toy experiment: Boltzmann sampling of a 2-D two-moons target (`rfm toy
//! two-moons`). RFM's flow (optimal coefficient), iDEM's VE score (η = 1) and QNE's VP
//! diffusion (η = 0) are trained through the estimator family on the analytic energy with the
//! same budget, and compared with exact samples on three distances.
//!
//! - [`two_moons`]: the target, its log-density, score and exact sampler;
//! - [`method`]: the three methods as configurations of the existing parts;
//! - [`train`]: the regression training loop;
//! - [`sliced_w2`], [`mmd`], [`sinkhorn`]: the distances;
//! - [`settings`], [`experiment`], [`metrics_files`]: the sweep and its outputs.

pub mod experiment;
pub mod method;
pub mod metrics_files;
pub mod mmd;
pub mod settings;
pub mod sinkhorn;
pub mod sliced_w2;
pub mod train;
pub mod two_moons;

pub use experiment::{Distances, MetricsRow, ToyResults, run_experiment};
pub use method::ToyMethod;
pub use settings::{ToyError, ToySettings};
pub use train::{ToyTraining, train};
pub use two_moons::TwoMoons;
