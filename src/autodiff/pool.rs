//! Buffer pool: values and gradients are `Array2`s whose storage is recycled by
//! [`Tape::clear`](super::Tape::clear), so a steady-state update loop allocates nothing.
//!
//! Buffers are pooled by element count. Each bucket remembers how many of its buffers were out
//! at once (`peak`) and keeps at most that many free: arrays handed in by the user (through
//! `leaf`/`constant`) are adopted, and the surplus is dropped instead of growing forever.

use std::collections::HashMap;

use ndarray::Array2;

use crate::Scalar;

#[derive(Default)]
struct Bucket<T> {
    free: Vec<Vec<T>>,
    out: usize,
    peak: usize,
}

/// Storage recycler keyed by element count.
pub(crate) struct Pool<T> {
    buckets: HashMap<usize, Bucket<T>>,
}

impl<T: Scalar> Pool<T> {
    pub(crate) fn new() -> Self {
        Self {
            buckets: HashMap::new(),
        }
    }

    fn bucket(&mut self, len: usize) -> &mut Bucket<T> {
        self.buckets.entry(len).or_insert_with(|| Bucket {
            free: Vec::new(),
            out: 0,
            peak: 0,
        })
    }

    /// A `rows×cols` array with unspecified (stale) contents: callers overwrite every element.
    pub(crate) fn take(&mut self, rows: usize, cols: usize) -> Array2<T> {
        let len = rows * cols;
        let b = self.bucket(len);
        b.out += 1;
        b.peak = b.peak.max(b.out);
        let v = b.free.pop().unwrap_or_else(|| vec![T::zero(); len]);
        Array2::from_shape_vec((rows, cols), v).expect("pool buffer has the bucket's length")
    }

    /// Counts an array allocated elsewhere as out of this pool, so it may come back on `give`.
    pub(crate) fn adopt(&mut self, len: usize) {
        let b = self.bucket(len);
        b.out += 1;
        b.peak = b.peak.max(b.out);
    }

    /// Returns an array's storage to the pool (dropped if the bucket already holds `peak` free).
    pub(crate) fn give(&mut self, a: Array2<T>) {
        let len = a.len();
        let (v, offset) = a.into_raw_vec_and_offset();
        let b = self.bucket(len);
        b.out = b.out.saturating_sub(1);
        if v.len() == len && offset.unwrap_or(0) == 0 && b.free.len() < b.peak {
            b.free.push(v);
        }
    }

    /// Total number of free buffers (for tests of the no-allocation property).
    pub(crate) fn free_buffers(&self) -> usize {
        self.buckets.values().map(|b| b.free.len()).sum()
    }
}
