//! Optimisers: Adam, gradient-norm clipping, Polyak averaging.
