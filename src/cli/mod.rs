//! Subcommands of the `rfm` binary, one file each, and what they show: the terminal plot,
//! the SVG learning curves and the progress bar.

pub mod ablate;
pub mod ablate_plot;
pub mod ablate_states;
pub mod ascii_plot;
pub mod audit;
pub mod curve_svg;
pub mod envs;
pub mod eval;
pub mod inspect;
pub mod plot;
pub mod progress;
pub mod render;
pub mod report;
pub mod report_figures;
pub mod selfcheck;
pub mod sweep;
pub mod toy;
pub mod toy_plot;
pub mod train;
