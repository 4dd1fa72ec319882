//! Choosing one particle per state: a draw from `softmax(Q/λ)` when acting, `argmax Q` when
//! evaluating (authors' `_sample_latent_actions_flow_fn` and their deterministic evaluation).
//!
//! This is a soft best-of-P over particles already drawn by the policy; it has no density
//! correction (the authors use none).

use ndarray::ArrayView1;
use rand::Rng;

use crate::Scalar;

/// How one particle is chosen per state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Selection {
    /// Draw index `p` with probability `softmax_p(Q_p/λ)` (λ = the temperature).
    Softmax {
        /// Temperature λ > 0.
        temperature: f64,
    },
    /// The index of the largest Q (first one on ties).
    Argmax,
}

/// The selection probabilities `softmax(Q/λ)` of one state's particles, computed stably
/// (the maximum is subtracted before exponentiating, so Q/λ of 10⁴ does not overflow).
///
/// # Panics
/// If `q` is empty or `temperature ≤ 0`.
#[track_caller]
pub fn selection_probabilities<T: Scalar>(q: ArrayView1<T>, temperature: f64, out: &mut Vec<f64>) {
    // [RFM:Eq.particle-selection] π_p = exp((Q_p − max Q)/λ) / Σ_q exp((Q_q − max Q)/λ)
    assert!(!q.is_empty(), "no particles to choose from");
    assert!(
        temperature > 0.0,
        "temperature {temperature} must be positive"
    );
    let max = q
        .iter()
        .map(|v| Scalar::to_f64(*v))
        .fold(f64::NEG_INFINITY, f64::max);
    out.clear();
    out.extend(
        q.iter()
            .map(|v| ((Scalar::to_f64(*v) - max) / temperature).exp()),
    );
    let z: f64 = out.iter().sum();
    for p in out.iter_mut() {
        *p /= z;
    }
}

/// Picks one particle index per state from `q` (`B·P` values, state-major), writing the
/// chosen row index (`b·P + p`) into `chosen`.
///
/// # Panics
/// If `q.len()` is not a multiple of `particles`, or as [`selection_probabilities`].
#[track_caller]
pub fn select_particles<T: Scalar, R: Rng + ?Sized>(
    q: ArrayView1<T>,
    particles: usize,
    selection: Selection,
    rng: &mut R,
    chosen: &mut Vec<usize>,
) {
    assert!(
        particles > 0 && q.len() % particles == 0,
        "q must hold B·P values"
    );
    chosen.clear();
    let mut probs = Vec::with_capacity(particles);
    for b in 0..q.len() / particles {
        let block = q.slice(ndarray::s![b * particles..(b + 1) * particles]);
        let p = match selection {
            Selection::Argmax => {
                let mut best = 0;
                for (i, v) in block.iter().enumerate() {
                    if *v > block[best] {
                        best = i;
                    }
                }
                best
            }
            Selection::Softmax { temperature } => {
                selection_probabilities(block, temperature, &mut probs);
                let u: f64 = rng.random();
                let mut acc = 0.0;
                let mut pick = particles - 1;
                for (i, pi) in probs.iter().enumerate() {
                    acc += pi;
                    if u < acc {
                        pick = i;
                        break;
                    }
                }
                pick
            }
        };
        chosen.push(b * particles + p);
    }
}
