//! The two steps every generative actor update shares: the training points
//! `x_t = α_t u + β_t ε` at `t ~ U[t_min, 1 − t_min]`, and one clipped Adam step on a loss
//! recorded on the tape (rfm, qne, maxentdp, dqs, qsm in [`super::generative_agent`]; qvpo in
//! [`super::qvpo_agent`]).

use ndarray::{Array2, ArrayView2};
use rand::Rng;

use super::generative_agent::resize;
use crate::Scalar;
use crate::autodiff::{Tape, Var};
use crate::nn::Params;
use crate::optim::Adam;
use crate::paths::ProbabilityPath;
use crate::policies::noise::fill_standard_normal;

/// Draws one time `t_r ~ U[t_min, 1 − t_min]` per row of `u`, then `ε ~ N(0, I)` into `eps`,
/// and writes `x_t = α_t u + β_t ε` into `x_t` (both resized to `u`'s shape); returns the times.
pub fn noisy_points<T: Scalar, P: ProbabilityPath + ?Sized, R: Rng + ?Sized>(
    path: &P,
    t_min: f64,
    u: ArrayView2<T>,
    rng: &mut R,
    eps: &mut Array2<T>,
    x_t: &mut Array2<T>,
) -> Vec<f64> {
    let (rows, d) = u.dim();
    let t: Vec<f64> = (0..rows)
        .map(|_| rng.random_range(t_min..1.0 - t_min))
        .collect();
    resize(eps, rows, d);
    resize(x_t, rows, d);
    fill_standard_normal(rng, eps.view_mut());
    for (r, &tr) in t.iter().enumerate() {
        let c = path.coefficients(tr);
        for j in 0..d {
            x_t[[r, j]] = c.interpolate(u[[r, j]], eps[[r, j]]);
        }
    }
    t
}

/// Back-propagates `loss` (a 1 × 1 node), gathers the gradients of `vars` (the leaves of
/// `params`, store order) into `grads` and takes one Adam step clipped at `max_grad_norm`
/// (0 disables); returns the loss value and the gradient norm before clipping.
pub fn descend<T: Scalar>(
    tape: &mut Tape<T>,
    loss: Var,
    vars: &[Var],
    grads: &mut Params<T>,
    adam: &mut Adam<T>,
    params: &mut Params<T>,
    max_grad_norm: f64,
) -> (f64, f64) {
    let value = Scalar::to_f64(tape.value(loss)[[0, 0]]);
    tape.backward(loss);
    for (g, v) in grads.values_mut().iter_mut().zip(vars) {
        g.assign(&tape.grad(*v).expect("actor parameter has a gradient"));
    }
    (value, adam.clip_and_step(params, grads, max_grad_norm))
}
