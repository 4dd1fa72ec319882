//! `rfm audit`: prints every special-case check and the variance tables.

use clap::Args;

use rfm::audit::run::run_audit;

/// Arguments of `rfm audit`.
#[derive(Args, Debug, Clone)]
pub struct AuditArgs {
    /// Reverse samples per state K used by the Monte Carlo checks (≥ 2).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(2..=100_000))]
    pub k: u64,
    /// Base seed of every random draw.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Runs the audit; returns whether every check passed (the binary maps it to the exit code).
pub fn run(args: &AuditArgs) -> Result<bool, serde_json::Error> {
    let report = run_audit(args.k as usize, args.seed);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.to_text());
    }
    Ok(report.passed())
}
