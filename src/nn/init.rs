//! Weight and bias initialisations for dense layers (weights `in × out`, biases `1 × out`).
//!
//! These are framework conventions, not paper equations:
//! - [`Init::Orthogonal`]: `jax.nn.initializers.orthogonal(gain)` with zero biases, as the
//!   authors' Flax code builds every dense layer (`kernel_init=orthogonal(sqrt(2))`,
//!   `bias_init=zeros`). Draw `A ~ N(0, 1)` of shape `max(in,out) × min(in,out)`, take the QR
//!   factor `Q` with `diag(R) > 0`, transpose it when `in < out`, multiply by `gain`. Hence
//!   `WᵀW = gain²·I` when `in ≥ out` and `WWᵀ = gain²·I` when `in < out`.
//! - [`Init::TorchDefault`]: PyTorch's `nn.Linear.reset_parameters`: `kaiming_uniform_(a=√5)`
//!   for the weight, i.e. `U(±gain·√(3/fan_in))` with `gain = √(2/(1+a²)) = √(1/3)`, which is
//!   `U(±1/√fan_in)`; the bias is `U(±1/√fan_in)` too.
//! - [`Init::XavierUniform`]: Glorot uniform `U(±gain·√(6/(fan_in+fan_out)))`, zero biases.
//!
//! All draws are made in f64 from the caller's RNG, then rounded to `T`, so f32 and f64 models
//! built from the same seed agree to f32 rounding.

use crate::Scalar;
use ndarray::Array2;
use rand::Rng;
use rand_distr::StandardNormal;

/// The gain the authors pass to the orthogonal initialiser (`√2`, the ReLU gain).
pub const ORTHOGONAL_GAIN_DEFAULT: f64 = std::f64::consts::SQRT_2;

/// How a dense layer's weight and bias are initialised.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// Orthogonal weight times `gain`, zero bias (authors' Flax convention; gain `√2` there).
    Orthogonal {
        /// Multiplier of the orthogonal matrix.
        gain: f64,
    },
    /// PyTorch `nn.Linear` default: weight and bias `U(±1/√fan_in)`.
    TorchDefault,
    /// Glorot/Xavier uniform weight times `gain`, zero bias.
    XavierUniform {
        /// Multiplier of the bound (1 for the plain Glorot initialiser).
        gain: f64,
    },
}

impl Default for Init {
    /// The authors' choice: orthogonal with gain `√2`.
    fn default() -> Self {
        Init::Orthogonal {
            gain: ORTHOGONAL_GAIN_DEFAULT,
        }
    }
}

impl Init {
    /// A `fan_in × fan_out` weight matrix.
    ///
    /// # Panics
    /// If `fan_in` or `fan_out` is zero.
    #[track_caller]
    pub fn weight<T: Scalar, R: Rng + ?Sized>(
        &self,
        fan_in: usize,
        fan_out: usize,
        rng: &mut R,
    ) -> Array2<T> {
        assert!(
            fan_in > 0 && fan_out > 0,
            "a dense layer needs fan_in > 0 and fan_out > 0, got {fan_in} × {fan_out}"
        );
        let w = match *self {
            Init::Orthogonal { gain } => orthogonal(fan_in, fan_out, gain, rng),
            Init::TorchDefault => uniform(fan_in, fan_out, 1.0 / (fan_in as f64).sqrt(), rng),
            Init::XavierUniform { gain } => {
                let bound = gain * (6.0 / (fan_in + fan_out) as f64).sqrt();
                uniform(fan_in, fan_out, bound, rng)
            }
        };
        w.mapv(T::from_f64)
    }

    /// A `1 × fan_out` bias row.
    ///
    /// # Panics
    /// If `fan_in` or `fan_out` is zero.
    #[track_caller]
    pub fn bias<T: Scalar, R: Rng + ?Sized>(
        &self,
        fan_in: usize,
        fan_out: usize,
        rng: &mut R,
    ) -> Array2<T> {
        assert!(
            fan_in > 0 && fan_out > 0,
            "a dense layer needs fan_in > 0 and fan_out > 0, got {fan_in} × {fan_out}"
        );
        match *self {
            Init::Orthogonal { .. } | Init::XavierUniform { .. } => Array2::zeros((1, fan_out)),
            Init::TorchDefault => {
                uniform(1, fan_out, 1.0 / (fan_in as f64).sqrt(), rng).mapv(T::from_f64)
            }
        }
    }
}

/// `rows × cols` with entries `U(−bound, bound)`.
fn uniform<R: Rng + ?Sized>(rows: usize, cols: usize, bound: f64, rng: &mut R) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, cols), || bound * (2.0 * rng.random::<f64>() - 1.0))
}

/// `jax.nn.initializers.orthogonal` for a `rows × cols` matrix, in f64.
fn orthogonal<R: Rng + ?Sized>(rows: usize, cols: usize, gain: f64, rng: &mut R) -> Array2<f64> {
    let (tall, short) = (rows.max(cols), rows.min(cols));
    // Aᵀ (short × tall): its rows are the columns of the Gaussian matrix A, contiguous in memory.
    let a_t = Array2::from_shape_simple_fn((short, tall), || rng.sample::<f64, _>(StandardNormal));
    let q_t = orthonormal_rows(a_t);
    let q = if rows < cols {
        q_t
    } else {
        q_t.reversed_axes()
    };
    q.as_standard_layout().mapv(|x| gain * x)
}

/// Given `Aᵀ`, returns `Qᵀ` where `A = QR` is the thin QR decomposition with `diag(R) > 0`
/// (unique for full column rank, and the same `Q` as Householder QR followed by the sign fix
/// `Q·sign(diag R)` that JAX applies). Modified Gram–Schmidt applied twice, which keeps
/// `QᵀQ = I` to a few ulps ("twice is enough", Giraud et al. 2005). A Gaussian matrix has full
/// column rank almost surely.
fn orthonormal_rows(mut a_t: Array2<f64>) -> Array2<f64> {
    let k = a_t.nrows();
    for j in 0..k {
        let (done, mut rest) = a_t.view_mut().split_at(ndarray::Axis(0), j);
        let mut row = rest.row_mut(0);
        for _pass in 0..2 {
            for qi in done.rows() {
                let proj = qi.dot(&row);
                row.scaled_add(-proj, &qi);
            }
        }
        let norm = row.dot(&row).sqrt();
        row.mapv_inplace(|x| x / norm);
    }
    a_t
}
