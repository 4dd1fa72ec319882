//! # rfm-envs — native rapier3d versions of the DeepMind Control tasks used by RFM
//!
//! The paper (Li, Tang, Azizan, ICML 2026) evaluates on eight DeepMind Control Suite tasks.
//! This crate rebuilds them on rapier3d so that `rfm` runs without Python or MuJoCo. Every
//! task mirrors dm_control's definition (bodies, joints, actuators, control timestep,
//! initial-state distribution, observation layout and `tolerance`-shaped rewards in [0, 1])
//! as closely as rapier allows, and documents where it differs.
//!
//! The crate never depends on the core `rfm` crate.
//!
//! - [`env`]: the [`Env`] episode wrapper (action checks, clipping, truncation) around a [`Task`].
//! - [`spec`]: observation and action specifications.

pub mod env;
pub mod fluid;
pub mod render;
pub mod spec;
pub mod tasks;
pub mod world;

pub use env::{ActionError, Env, Reward, StepOutcome, Task};
pub use spec::{EnvSpec, ObservationField};
