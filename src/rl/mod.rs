//! The online off-policy actor-critic and its algorithms (rfm, qne, dqs, qsm, sac).
//!
//! The training loop composes small parts: a [`replay::ReplayBuffer`], twin critics, a policy
//! from [`crate::policies`], the estimator from [`crate::estimators`] for the actor target,
//! optimisers from [`crate::optim`], and the run-directory writers ([`csv_log`],
//! [`run_record`], [`curve_svg`]).

pub mod algo;
pub mod ascii_plot;
pub mod coefficient;
pub mod config;
pub mod config_check;
pub mod csv_log;
pub mod curve_svg;
pub mod progress;
pub mod replay;
pub mod run_record;

pub use algo::{Algo, Preset};
pub use coefficient::{Coefficient, Pooling};
pub use config::TrainConfig;
pub use config_check::ConfigError;
pub mod agent;
pub mod build;
pub mod critic_action_value;
pub mod critic_fused;
pub mod critic_net;
pub mod evaluate;
pub mod generative_agent;
pub mod run_state;
pub mod sac_agent;
pub mod state_io;
pub mod trainer;
pub mod twin_critic;
