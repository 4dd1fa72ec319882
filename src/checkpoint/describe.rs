//! What a checkpoint says about itself: the architecture of every network (built by the
//! networks' own `describe` methods from their parameter stores, so that shapes and names are
//! those of the tensors written), the task, the precision and the build.
//!
//! Stored as JSON in the metadata: `rfm_networks` (a list of [`NetworkDescription`], sorted by
//! tensor prefix), `rfm_task` ([`TaskDescription`]) and `rfm_build_commit`. Every weight is
//! stored `in × out` (a layer computes `y = x·W + b`, `b` of shape `1 × out`).

use serde::{Deserialize, Serialize};

use super::CheckpointWriter;
use crate::Scalar;
use crate::nn::block_dense::InputBlock;
use crate::nn::stack::{Layer, Stack};
use crate::nn::{Activation, ParamId, Params};
use rfm_envs::TaskId;

/// Metadata key of the network descriptions.
pub const NETWORKS_KEY: &str = "rfm_networks";
/// Metadata key of the task description.
pub const TASK_KEY: &str = "rfm_task";
/// Metadata key of the build's commit.
pub const COMMIT_KEY: &str = "rfm_build_commit";
/// Metadata key of what the file holds ([`Content`]).
pub const CONTENT_KEY: &str = "rfm_content";

/// What a checkpoint holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// A run's full resumable state (`checkpoint.safetensors`).
    State,
    /// An agent's networks only (`agent.safetensors`).
    Weights,
}

impl Content {
    /// The metadata spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Content::State => "state",
            Content::Weights => "weights",
        }
    }

    /// What `c` declares it holds, if it says.
    pub fn of(c: &super::Checkpoint) -> Option<Self> {
        match c.metadata(CONTENT_KEY)? {
            "state" => Some(Content::State),
            "weights" => Some(Content::Weights),
            _ => None,
        }
    }
}

/// How every weight matrix is stored.
pub const ORIENTATION: &str = "in×out: y = x·W + b, W of shape (in, out), b of shape (1, out)";

/// The family of a network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkKind {
    /// A critic `Q(s, a)`.
    Critic,
    /// The conditional field of the flow and diffusion policies.
    ConditionalField,
    /// SAC's tanh-squashed Gaussian actor (output: mean, then raw log σ).
    TanhGaussianActor,
}

/// One row block of a first layer's kernel: the rows that multiply one input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowBlock {
    /// Tensor key.
    pub tensor: String,
    /// The input these rows multiply (`"s"`, `"a"`, `"x_t"`, `"emb(t)"`, `"emb(lambda)"`).
    pub input: String,
    /// Rows (the input's width).
    pub rows: usize,
}

/// One dense layer after the first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DenseLayer {
    /// Kernel tensor key.
    pub weight: String,
    /// Bias tensor key.
    pub bias: String,
    /// Input width.
    pub inputs: usize,
    /// Output width.
    pub outputs: usize,
    /// Applied to `x·W + b` (`None` for the output layer).
    pub activation: Option<String>,
    /// `h ← h + act(h·W + b)` instead of `h ← act(h·W + b)`.
    pub residual: bool,
}

/// A sinusoidal embedding of a scalar input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmbeddingDescription {
    /// Width of each embedding.
    pub width: usize,
    /// The formula ([`crate::nn::embedding::SINUSOIDAL_FORMULA`]).
    pub formula: String,
    /// The fixed temperature λ the network is fed (`emb(lambda)`).
    pub lambda: f64,
}

/// The architecture of one network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkDescription {
    /// Tensor-key prefix (`"q1"`, `"actor"`); every key below starts with it.
    pub prefix: String,
    /// Family.
    pub kind: NetworkKind,
    /// Forward pass in one line.
    pub forward: String,
    /// Element type of the tensors (`"f32"`, `"f64"`).
    pub precision: String,
    /// How weights are stored ([`ORIENTATION`]).
    pub orientation: String,
    /// First layer: the kernel's row blocks in concatenation order.
    pub first_layer: Vec<RowBlock>,
    /// First layer's bias key.
    pub first_bias: String,
    /// Activation after the first layer.
    pub first_activation: String,
    /// The layers after the first, in order (the last is the output layer).
    pub layers: Vec<DenseLayer>,
    /// Embeddings of scalar inputs, if any.
    pub embedding: Option<EmbeddingDescription>,
}

