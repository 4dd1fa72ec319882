//! The online off-policy actor-critic: the replay memory, the one training loop, and one file
//! per algorithm (rfm, qne, maxentdp, dqs, qsm as [`generative_agent`]; qvpo as [`qvpo_agent`];
//! sac as [`sac_agent`]).
//!
//! The training loop ([`trainer`]) composes small parts: a [`replay::ReplayBuffer`], the twin
//! critics of [`crate::critic`], a policy from [`crate::policies`], the estimator from
//! [`crate::estimators`] for the actor target, optimisers from [`crate::optim`], settings from
//! [`crate::config`] (turned into parts by [`build`]) and the run-directory writers of
//! [`crate::run`].

pub mod actor_step;
pub mod agent;
pub mod build;
pub mod entropy_backup;
pub mod evaluate;
pub mod generative_agent;
pub mod observer;
pub mod particle_draw;
pub mod q_weights;
pub mod qvpo_agent;
mod reenact;
pub mod replay;
pub mod sac_agent;
pub mod saved;
pub mod train_outcome;
pub mod trainer;
