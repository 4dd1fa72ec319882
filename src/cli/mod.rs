//! Subcommands of the `rfm` binary, one file each.

pub mod audit;
pub mod envs;
pub mod eval;
pub mod plot;
pub mod render;
pub mod report;
pub mod report_figures;
pub mod selfcheck;
pub mod sweep;
pub mod train;
