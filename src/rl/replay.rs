//! A preallocated ring-buffer replay memory with uniform sampling into a reused batch.
//!
//! Storage is allocated once at construction (`capacity × dim` per field) and the sampled
//! minibatch is written into a caller-owned [`Batch`], so the training loop allocates nothing
//! per step. Indices are drawn with the run's explicit `ChaCha8Rng` (authors: `np.random.randint`
//! with replacement).

use ndarray::{Array1, Array2, ArrayView1, s};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::Scalar;
use crate::checkpoint::state_io::metadata_u64;
use crate::checkpoint::{Checkpoint, CheckpointError, CheckpointWriter, Persist};
use crate::transition::Batch;

/// The replay memory.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayBuffer<T> {
    obs: Array2<T>,
    action: Array2<T>,
    reward: Array1<T>,
    next_obs: Array2<T>,
    terminated: Array1<T>,
    len: usize,
    next: usize,
}

impl<T: Scalar> ReplayBuffer<T> {
    /// An empty buffer holding up to `capacity` transitions.
    ///
    /// # Panics
    /// If `capacity` is 0.
    #[track_caller]
    pub fn new(capacity: usize, obs_dim: usize, action_dim: usize) -> Self {
        assert!(capacity > 0, "replay capacity must be positive");
        ReplayBuffer {
            obs: Array2::zeros((capacity, obs_dim)),
            action: Array2::zeros((capacity, action_dim)),
            reward: Array1::zeros(capacity),
            next_obs: Array2::zeros((capacity, obs_dim)),
            terminated: Array1::zeros(capacity),
            len: 0,
            next: 0,
        }
    }
    /// Maximum number of transitions.
    pub fn capacity(&self) -> usize {
        self.reward.len()
    }
    /// Stored transitions.
    pub fn len(&self) -> usize {
        self.len
    }
    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Observation width.
    pub fn obs_dim(&self) -> usize {
        self.obs.ncols()
    }
    /// Action width.
    pub fn action_dim(&self) -> usize {
        self.action.ncols()
    }

    /// Stores one transition, overwriting the oldest when full.
    ///
    /// # Panics
    /// If a slice has the wrong length.
    #[track_caller]
    pub fn push(
        &mut self,
        obs: &[f32],
        action: &[f32],
        reward: f64,
        next_obs: &[f32],
        terminated: bool,
    ) {
        assert_eq!(obs.len(), self.obs_dim(), "obs length");
        assert_eq!(next_obs.len(), self.obs_dim(), "next_obs length");
        assert_eq!(action.len(), self.action_dim(), "action length");
        let i = self.next;
        for (d, &s) in self.obs.row_mut(i).iter_mut().zip(obs) {
            *d = T::from_f64(s as f64);
        }
        for (d, &s) in self.action.row_mut(i).iter_mut().zip(action) {
            *d = T::from_f64(s as f64);
        }
        for (d, &s) in self.next_obs.row_mut(i).iter_mut().zip(next_obs) {
            *d = T::from_f64(s as f64);
        }
        self.reward[i] = T::from_f64(reward);
        self.terminated[i] = if terminated { T::one() } else { T::zero() };
        self.next = (i + 1) % self.capacity();
        self.len = (self.len + 1).min(self.capacity());
    }

    /// The action and next observation of the transition stored `back` pushes ago (`back = 1`
    /// is the latest), or `None` when fewer than `back` are held. Used to re-enact the episode
    /// cut by a stop, so that the resumed env is in the exact state it was in.
    pub fn recent(&self, back: usize) -> Option<(ArrayView1<'_, T>, ArrayView1<'_, T>)> {
        if back == 0 || back > self.len {
            return None;
        }
        let cap = self.capacity();
        let i = (self.next + cap - back) % cap;
        Some((self.action.row(i), self.next_obs.row(i)))
    }

    /// Fills `batch` with `batch.len()` transitions drawn uniformly with replacement.
    ///
    /// # Panics
    /// If the buffer is empty or the batch widths differ from the buffer's.
    #[track_caller]
    pub fn sample_into(&self, rng: &mut ChaCha8Rng, batch: &mut Batch<T>) {
        assert!(self.len > 0, "sampling from an empty replay buffer");
        assert_eq!(batch.obs.ncols(), self.obs_dim(), "batch obs width");
        assert_eq!(
            batch.action.ncols(),
            self.action_dim(),
            "batch action width"
        );
        for r in 0..batch.len() {
            let i = rng.random_range(0..self.len);
            batch.obs.row_mut(r).assign(&self.obs.row(i));
            batch.action.row_mut(r).assign(&self.action.row(i));
            batch.next_obs.row_mut(r).assign(&self.next_obs.row(i));
            batch.reward[[r, 0]] = self.reward[i];
            batch.terminated[[r, 0]] = self.terminated[i];
        }
    }

