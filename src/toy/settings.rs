//! The settings of `rfm toy two-moons`, with one validation that names the bad value.

use serde::Serialize;

use super::method::ToyMethod;
use super::train::ToyTraining;

/// Everything the experiment reads.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ToySettings {
    /// Seeds `0..seeds`. Default 5.
    pub seeds: usize,
    /// Methods to train. Default all three.
    pub methods: Vec<ToyMethod>,
    /// Sampling steps swept for every method. Default 5, 10, 20, 50, 100.
    pub sampling_steps: Vec<usize>,
    /// Samples per set for the distances (model and exact). Default 300.
    pub eval_samples: usize,
    /// Centres per moon of the target. Default 8.
    pub centres_per_moon: usize,
    /// Component standard deviation σ of the target. Default 0.1.
    pub target_sigma: f64,
    /// Directions of the sliced Wasserstein distance. Default 64.
    pub projections: usize,
    /// ε of the Sinkhorn divergence (squared-Euclidean cost units). Default 0.5.
    pub sinkhorn_epsilon: f64,
    /// Stopping tolerance of the Sinkhorn sweeps: the plan's marginal violation `‖π1 − a‖₁`
    /// (each OT term is then within `(max C − min C)` times it). Default 1e-3.
    pub sinkhorn_tolerance: f64,
    /// Worker threads (seed × method jobs run in parallel). Default 2.
    pub threads: usize,
    /// The shared training budget.
    pub training: ToyTraining,
}

impl Default for ToySettings {
    fn default() -> Self {
        Self {
            seeds: 5,
            methods: ToyMethod::ALL.to_vec(),
            sampling_steps: vec![5, 10, 20, 50, 100],
            eval_samples: 300,
            centres_per_moon: 8,
            target_sigma: 0.1,
            projections: 64,
            sinkhorn_epsilon: 0.5,
            sinkhorn_tolerance: 1e-3,
            threads: 2,
            training: ToyTraining::default(),
        }
    }
}

/// A setting outside its allowed range.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ToyError {
    /// A count below its minimum.
    #[error("--{name} = {value} is too small: it must be at least {min}")]
    TooSmall {
        /// The flag.
        name: &'static str,
        /// The value given.
        value: usize,
        /// The smallest allowed value.
        min: usize,
    },
    /// A real number outside its range.
    #[error("--{name} = {value} is not allowed: it must be {allowed}")]
    OutOfRange {
        /// The flag.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The allowed range, in words.
        allowed: &'static str,
    },
    /// An empty list.
    #[error("--{name} is empty: give at least one value")]
    Empty {
        /// The flag.
        name: &'static str,
    },
}

impl ToySettings {
    /// Checks every setting.
    ///
    /// # Errors
    /// The first setting outside its range.
    pub fn validate(&self) -> Result<(), ToyError> {
        let t = &self.training;
        let counts = [
            ("seeds", self.seeds, 1),
            ("eval-samples", self.eval_samples, 2),
            ("centres-per-moon", self.centres_per_moon, 2),
            ("projections", self.projections, 1),
            ("threads", self.threads, 1),
            ("steps", t.gradient_steps, 1),
            ("batch", t.batch, 1),
            ("k", t.samples_per_state, 1),
            ("hidden", t.hidden, 1),
            ("embed-dim", t.embed_dim, 2),
        ];
        for (name, value, min) in counts {
            if value < min {
                return Err(ToyError::TooSmall { name, value, min });
            }
        }
        if self.methods.is_empty() {
            return Err(ToyError::Empty { name: "methods" });
        }
        if self.sampling_steps.is_empty() {
            return Err(ToyError::Empty {
                name: "sampling-steps",
            });
        }
        if let Some(&s) = self.sampling_steps.iter().find(|&&s| s == 0) {
            return Err(ToyError::TooSmall {
                name: "sampling-steps",
                value: s,
                min: 1,
            });
        }
        let positive = "positive and finite";
        let reals = [
            ("target-sigma", self.target_sigma),
            ("sinkhorn-epsilon", self.sinkhorn_epsilon),
            ("sinkhorn-tolerance", self.sinkhorn_tolerance),
            ("lr", t.learning_rate),
            ("proposal-std", t.proposal_std),
        ];
        for (name, value) in reals {
            if !(value > 0.0 && value.is_finite()) {
                return Err(ToyError::OutOfRange {
                    name,
                    value,
                    allowed: positive,
                });
            }
        }
        if !(t.max_grad_norm >= 0.0 && t.max_grad_norm.is_finite()) {
            return Err(ToyError::OutOfRange {
                name: "max-grad-norm",
                value: t.max_grad_norm,
                allowed: "finite and ≥ 0 (0 disables the clip)",
            });
        }
        if !(t.t_min > 0.0 && t.t_min < 0.5) {
            return Err(ToyError::OutOfRange {
                name: "t-min",
                value: t.t_min,
                allowed: "in the open interval (0, 0.5)",
            });
        }
        Ok(())
    }
}