/// The task a checkpoint was trained on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskDescription {
    /// CLI name.
    pub name: String,
    /// Version of dynamics and reward.
    pub version: u32,
    /// Observation blocks `(key, size)` in flattening order.
    pub observation: Vec<(String, usize)>,
    /// Actuator names, one per action dimension (actions in [−1, 1]).
    pub action: Vec<String>,
}

impl TaskDescription {
    /// From the task's static specification.
    pub fn of(task: TaskId) -> Self {
        let spec = task.spec();
        TaskDescription {
            name: spec.name.to_owned(),
            version: spec.version,
            observation: spec
                .observation
                .iter()
                .map(|f| (f.name.to_owned(), f.size))
                .collect(),
            action: spec.action.iter().map(|a| (*a).to_owned()).collect(),
        }
    }
}

/// Adds the task and the build's commit to `w` (the networks add themselves when saved).
pub fn describe_run(w: &mut CheckpointWriter, task: TaskId) {
    let json = serde_json::to_string(&TaskDescription::of(task)).expect("task serialises");
    w.metadata(TASK_KEY, json)
        .metadata(COMMIT_KEY, crate::run::record::GIT_COMMIT);
}

/// Describes a network from its one architecture description ([`Stack`]) and the store its
/// tensors are written from, so that the description cannot disagree with the network run.
pub struct Describer<'a, T: Scalar> {
    prefix: &'a str,
    params: &'a Params<T>,
}

impl<'a, T: Scalar> Describer<'a, T> {
    /// Describes tensors of `params` stored under `prefix`.
    pub fn new(prefix: &'a str, params: &'a Params<T>) -> Self {
        Describer { prefix, params }
    }

    /// The tensor key of `id`.
    pub fn key(&self, id: ParamId) -> String {
        super::tensor_key(self.prefix, self.params.name(id))
    }

    /// The description of `stack`: its first layer's row blocks, its trunk and output layer,
    /// with the family `kind`, the one-line `forward` and the embedding, if any.
    pub fn stack(
        &self,
        stack: &Stack,
        kind: NetworkKind,
        forward: String,
        embedding: Option<EmbeddingDescription>,
    ) -> NetworkDescription {
        let first_layer = stack
            .first
            .blocks
            .iter()
            .map(|b| self.block(b.weight, input_name(b.input)))
            .collect();
        let mut layers: Vec<_> = stack
            .trunk
            .iter()
            .map(|l| {
                let (w, b, act) = l.parts();
                self.dense((w, b), Some(act), matches!(l, Layer::Residual { .. }))
            })
            .collect();
        layers.push(self.dense(stack.output, None, false));
        NetworkDescription {
            prefix: self.prefix.to_owned(),
            kind,
            forward,
            precision: T::NAME.to_owned(),
            orientation: ORIENTATION.to_owned(),
            first_layer,
            first_bias: self.key(stack.first.bias),
            first_activation: activation_name(stack.activation),
            layers,
            embedding,
        }
    }

    fn block(&self, id: ParamId, input: &str) -> RowBlock {
        RowBlock {
            tensor: self.key(id),
            input: input.to_owned(),
            rows: self.params.get(id).nrows(),
        }
    }

    fn dense(
        &self,
        (w, b): (ParamId, ParamId),
        activation: Option<Activation>,
        residual: bool,
    ) -> DenseLayer {
        let dim = self.params.get(w).dim();
        DenseLayer {
            weight: self.key(w),
            bias: self.key(b),
            inputs: dim.0,
            outputs: dim.1,
            activation: activation.map(activation_name),
            residual,
        }
    }
}

/// How a first-layer input is named in descriptions ([`RowBlock::input`]).
pub fn input_name(input: InputBlock) -> &'static str {
    match input {
        InputBlock::Obs => "s",
        InputBlock::Action => "a",
        InputBlock::Latent => "x_t",
        InputBlock::TimeEmbedding => "emb(t)",
        InputBlock::TemperatureEmbedding => "emb(lambda)",
    }
}

/// Lower-case name of an activation (`"relu"`, `"gelu_tanh"` for the tanh approximation).
pub fn activation_name(a: Activation) -> String {
    match a {
        Activation::Relu => "relu",
        Activation::Gelu => "gelu_tanh",
        Activation::Silu => "silu",
        Activation::Mish => "mish",
        Activation::Tanh => "tanh",
        Activation::Identity => "identity",
    }
    .to_owned()
}
