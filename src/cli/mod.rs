//! Subcommands of the `rfm` binary, one file each.

pub mod audit;
pub mod envs;
pub mod render;
pub mod selfcheck;
