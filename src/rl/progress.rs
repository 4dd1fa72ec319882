//! The live progress display of `rfm train`: steps/s, ETA and the latest evaluation return.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar over environment steps (hidden when `visible` is false, e.g. in tests).
pub struct Progress {
    bar: ProgressBar,
    last_eval: Option<f64>,
    visible: bool,
}

impl Progress {
    /// A bar from `start` to `total` steps.
    pub fn new(total: u64, start: u64, visible: bool, label: &str) -> Self {
        let bar = ProgressBar::with_draw_target(
            Some(total),
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
        bar.set_position(start);
        bar.reset_eta();
        bar.set_message("eval —");
        Progress {
            bar,
            last_eval: None,
            visible,
        }
    }
    /// Moves the bar to `step`.
    pub fn set_step(&self, step: u64) {
        self.bar.set_position(step);
    }
    /// Records a new evaluation return, shown from now on.
    pub fn set_eval(&mut self, ret: f64) {
        self.last_eval = Some(ret);
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
    /// The latest evaluation return, if any.
    pub fn last_eval(&self) -> Option<f64> {
        self.last_eval
    }
}
