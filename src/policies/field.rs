//! The interface between a sampler and the network it integrates.
//!
//! A sampler integrates `B·P` rows at once (`P` particles per state, rows state-major:
//! row `b·P + p` belongs to state `b`). The network is told the states once per sampling call
//! ([`ConditionalField::prepare`]), so everything that depends only on the state (for the
//! velocity net: the state's and λ's contribution to the first layer) is computed once and
//! reused at every step.

use ndarray::{ArrayView2, ArrayViewMut2};

use crate::Scalar;

/// A time-dependent vector field conditioned on the state: a flow velocity, an ε-prediction
/// or a score, depending on the policy.
pub trait ConditionalField<T: Scalar> {
    /// Caches the conditioning on `obs` (`B × obs_dim`), each row repeated `particles` times.
    fn prepare(&mut self, obs: ArrayView2<T>, particles: usize);
    /// Writes the field at `x` (`(B·P) × d`) and time `t` (shared by all rows) into `out`.
    ///
    /// # Panics
    /// Implementations panic when `x` does not have the `B·P` rows of the last `prepare`.
    fn eval(&mut self, x: ArrayView2<T>, t: f64, out: ArrayViewMut2<T>);
}
