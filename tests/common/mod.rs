//! Shared support for the integration tests: the tolerance policy and proptest strategies.
#![allow(dead_code, unused_imports)]

pub mod strategies;
pub mod tolerance;
