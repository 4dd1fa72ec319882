//! # rfm — Reverse Flow Matching in pure Rust
//!
//! A from-scratch numerical framework for training flow and diffusion policies toward the
//! Boltzmann policy `exp(Q/λ)` (Li, Tang, Azizan, *Reverse Flow Matching*, ICML 2026,
//! arXiv:2601.08136). No ML framework, no Python, no GPU.
//!
//! Layout (one concept per file; see `paper-notes/equations.md` for equation → code → test → proof):
//! - [`autodiff`]: a tape-based reverse-mode autodiff over 2-D arrays, with a public gradient checker.
//! - [`linalg`]: the dispatching GEMM and the narrow-product kernels shared by autodiff and nn.
//! - [`nn`], [`optim`], [`checkpoint`]: layers, optimisers, safetensors checkpoints.
//! - [`paths`], [`estimators`]: probability paths and the RFM posterior-mean estimator family.
//! - [`policies`], [`critic`]: flow / diffusion / Gaussian policies and the twin critics.
//! - [`ablation`]: the estimator ablations on a trained critic (`rfm ablate`).
//! - [`rl`]: replay, the one training loop and one file per algorithm; [`config`]: typed
//!   settings and presets; [`run`]: the run directory (record, logs, resumable state).

pub mod ablation;
pub mod audit;
pub mod autodiff;
pub mod checkpoint;
pub mod config;
pub mod critic;
pub mod estimators;
pub mod linalg;
pub mod nn;
pub mod optim;
pub mod paths;
pub mod policies;
pub mod rl;
pub mod run;
pub mod scalar;
pub mod study;
pub mod toy;
pub mod transition;

pub use scalar::Scalar;