    /// The stored fields as named 2-D arrays (for checkpoints): only the first `len` rows matter.
    pub fn tensors(&self) -> [(&'static str, ndarray::ArrayView2<'_, T>); 3] {
        [
            ("replay.obs", self.obs.view()),
            ("replay.action", self.action.view()),
            ("replay.next_obs", self.next_obs.view()),
        ]
    }
    /// Rewards and termination flags, `capacity` each.
    pub fn columns(&self) -> [(&'static str, ndarray::ArrayView1<'_, T>); 2] {
        [
            ("replay.reward", self.reward.view()),
            ("replay.terminated", self.terminated.view()),
        ]
    }
    /// Write cursor and fill level `(next, len)`.
    pub fn cursor(&self) -> (usize, usize) {
        (self.next, self.len)
    }

    /// Rebuilds a buffer from the parts returned by [`tensors`](Self::tensors),
    /// [`columns`](Self::columns) and [`cursor`](Self::cursor).
    ///
    /// # Errors
    /// A message naming the inconsistent part when shapes or cursor disagree.
    pub fn from_parts(
        obs: Array2<T>,
        action: Array2<T>,
        next_obs: Array2<T>,
        reward: Array1<T>,
        terminated: Array1<T>,
        next: usize,
        len: usize,
    ) -> Result<Self, String> {
        let cap = reward.len();
        if obs.nrows() != cap
            || action.nrows() != cap
            || next_obs.nrows() != cap
            || terminated.len() != cap
        {
            return Err(format!(
                "replay tensors disagree on capacity: obs {}, action {}, next_obs {}, reward {}, terminated {}",
                obs.nrows(),
                action.nrows(),
                next_obs.nrows(),
                cap,
                terminated.len()
            ));
        }
        if obs.ncols() != next_obs.ncols() {
            return Err(format!(
                "replay obs width {} != next_obs width {}",
                obs.ncols(),
                next_obs.ncols()
            ));
        }
        if len > cap || next >= cap.max(1) || (len < cap && next != len) {
            return Err(format!(
                "replay cursor (next {next}, len {len}) invalid for capacity {cap}"
            ));
        }
        Ok(ReplayBuffer {
            obs,
            action,
            reward,
            next_obs,
            terminated,
            len,
            next,
        })
    }
}

/// The stored rows (`replay.obs`, …, first `len` rows only) and the cursor (metadata
/// `replay_next`, `replay_len`), so that a resumed run samples exactly as the uninterrupted one.
impl Persist for ReplayBuffer<f32> {
    fn save(&self, w: &mut CheckpointWriter) {
        let (next, len) = self.cursor();
        for (name, v) in self.tensors() {
            w.add(name, &v.slice(s![..len, ..]).to_owned());
        }
        for (name, v) in self.columns() {
            let col = v.slice(s![..len]).to_owned().insert_axis(ndarray::Axis(1));
            w.add(name, &col);
        }
        w.metadata("replay_next", next.to_string())
            .metadata("replay_len", len.to_string());
    }

    fn load(&mut self, c: &Checkpoint) -> Result<(), CheckpointError> {
        let len = metadata_u64(c, "replay_len")? as usize;
        let next = metadata_u64(c, "replay_next")? as usize;
        let cap = self.capacity();
        let (o, d) = (self.obs_dim(), self.action_dim());
        let corrupt = |reason: String| CheckpointError::CorruptHeader {
            path: c.path().to_owned(),
            reason,
        };
        if len > cap {
            return Err(corrupt(format!(
                "replay_len {len} exceeds the configured capacity {cap}"
            )));
        }
        let pad = |a: Array2<f32>, cols: usize| {
            let mut full = Array2::zeros((cap, cols));
            full.slice_mut(s![..len, ..]).assign(&a);
            full
        };
        let obs = pad(c.tensor::<f32>("replay.obs", (len, o))?, o);
        let action = pad(c.tensor::<f32>("replay.action", (len, d))?, d);
        let next_obs = pad(c.tensor::<f32>("replay.next_obs", (len, o))?, o);
        let col = |name: &str| -> Result<Array1<f32>, CheckpointError> {
            let a = c.tensor::<f32>(name, (len, 1))?;
            let mut full = Array1::zeros(cap);
            full.slice_mut(s![..len]).assign(&a.column(0));
            Ok(full)
        };
        let reward = col("replay.reward")?;
        let terminated = col("replay.terminated")?;
        *self = ReplayBuffer::from_parts(obs, action, next_obs, reward, terminated, next, len)
            .map_err(corrupt)?;
        Ok(())
    }
}
