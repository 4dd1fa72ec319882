//! What the training loop reports while it runs: the CLI shows it as a progress bar, tests
//! and sweeps ignore it. The loop's results never depend on the observer.

use super::evaluate::EvalResult;

/// Receives the loop's progress; every method defaults to doing nothing.
pub trait Observer {
    /// The loop starts (or resumes) at env step `step` of `total`.
    fn start(&mut self, _step: u64, _total: u64) {}
    /// `step` env steps are done.
    fn step(&mut self, _step: u64) {}
    /// The evaluation at env step `step` finished with `result`.
    fn eval(&mut self, _step: u64, _result: &EvalResult) {}
    /// The loop reached its last step (not called when halted).
    fn finish(&mut self) {}
}

/// Reports nothing.
impl Observer for () {}
