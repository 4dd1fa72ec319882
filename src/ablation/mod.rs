//! Ablations of the estimator family on a trained critic (`rfm ablate`, issue 12 item 4,
//! paper-notes/ablations.md): the relative error of the actor's regression target for every
//! member (fixed η, the plug-in coefficient per dimension, isotropic and full, and its
//! cross-fitted variant) and every K, per t bin, against a high-K reference on the same `x_t`.

pub mod cached_value;
pub mod measure;
pub mod member;
pub mod problem;
pub mod settings;
pub mod summary;

pub use member::{Member, STRUCTURES};
pub use problem::Problem;
pub use settings::{AblationError, AblationSettings};
pub use summary::{MeanSd, Summary, SummaryRow};
