//! `rfm selfcheck`: runs the gradient checker over every autodiff primitive on random `f64`
//! inputs and prints one table row per (op, shape); fails (non-zero exit) if any row fails.

use clap::Args;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::catalog::primitive_cases;
use rfm::autodiff::gradcheck::{self, DEFAULT_TOLERANCE, GradcheckConfig};

/// Options of `rfm selfcheck`.
#[derive(Args, Debug, Clone, Default)]
pub struct SelfcheckArgs {
    /// Seed of the random inputs, cotangents and directions.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// Shapes `(m, n)` at which each primitive is checked: a single element, a row, a column, and
/// a general rectangle.
const SHAPES: [(usize, usize); 4] = [(1, 1), (1, 4), (5, 1), (4, 3)];

/// Runs the check and prints the table; returns whether every row passed.
pub fn run(args: &SelfcheckArgs) -> bool {
    let tol = DEFAULT_TOLERANCE;
    println!(
        "rfm selfcheck: reverse-mode gradients vs central differences and the adjoint test (f64, seed {})",
        args.seed
    );
    println!(
        "{:<12} {:<26} {:>12} {:>12} {:>9}  pass",
        "op", "input shapes", "max rel err", "adjoint err", "tolerance"
    );
    let (mut rows, mut failed) = (0, 0);
    for (k, case) in primitive_cases().iter().enumerate() {
        for (s, &(m, n)) in SHAPES.iter().enumerate() {
            let seed = args.seed ^ ((k as u64) << 8 | s as u64);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let inputs = (case.draw)(&mut rng, m, n);
            let config = GradcheckConfig {
                seed,
                ..GradcheckConfig::default()
            };
            let report = gradcheck::check(case.build_f64, &inputs, &config);
            let pass = report.passes(tol);
            let shapes: Vec<String> = inputs
                .iter()
                .map(|x| format!("{}x{}", x.nrows(), x.ncols()))
                .collect();
            println!(
                "{:<12} {:<26} {:>12.3e} {:>12.3e} {:>9.0e}  {}",
                case.name,
                shapes.join(","),
                report.max_rel_err,
                report.adjoint_rel_err,
                tol,
                if pass { "ok" } else { "FAIL" }
            );
            rows += 1;
            failed += usize::from(!pass);
        }
    }
    println!("{} checks, {} failed", rows, failed);
    failed == 0
}
