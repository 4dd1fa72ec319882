//! A minibatch of transitions `(s, a, r, s', terminated)`: what the replay memory samples
//! and what the critics' TD regression and the actors' updates read.

use ndarray::Array2;

use crate::Scalar;

/// One minibatch of transitions, rows aligned.
#[derive(Clone, Debug)]
pub struct Batch<T> {
    /// Observations, B × obs_dim.
    pub obs: Array2<T>,
    /// Actions taken, in [−1, 1], B × action_dim.
    pub action: Array2<T>,
    /// Rewards, B × 1.
    pub reward: Array2<T>,
    /// Next observations, B × obs_dim.
    pub next_obs: Array2<T>,
    /// 1 if the transition ended in a true terminal state, else 0 (B × 1). Truncation is not
    /// termination: the TD target still bootstraps.
    pub terminated: Array2<T>,
}

impl<T: Scalar> Batch<T> {
    /// A zeroed batch of `b` rows.
    pub fn zeros(b: usize, obs_dim: usize, action_dim: usize) -> Self {
        Batch {
            obs: Array2::zeros((b, obs_dim)),
            action: Array2::zeros((b, action_dim)),
            reward: Array2::zeros((b, 1)),
            next_obs: Array2::zeros((b, obs_dim)),
            terminated: Array2::zeros((b, 1)),
        }
    }
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.obs.nrows()
    }
    /// True when the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
