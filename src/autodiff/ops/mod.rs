//! One file per primitive: its `Tape` method (forward, with the formula and `# Panics` in the
//! doc), its `backward`, and its unit tests.

pub(crate) mod add;
pub(crate) mod add_row;
pub(crate) mod add_scalar;
pub(crate) mod affine;
pub(crate) mod affine_relu;
pub(crate) mod concat_cols;
pub(crate) mod div;
pub(crate) mod exp;
pub(crate) mod gelu;
pub(crate) mod log;
pub mod log_sech2;
pub(crate) mod logsumexp;
pub(crate) mod matmul;
pub(crate) mod maximum;
pub(crate) mod mean;
pub mod minimum;
pub(crate) mod mish;
pub(crate) mod mul;
pub(crate) mod neg;
pub(crate) mod relu;
pub(crate) mod reshape;
pub(crate) mod scale;
pub(crate) mod sigmoid;
pub(crate) mod silu;
pub(crate) mod slice_cols;
pub(crate) mod softmax;
pub(crate) mod softplus;
pub(crate) mod sqrt;
pub(crate) mod square;
pub(crate) mod sub;
pub(crate) mod sum;
pub(crate) mod tanh;
