//! Growable scratch storage viewed as a matrix: the preallocated buffers of the tape-free fast
//! paths. A buffer grows to the largest batch seen and is then reused, so a steady-state loop
//! allocates nothing, whatever mix of batch sizes it uses.

use crate::Scalar;
use ndarray::{ArrayView2, ArrayViewMut2};

/// A `Vec<T>` that hands out `rows × cols` row-major views of its first `rows·cols` elements.
#[derive(Clone, Debug, Default)]
pub struct Scratch<T> {
    data: Vec<T>,
}

impl<T: Scalar> Scratch<T> {
    /// Grows the storage to at least `rows·cols` elements (never shrinks).
    pub fn reserve(&mut self, rows: usize, cols: usize) {
        let len = rows * cols;
        if self.data.len() < len {
            self.data.resize(len, T::zero());
        }
    }

    /// A mutable `rows × cols` view (contents are whatever was written last).
    pub fn view_mut(&mut self, rows: usize, cols: usize) -> ArrayViewMut2<'_, T> {
        self.reserve(rows, cols);
        ArrayViewMut2::from_shape((rows, cols), &mut self.data[..rows * cols])
            .expect("length matches")
    }

    /// A `rows × cols` view.
    ///
    /// # Panics
    /// If the storage holds fewer than `rows·cols` elements.
    #[track_caller]
    pub fn view(&self, rows: usize, cols: usize) -> ArrayView2<'_, T> {
        ArrayView2::from_shape((rows, cols), &self.data[..rows * cols]).expect("length matches")
    }

    /// Elements currently allocated (diagnostic for the no-allocation property).
    pub fn capacity(&self) -> usize {
        self.data.len()
    }
}
