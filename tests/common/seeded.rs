//! The proptest configuration of every property test: a fixed RNG seed, so that a bare
//! `cargo test --release` draws the same cases on every run and machine (no flaky tests),
//! unless `PROPTEST_RNG_SEED` is set (CI sets it to the same value; set another to explore).
//! Included by path from `tests/` and `envs/tests/`.

use proptest::test_runner::{Config, RngSeed};

/// The seed used when `PROPTEST_RNG_SEED` is not set.
pub const SEED: u64 = 20261126;

/// `n` cases per property with the fixed seed (or the environment's).
pub fn cases(n: u32) -> Config {
    let mut config = Config::with_cases(n);
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(SEED);
    }
    config
}

/// As [`cases`], but `RFM_FUZZ_CASES` (when set) overrides `n`: the fuzz tests (checkpoint
/// reader, config parser, plot CSV reader) run a few hundred cases in `cargo test` and
/// thousands in their documented command.
#[allow(dead_code)]
pub fn fuzz_cases(n: u32) -> Config {
    let n = std::env::var("RFM_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(n);
    cases(n)
}
