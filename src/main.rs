//! The `rfm` command-line tool.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Reverse Flow Matching for online RL, on a CPU.
#[derive(Parser)]
#[command(name = "rfm", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run every special-case check of the estimator family and print variance tables.
    Audit(rfm::cli::audit::AuditArgs),
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        None => {
            println!("rfm {}: nothing to run yet", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Audit(args)) => Ok(rfm::cli::audit::run(&args)?),
    }
}
