//! The typed settings of a training run, the algorithms' defaults and presets, and the one
//! check every source of settings (defaults, TOML file, CLI) goes through.
//!
//! - [`settings`]: [`TrainConfig`], one struct per part, `Default` = the authors' rfm run.
//! - [`algo`]: the [`Algo`] and [`Preset`] choices; [`presets`]: what each sets.
//! - [`coefficient`]: the typed control-variate choice.
//! - [`check`]: TOML overlay with `deny_unknown_fields`, range checks, [`ConfigError`].
//! - [`source`]: reading a config file (regular file, size limit), error places, cut values.
//! - [`memory`]: the memory a run needs, and the refusal of one that cannot fit.

pub mod algo;
pub mod check;
pub mod coefficient;
pub mod memory;
pub mod presets;
pub mod settings;
pub mod source;

pub use algo::{Algo, Preset};
pub use check::ConfigError;
pub use coefficient::{Coefficient, Pooling};
pub use settings::TrainConfig;
