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
    /// Train an algorithm on a task (progress bar, eval.csv, train.csv, run.json, checkpoints, SVG curve).
    Train(cli::train::TrainArgs),
    /// Evaluate a saved agent (`--weights agent.safetensors` or `--checkpoint checkpoint.safetensors`).
    Eval(cli::eval::EvalArgs),
    /// Print what a checkpoint holds: format, checksum, build, task, networks, tensors.
    Inspect(cli::inspect::InspectArgs),
    /// Overlay the learning curves of run directories in one SVG.
    Plot(cli::plot::PlotArgs),
    /// Run every special-case check of the estimator family and print variance tables.
    Audit(cli::audit::AuditArgs),
    /// List the control tasks or check one with random actions.
    Envs {
        #[command(subcommand)]
        command: cli::envs::EnvsCommand,
    },
    /// Render one episode of a task to an animated GIF.
    Render(cli::render::RenderArgs),
    /// Run a study (tasks × algorithms × seeds) on this machine or as a Slurm job array.
    Sweep(cli::sweep::SweepArgs),
    /// Summarise a study: final returns, IQM with bootstrap CIs, profiles, curves.
    Report(cli::report::ReportArgs),
    /// Measure the actor's regression-target error of every estimator member and K on a run's critic.
    Ablate(cli::ablate::AblateArgs),
    /// The paper's toy experiments (two-moons Boltzmann sampling).
    Toy {
        #[command(subcommand)]
        command: cli::toy::ToyCommand,
    },
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    // With no arguments: the embedded demo, a few minutes of rfm on cartpole-swingup.
    let command = cli
        .command
        .unwrap_or_else(|| Command::Train(cli::train::TrainArgs::demo()));
    let ok = match command {
        Command::Train(args) => return cli::train::run(&args),
        Command::Eval(args) => {
            cli::eval::run(&args)?;
            true
        }
        Command::Inspect(args) => {
            cli::inspect::run(&args)?;
            true
        }
        Command::Plot(args) => {
            cli::plot::run(&args)?;
            true
        }
        Command::Selfcheck(args) => cli::selfcheck::run(&args),
        Command::Audit(args) => cli::audit::run(&args)?,
        Command::Envs { command } => {
            cli::envs::run(command)?;
            true
        }
        Command::Sweep(args) => cli::sweep::run(&args)?,
        Command::Report(args) => cli::report::run(&args)?,
        Command::Ablate(args) => {
            cli::ablate::run(&args)?;
            true
        }
        Command::Toy { command } => {
            cli::toy::run(&command)?;
            true
        }
        Command::Render(args) => {
            cli::render::run(args)?;
            true
        }
    };
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
