//! The prior methods, each written in its authors' own form and independently of
//! [`RfmEstimator`](super::RfmEstimator), so that the special-case claims compare two
//! different code paths. Each works on one state at a time and allocates freely: they are
//! references, not production code.
//!
//! - [`qne`]: QNE / MaxEntDP Q-weighted noise estimation (VP).
//! - [`sdac`]: SDAC's reweighted score-matching loss, minimised over a free ε̂ (VP).
//! - [`idem_dqs`]: iDEM / DQS `S_K = ∇_{x_t} log Σ_k exp(Q(x_t + σ_t e_k)/λ)` by autodiff (VE),
//!   and the iDEM-style VP noise target.
//! - [`qsm`]: Q-score matching, `∇Q(x_t)/λ` at the noisy action.
//! - [`cfm`]: conditional flow matching pairs from target samples.

pub mod cfm;
pub mod idem_dqs;
pub mod qne;
pub mod qsm;
pub mod sdac;
