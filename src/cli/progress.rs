//! The live progress display of `rfm train`: steps/s, ETA and the latest evaluation return.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rfm::rl::evaluate::EvalResult;
use rfm::rl::observer::Observer;

/// A progress bar over environment steps (hidden when `visible` is false, e.g. in tests).
pub struct Progress {
    bar: ProgressBar,
    visible: bool,
}

impl Progress {
    /// A bar labelled `label`; its length and start come with [`Observer::start`].
    pub fn new(visible: bool, label: &str) -> Self {
        let bar = ProgressBar::with_draw_target(
            None,
            if visible {
                ProgressDrawTarget::stderr_with_hz(4)
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix} [{elapsed_precise}] {wide_bar:.cyan/blue} {pos}/{len} | {per_sec} | ETA {eta} | {msg}",
            )
            .expect("valid template")
            .progress_chars("█▉▊▋▌▍▎▏ "),
        );
        bar.set_prefix(label.to_string());
        bar.set_message("eval —");
        Progress { bar, visible }
    }
    /// Moves the bar to `step`.
    pub fn set_step(&self, step: u64) {
        self.bar.set_position(step);
    }
    /// Records a new evaluation return, shown from now on.
    pub fn set_eval(&self, ret: f64) {
        self.bar.set_message(format!("eval {ret:.1}"));
    }
    /// Prints a line above the bar (to stderr as a plain line when stderr is not a terminal).
    pub fn println(&self, line: &str) {
        if !self.visible {
            return;
        }
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }
    /// Finishes the bar, leaving it on screen.
    pub fn finish(&self) {
        self.bar.finish();
    }
}

impl Observer for Progress {
    fn start(&mut self, step: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(step);
        self.bar.reset_eta();
    }

    fn step(&mut self, step: u64) {
        self.set_step(step);
    }

    fn eval(&mut self, step: u64, result: &EvalResult) {
        self.set_eval(result.mean());
        self.println(&format!(
            "step {step:>8}: eval return {:.1} ± {:.1}",
            result.mean(),
            result.std()
        ));
    }

    fn finish(&mut self) {
        Progress::finish(self);
    }
}
