//! Reverse-mode automatic differentiation: a tape per computation, `Copy` handles, a closed op set.
//!
//! - [`Tape`] records 2-D values (a batch of `B·K` rows × `d` columns is first-class) in
//!   evaluation order; [`Var`] is a `Copy` handle to one of them.
//! - [`Op`] is the closed set of primitives; each lives in `ops/<name>.rs` with its forward,
//!   backward, formula and tests, and `backward.rs` holds the one exhaustive dispatch `match`.
//! - Gradients reach any leaf (parameters *and* inputs, e.g. `∇ₐQ`); constants and nodes that
//!   depend only on constants are skipped by the reverse sweep.
//! - [`gradcheck`] is the public gradient checker (central differences and the adjoint test).
//!
//! ```
//! use ndarray::array;
//! use rfm::autodiff::Tape;
//! let mut tape = Tape::<f64>::new();
//! let x = tape.leaf(array![[0.5, -1.0]]);
//! let w = tape.constant(array![[1.0], [2.0]]);
//! let b = tape.constant(array![[0.25]]);
//! let h = tape.affine(x, w, b); // 0.5 − 2 + 0.25 = −1.25
//! let h = tape.tanh(h);
//! let y = tape.sum(h);
//! tape.backward(y);
//! let d = 1.0 - (-1.25f64).tanh().powi(2);
//! assert!((tape.grad(x).unwrap()[[0, 1]] - 2.0 * d).abs() < 1e-15);
//! ```

mod backward;
pub mod catalog;
mod ctx;
pub mod gradcheck;
mod op;
pub mod ops;
mod pool;
mod tape;
mod var;

pub use op::Op;
pub use tape::Tape;
pub use var::Var;
