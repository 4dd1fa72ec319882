//! The `rfm` command-line tool.

mod cli;

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
    /// Check every autodiff primitive's gradient against finite differences (f64) and print a table.
    Selfcheck(cli::selfcheck::SelfcheckArgs),
    /// List the control tasks or check one with random actions.
    Envs {
        #[command(subcommand)]
        command: cli::envs::EnvsCommand,
    },
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    // Until the agent exists, the default job is the gradient self-check.
    let command = cli
        .command
        .unwrap_or_else(|| Command::Selfcheck(cli::selfcheck::SelfcheckArgs::default()));
    let ok = match command {
        Command::Selfcheck(args) => cli::selfcheck::run(&args),
        Command::Envs { command } => {
            cli::envs::run(command)?;
            true
        }
    };
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
