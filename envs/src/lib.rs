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
//! ```
//! use rand::SeedableRng;
//! use rfm_envs::{TaskId, make};
//! let mut env = make("pendulum-swingup".parse::<TaskId>().unwrap());
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
//! let mut obs = vec![0.0; env.spec().obs_dim()];
//! env.reset(&mut rng, &mut obs);
//! let out = env.step(&[0.5], &mut obs).unwrap();
//! assert!((0.0..=1.0).contains(&out.reward.total));
//! ```
//!
//! - [`env`](mod@env): the [`Env`] episode wrapper (action checks, clipping, truncation) around a [`Task`].
//! - [`spec`]: observation, action and state specifications.
//! - [`state`](mod@state): [`PhysicsState`], qpos and qvel in dm_control's coordinates.
//! - [`registry`]: [`TaskId`] (CLI names) and [`make`].
//! - [`runner`]: [`VecEnv`], many envs stepped in parallel with per-env seeds.
//! - [`tolerance`](mod@tolerance): dm_control's reward shaping.
//! - [`world`], [`planar`]: the rapier world and the planar articulated-body builder.
//! - [`tasks`]: one module per task.
//! - [`fluid`]: the inertia-box fluid model (fish).
//! - [`articulated`]: a contact-free articulated tree integrated like MuJoCo's Euler (fish).
//! - [`render`]: scenes, a 2-D rasteriser and animated GIFs (`rfm render`).

pub mod articulated;
pub mod env;
pub mod fluid;
pub mod planar;
pub mod registry;
pub mod render;
pub mod runner;
pub mod spec;
pub mod state;
pub mod tasks;
pub mod tolerance;
pub mod world;

pub use env::{ActionError, Env, Reward, StepOutcome, Task};
pub use registry::{TaskId, UnknownTask, make};
pub use runner::{VecActionError, VecEnv, env_rng};
pub use spec::{EnvSpec, ObservationField};
pub use state::{PhysicsState, StateError, StateField};
pub use tolerance::{Sigmoid, tolerance};
