//! ODE samplers of the flow policy: explicit Euler (the authors') and Heun, on `[t_min, 1 − t_min]`.
//!
//! The flow runs in the tanh latent `u` from `u_{t_min} ~ N(0, I)`; the action is `tanh(u)`.
//! With `n` steps, `Δt = (1 − 2 t_min)/n` and `t_i = t_min + i Δt`:
//!
//! - Euler: `u ← u + Δt · v(u, t_i)`;
//! - Heun: `ũ = u + Δt v(u, t_i)`, `u ← u + Δt/2 · (v(u, t_i) + v(ũ, t_{i+1}))`.

use ndarray::{Array2, ArrayViewMut2, Zip};
use serde::{Deserialize, Serialize};

use super::field::ConditionalField;
use crate::Scalar;

/// Which integrator (in a config file: `integrator = "euler"` or `"heun"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OdeMethod {
    /// Explicit Euler, one field evaluation per step.
    Euler,
    /// Heun (explicit trapezoid), two field evaluations per step.
    Heun,
}

/// Integration window and step count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlowSchedule {
    /// Number of steps `n`.
    pub steps: usize,
    /// Start time `t_min`; integration ends at `1 − t_min`.
    pub t_min: f64,
    /// Integrator.
    pub method: OdeMethod,
}

impl FlowSchedule {
    /// The step size `Δt = (1 − 2 t_min)/n`.
    pub fn dt(&self) -> f64 {
        (1.0 - 2.0 * self.t_min) / self.steps as f64
    }
}

/// Reusable buffers for [`integrate`].
#[derive(Clone, Debug, Default)]
pub struct FlowScratch<T> {
    v1: Array2<T>,
    v2: Array2<T>,
    trial: Array2<T>,
}

/// Integrates `x` (initial noise, `(B·P) × d`) in place from `t_min` to `1 − t_min`.
/// `field.prepare` must have been called for these rows.
///
/// # Panics
/// If `steps == 0` or `t_min ∉ (0, 0.5)`.
#[track_caller]
pub fn integrate<T: Scalar, F: ConditionalField<T> + ?Sized>(
    field: &mut F,
    schedule: &FlowSchedule,
    mut x: ArrayViewMut2<T>,
    scratch: &mut FlowScratch<T>,
) {
    assert!(schedule.steps > 0, "flow sampler needs at least one step");
    assert!(
        schedule.t_min > 0.0 && schedule.t_min < 0.5,
        "t_min = {} must lie in (0, 0.5)",
        schedule.t_min
    );
    let dim = x.raw_dim();
    for a in [&mut scratch.v1, &mut scratch.v2, &mut scratch.trial] {
        if a.raw_dim() != dim {
            *a = Array2::zeros(dim);
        }
    }
    let dt = schedule.dt();
    let dt_t = T::from_f64(dt);
    let half = T::from_f64(0.5 * dt);
    for i in 0..schedule.steps {
        let t = schedule.t_min + i as f64 * dt;
        field.eval(x.view(), t, scratch.v1.view_mut());
        match schedule.method {
            OdeMethod::Euler => {
                Zip::from(&mut x)
                    .and(&scratch.v1)
                    .for_each(|x, &v| *x += dt_t * v);
            }
            OdeMethod::Heun => {
                Zip::from(&mut scratch.trial)
                    .and(&x)
                    .and(&scratch.v1)
                    .for_each(|y, &x, &v| *y = x + dt_t * v);
                field.eval(scratch.trial.view(), t + dt, scratch.v2.view_mut());
                Zip::from(&mut x)
                    .and(&scratch.v1)
                    .and(&scratch.v2)
                    .for_each(|x, &a, &b| *x += half * (a + b));
            }
        }
    }
}
