//! Subcommands of the `rfm` binary.

pub mod envs;
pub mod render;
