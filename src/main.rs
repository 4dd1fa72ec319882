//! The `rfm` command-line tool.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

/// Reverse Flow Matching for online RL, on a CPU.
#[derive(Parser)]
#[command(name = "rfm", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// List the control tasks or check one with random actions.
    Envs {
        #[command(subcommand)]
        command: cli::envs::EnvsCommand,
    },
    /// Render one episode of a task to an animated GIF.
    Render(cli::render::RenderArgs),
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        None => {
            println!("rfm {}: nothing to run yet", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Envs { command }) => {
            cli::envs::run(command)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Render(args)) => {
            cli::render::run(args)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
