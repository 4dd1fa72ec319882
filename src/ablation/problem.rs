//! The points at which the regression target is measured: every state once per t bin, with an
//! endpoint drawn from the policy and `x_t` on the policy's path.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::settings::AblationSettings;
use crate::paths::ProbabilityPath;
use crate::policies::noise::fill_standard_normal;

/// Rows `s·bins + j`: state `s` in t bin `j`.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The state of each row (`rows × obs_dim`).
    pub obs: Array2<f32>,
    /// The time of each row, uniform in its bin.
    pub t: Vec<f64>,
    /// The bin of each row.
    pub bin: Vec<usize>,
    /// The points `x_t = α_t u_1 + β_t ε` (`rows × d`).
    pub x_t: Array2<f32>,
}

impl Problem {
    /// Draws the rows for `states` (`S × obs_dim`): the endpoints `u_1` from `endpoints`
    /// (called once with the repeated states, filling `S·bins × d`), then t and ε from `rng`.
    pub fn draw<P: ProbabilityPath + ?Sized>(
        settings: &AblationSettings,
        states: ArrayView2<f32>,
        action_dim: usize,
        path: &P,
        endpoints: &mut dyn FnMut(ArrayView2<f32>, &mut ChaCha8Rng, ArrayViewMut2<f32>),
        rng: &mut ChaCha8Rng,
    ) -> Problem {
        let bins = settings.t_bins;
        let rows = states.nrows() * bins;
        let obs = Array2::from_shape_fn((rows, states.ncols()), |(r, j)| states[[r / bins, j]]);
        let mut u1 = Array2::<f32>::zeros((rows, action_dim));
        endpoints(obs.view(), rng, u1.view_mut());
        let bin: Vec<usize> = (0..rows).map(|r| r % bins).collect();
        let t: Vec<f64> = bin
            .iter()
            .map(|&j| {
                let (lo, hi) = settings.bin_bounds(j);
                rng.random_range(lo..hi)
            })
            .collect();
        let mut eps = Array2::<f32>::zeros((rows, action_dim));
        fill_standard_normal(rng, eps.view_mut());
        let mut x_t = Array2::<f32>::zeros((rows, action_dim));
        for r in 0..rows {
            let c = path.coefficients(t[r]);
            for j in 0..action_dim {
                x_t[[r, j]] = c.interpolate(u1[[r, j]], eps[[r, j]]);
            }
        }
        Problem { obs, t, bin, x_t }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.t.len()
    }
}
