//! Fuzzing the CSV reader of `rfm plot` (and of resume): mutations of valid `eval.csv` files
//! and random bytes never panic; an accepted file has as many fields per row as its header.
//!
//! `cargo test` runs 300 cases per property; the documented fuzzing command runs 10,000:
//! `RFM_FUZZ_CASES=10000 cargo test --release --test fuzz_plot_csv`.

use std::path::PathBuf;

use proptest::prelude::*;
use rfm::run::csv_log::read_csv;

#[path = "common/seeded.rs"]
mod seeded;

#[path = "common/mutate.rs"]
mod mutate;

fn valid_files() -> Vec<Vec<u8>> {
    let header = "step,return_mean,return_std,return_min,return_max,episodes\n";
    let rows = [
        "0,12.5,3.25,8,17,25\n",
        "10000,250.125,40.5,120,330.75,25\n",
        "20000,nan,nan,inf,-inf,25\n",
        "30000,1e-300,0,-1e300,1e300,1\n",
    ];
    vec![
        header.as_bytes().to_vec(),
        format!("{header}{}", rows[0]).into_bytes(),
        format!("{header}{}", rows.concat()).into_bytes(),
        format!("{header}{}\n\n{}", rows[1], rows[3]).into_bytes(),
    ]
}

/// One file per property (the properties run on parallel threads).
fn file(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "rfm_fuzz_plot_csv_{}_{tag}.csv",
        std::process::id()
    ))
}

fn check(tag: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = file(tag);
    std::fs::write(&path, bytes).unwrap();
    match read_csv(&path) {
        Ok((header, rows)) => {
            for r in &rows {
                prop_assert_eq!(r.len(), header.len());
            }
        }
        Err(msg) => prop_assert!(msg.contains(&path.display().to_string()), "{}", msg),
    }
    Ok(())
}

proptest! {
    #![proptest_config(seeded::fuzz_cases(300))]

    #[test]
    fn fuzz_plot_csv_mutations_never_panic(bytes in mutate::mutated(valid_files())) {
        check("mutated", &bytes)?;
    }

    #[test]
    fn fuzz_plot_csv_random_bytes_never_panic(bytes in mutate::random_bytes()) {
        check("random", &bytes)?;
    }
}
