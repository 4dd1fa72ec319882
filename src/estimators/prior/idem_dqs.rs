//! iDEM (Akhound-Sadegh et al. 2024) and DQS (Jain et al. 2024): the K-sample score estimator
//! `S_K(x_t) = ∇_{x_t} log Σ_k exp(Q(x_t + σ_t e_k)/λ)`, `e_k ~ N(0, I)`, on a VE path.
//!
//! Computed as its authors do: build `log Σ_k exp(Q/λ)` as a function of `x_t` and
//! differentiate it with reverse-mode autodiff (here our tape's fused, stable `logsumexp`),
//! so no per-sample weight or gradient formula is written by hand. The iDEM-style VP noise
//! target differentiates the same log-sum-exp through the VP reverse map
//! `a_k = (x_t − sqrt(1 − ᾱ) ε_k)/sqrt(ᾱ)` and returns `ε̂ = −sqrt(1 − ᾱ) S_K`.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};

use crate::Scalar;
use crate::autodiff::{Tape, Var};

/// A Q function written on the autodiff tape: `actions` (`K×d`) ↦ `Q` (`K×1`).
pub trait TapeActionValue<T: Scalar> {
    /// Records `Q(actions)` on `tape` and returns the `K×1` result.
    fn q_on_tape(&self, tape: &mut Tape<T>, actions: Var) -> Var;
}

/// `∇_{x_t} log Σ_k exp(Q(scale · (x_t + shift_k))/λ)` by autodiff.
fn grad_logsumexp<T: Scalar, Q: TapeActionValue<T> + ?Sized>(
    tape: &mut Tape<T>,
    x_t: ArrayView1<T>,
    shifts: Array2<T>,
    scale: f64,
    temperature: f64,
    q: &Q,
) -> Array1<T> {
    let (k, d) = shifts.dim();
    tape.clear();
    let x = tape.leaf(x_t.to_owned().into_shape_with_order((1, d)).expect("1×d"));
    let shifts = tape.constant(shifts);
    let moved = tape.add_row(shifts, x);
    let points = tape.scale(moved, T::from_f64(scale));
    let q_values = tape.q_on_tape_helper(q, points);
    let logits = tape.scale(q_values, T::from_f64(1.0 / temperature));
    let row = tape.reshape(logits, (1, k));
    // [RFM:Claim.eta-one-is-idem-ve] S_K = ∇ log Σ exp(Q/λ), by autodiff of a log-sum-exp
    let lse = tape.logsumexp(row);
    tape.backward(lse);
    tape.grad(x).expect("x_t is a leaf").row(0).to_owned()
}

/// Small extension so the call reads left to right.
trait OnTape<T: Scalar> {
    fn q_on_tape_helper<Q: TapeActionValue<T> + ?Sized>(&mut self, q: &Q, actions: Var) -> Var;
}

impl<T: Scalar> OnTape<T> for Tape<T> {
    fn q_on_tape_helper<Q: TapeActionValue<T> + ?Sized>(&mut self, q: &Q, actions: Var) -> Var {
        q.q_on_tape(self, actions)
    }
}

/// iDEM / DQS score estimate at one `x_t` on a VE path with noise level σ_t and the K
/// perturbations `e` (`K×d`).
pub fn idem_dqs_score<T: Scalar, Q: TapeActionValue<T> + ?Sized>(
    tape: &mut Tape<T>,
    sigma_t: f64,
    temperature: f64,
    x_t: ArrayView1<T>,
    e: ArrayView2<T>,
    q: &Q,
) -> Array1<T> {
    let shifts = e.mapv(|v| v * T::from_f64(sigma_t));
    grad_logsumexp(tape, x_t, shifts, 1.0, temperature, q)
}

/// The iDEM-style ε-target on a VP path: `ε̂ = −sqrt(1 − ᾱ) ∇_{x_t} log Σ_k exp(Q(a_k)/λ)`
/// with `a_k = (x_t − sqrt(1 − ᾱ) ε_k)/sqrt(ᾱ)`.
///
/// # Panics
/// When `alpha_bar ∉ (0, 1)`.
#[track_caller]
pub fn idem_vp_noise_target<T: Scalar, Q: TapeActionValue<T> + ?Sized>(
    tape: &mut Tape<T>,
    alpha_bar: f64,
    temperature: f64,
    x_t: ArrayView1<T>,
    eps: ArrayView2<T>,
    q: &Q,
) -> Array1<T> {
    assert!(
        alpha_bar > 0.0 && alpha_bar < 1.0,
        "ᾱ = {alpha_bar} must lie in (0, 1)"
    );
    let noise_scale = (1.0 - alpha_bar).sqrt();
    let shifts = eps.mapv(|v| -v * T::from_f64(noise_scale));
    // [RFM:Claim.eta-one-is-idem-vp]
    let score = grad_logsumexp(tape, x_t, shifts, 1.0 / alpha_bar.sqrt(), temperature, q);
    score.mapv(|s| -s * T::from_f64(noise_scale))
}
