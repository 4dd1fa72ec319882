//! A named, ordered store of parameter arrays: the one view that Adam, gradient clipping,
//! Polyak averaging and checkpoints operate on, whatever the model (critic, velocity net,
//! Gaussian policy).
//!
//! Layers do not own their arrays. A layer holds [`ParamId`]s into a [`Params`] store owned by
//! the model, so that a model built from several layers has exactly one store, in the order
//! the layers registered their arrays. Weights are `in × out` (so a forward pass is `x·W + b`)
//! and biases are `1 × out`. Gradients, Adam moments and target networks are `Params` with the
//! same layout (see [`Params::zeros_like`]).

use crate::Scalar;
use ndarray::Array2;

/// Position of a parameter inside its [`Params`] store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamId(usize);

impl ParamId {
    /// The position of the parameter in its store (registration order).
    pub fn index(self) -> usize {
        self.0
    }
}

/// Named parameter arrays in a fixed (registration) order.
#[derive(Clone, Debug, PartialEq)]
pub struct Params<T> {
    names: Vec<String>,
    values: Vec<Array2<T>>,
}

impl<T: Scalar> Default for Params<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Scalar> Params<T> {
    /// An empty store.
    pub fn new() -> Self {
        Self {
            names: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Registers an array under `name` and returns its id.
    ///
    /// # Panics
    /// If `name` is already registered or empty (a programmer error: names are the checkpoint keys).
    #[track_caller]
    pub fn push(&mut self, name: impl Into<String>, value: Array2<T>) -> ParamId {
        let name = name.into();
        assert!(!name.is_empty(), "parameter names must be non-empty");
        assert!(
            !self.names.contains(&name),
            "parameter `{name}` is registered twice"
        );
        self.names.push(name);
        self.values.push(value);
        ParamId(self.values.len() - 1)
    }

    /// Number of arrays.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when no array is registered.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Total number of scalars over all arrays.
    pub fn num_scalars(&self) -> usize {
        self.values.iter().map(|v| v.len()).sum()
    }

    /// The name of parameter `id`.
    pub fn name(&self, id: ParamId) -> &str {
        &self.names[id.0]
    }

    /// The array of parameter `id`.
    pub fn get(&self, id: ParamId) -> &Array2<T> {
        &self.values[id.0]
    }

    /// The array of parameter `id`, mutably.
    pub fn get_mut(&mut self, id: ParamId) -> &mut Array2<T> {
        &mut self.values[id.0]
    }

    /// The id of the parameter called `name`, if any.
    pub fn id(&self, name: &str) -> Option<ParamId> {
        self.names.iter().position(|n| n == name).map(ParamId)
    }

    /// All ids, in registration order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = ParamId> + use<T> {
        (0..self.values.len()).map(ParamId)
    }

    /// All names, in registration order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// All arrays, in registration order.
    pub fn values(&self) -> &[Array2<T>] {
        &self.values
    }

    /// All arrays, mutably, in registration order (names and shapes stay fixed).
    pub fn values_mut(&mut self) -> &mut [Array2<T>] {
        &mut self.values
    }

    /// `(name, array)` pairs in registration order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Array2<T>)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.values.iter())
    }

    /// A store with the same names and shapes, filled with zeros (gradients, Adam moments).
    pub fn zeros_like(&self) -> Self {
        Self {
            names: self.names.clone(),
            values: self
                .values
                .iter()
                .map(|v| Array2::zeros(v.raw_dim()))
                .collect(),
        }
    }

    /// Sets every array to zero, keeping the allocations.
    pub fn fill_zero(&mut self) {
        for v in &mut self.values {
            v.fill(T::zero());
        }
    }

    /// Copies every array of `other` into `self` (same layout), keeping the allocations.
    ///
    /// # Panics
    /// If the layouts differ (see [`Params::assert_same_layout`]).
    #[track_caller]
    pub fn assign(&mut self, other: &Self) {
        self.assert_same_layout(other);
        for (dst, src) in self.values.iter_mut().zip(&other.values) {
            dst.assign(src);
        }
    }

    /// True when both stores have the same names and shapes in the same order.
    pub fn same_layout(&self, other: &Self) -> bool {
        self.names == other.names
            && self
                .values
                .iter()
                .zip(&other.values)
                .all(|(a, b)| a.dim() == b.dim())
    }

    /// # Panics
    /// If the two stores differ in names, order or shapes; the message names the first difference.
    #[track_caller]
    pub fn assert_same_layout(&self, other: &Self) {
        assert_eq!(
            self.len(),
            other.len(),
            "parameter stores differ in length: {:?} vs {:?}",
            self.names,
            other.names
        );
        for (i, (a, b)) in self.values.iter().zip(&other.values).enumerate() {
            assert!(
                self.names[i] == other.names[i] && a.dim() == b.dim(),
                "parameter stores differ at position {i}: `{}` {:?} vs `{}` {:?}",
                self.names[i],
                a.dim(),
                other.names[i],
                b.dim()
            );
        }
    }
}
