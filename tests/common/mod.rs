//! Shared support for the integration tests: the tolerance policy and proptest strategies.
#![allow(dead_code)]

pub mod strategies;
pub mod tolerance;
