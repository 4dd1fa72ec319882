//! iDEM / DQS checks (filled in once the autodiff tape lands).

use super::case::Case;
use super::report::CheckOutcome;

/// The η = 1 ≡ iDEM/DQS checks.
pub fn idem_checks(_case: &Case) -> Vec<CheckOutcome> {
    Vec::new()
}
