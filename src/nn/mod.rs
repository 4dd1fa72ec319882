//! Neural-network layers built on the autodiff tape.
