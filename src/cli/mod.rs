//! Subcommands of the `rfm` binary (argument structs and their runners).

pub mod audit;
