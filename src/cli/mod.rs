//! Subcommands of the `rfm` binary.

pub mod envs;
