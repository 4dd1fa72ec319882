//! Subcommands of the `rfm` binary, one file each.

pub mod envs;
pub mod selfcheck;
