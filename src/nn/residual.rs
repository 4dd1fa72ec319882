//! The residual block `x + act(x·W + b)` (`W` square) and the residual MLP built from it,
//! the authors' velocity-net trunk: `Dense(in → width) → act → blocks × (x + act(Dense(x)))
//! → Dense(width → out)` (GELU, width 256, 2 blocks in their code).
//!
//! Tape forward for training; tape-free inference into a reusable workspace for flow sampling
//! (e.g. 8192 rows × 10 Euler steps) and acting.

use super::activation::with_activation_fn;
use super::linear::{PAR_MIN_ELEMS, add_bias_act};
use super::{Activation, Init, Linear, ParamVars, Params};
use crate::Scalar;
use crate::autodiff::{Tape, Var};
use crate::linalg::Scratch;
use crate::linalg::dense_matmul;
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, Zip};
use rand::Rng;

/// `x + act(x·W + b)` with a `width × width` dense layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Residual {
    dense: Linear,
    activation: Activation,
}

impl Residual {
    /// Registers `{name}.w` and `{name}.b` (`width × width`, `1 × width`).
    ///
    /// # Panics
    /// If a name is taken or `width` is zero.
    #[track_caller]
    pub fn new<T: Scalar, R: Rng + ?Sized>(
        params: &mut Params<T>,
        name: &str,
        width: usize,
        activation: Activation,
        init: Init,
        rng: &mut R,
    ) -> Self {
        Self {
            dense: Linear::new(params, name, width, width, init, rng),
            activation,
        }
    }

    /// The dense layer.
    pub fn dense(&self) -> Linear {
        self.dense
    }

    /// `x + act(x·W + b)` on the tape.
    ///
    /// # Panics
    /// If `x` does not have `width` columns.
    #[track_caller]
    pub fn forward<T: Scalar>(&self, tape: &mut Tape<T>, vars: &ParamVars, x: Var) -> Var {
        let h = self.dense.forward_act(tape, vars, x, self.activation);
        tape.add(x, h)
    }
}

/// `Dense → act → residual blocks → Dense`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResMlp {
    input: Linear,
    blocks: Vec<Residual>,
    output: Linear,
    activation: Activation,
}

impl ResMlp {
    /// Registers `{name}.in`, `{name}.res0`, … `{name}.out` in `params`.
    ///
    /// # Panics
    /// If a size is zero or a name is taken.
    #[allow(clippy::too_many_arguments)]
    #[track_caller]
    pub fn new<T: Scalar, R: Rng + ?Sized>(
        params: &mut Params<T>,
        name: &str,
        in_dim: usize,
        width: usize,
        blocks: usize,
        out_dim: usize,
        activation: Activation,
        init: Init,
        rng: &mut R,
    ) -> Self {
        let input = Linear::new(params, &format!("{name}.in"), in_dim, width, init, rng);
        let blocks = (0..blocks)
            .map(|i| {
                Residual::new(
                    params,
                    &format!("{name}.res{i}"),
                    width,
                    activation,
                    init,
                    rng,
                )
            })
            .collect();
        let output = Linear::new(params, &format!("{name}.out"), width, out_dim, init, rng);
        Self {
            input,
            blocks,
            output,
            activation,
        }
    }

    /// Input width.
    pub fn in_dim(&self) -> usize {
        self.input.fan_in()
    }

    /// Output width.
    pub fn out_dim(&self) -> usize {
        self.output.fan_out()
    }

    /// Hidden width.
    pub fn width(&self) -> usize {
        self.input.fan_out()
    }

    /// The residual blocks.
    pub fn blocks(&self) -> &[Residual] {
        &self.blocks
    }

    /// The forward pass on the tape.
    ///
    /// # Panics
    /// If `x` does not have `in_dim` columns or `vars` is stale.
    #[track_caller]
    pub fn forward<T: Scalar>(&self, tape: &mut Tape<T>, vars: &ParamVars, x: Var) -> Var {
        let mut h = self.input.forward_act(tape, vars, x, self.activation);
        for block in &self.blocks {
            h = block.forward(tape, vars, h);
        }
        self.output.forward(tape, vars, h)
    }

    /// Tape-free inference into `ws` (the returned view borrows it); allocates nothing once `ws`
    /// has seen the largest batch.
    ///
    /// # Panics
    /// If `x` does not have `in_dim` columns or a parameter has the wrong shape.
    #[track_caller]
    pub fn infer<'w, T: Scalar>(
        &self,
        params: &Params<T>,
        x: ArrayView2<'_, T>,
        ws: &'w mut ResMlpWorkspace<T>,
    ) -> ArrayView2<'w, T> {
        assert_eq!(
            x.ncols(),
            self.in_dim(),
            "ResMlp input has {} columns, the net takes {}",
            x.ncols(),
            self.in_dim()
        );
        let (rows, width) = (x.nrows(), self.width());
        let act = self.activation;
        let ResMlpWorkspace {
            hidden,
            branch,
            out,
            wt,
        } = ws;
        let mut h = hidden.view_mut(rows, width);
        dense_matmul(x, params.get(self.input.weight()).view(), h.view_mut(), wt);
        add_bias_act(
            h.view_mut(),
            params.get(self.input.bias()).view(),
            act,
            None,
        );
        for block in &self.blocks {
            let d = block.dense;
            let mut z = branch.view_mut(rows, width);
            dense_matmul(h.view(), params.get(d.weight()).view(), z.view_mut(), wt);
            // Fused epilogue: h ← h + act(z + b), one pass.
            let b = params.get(d.bias()).view();
            with_activation_fn!(act, |f| residual_epilogue(h.view_mut(), z.view(), b, f));
        }
        let mut y = out.view_mut(rows, self.out_dim());
        dense_matmul(
            h.view(),
            params.get(self.output.weight()).view(),
            y.view_mut(),
            wt,
        );
        add_bias_act(
            y,
            params.get(self.output.bias()).view(),
            Activation::Identity,
            None,
        );
        out.view(rows, self.out_dim())
    }
}

/// Buffers of [`ResMlp::infer`].
#[derive(Clone, Debug, Default)]
pub struct ResMlpWorkspace<T> {
    hidden: Scratch<T>,
    branch: Scratch<T>,
    out: Scratch<T>,
    wt: Scratch<T>,
}

impl<T: Scalar> ResMlpWorkspace<T> {
    /// Empty buffers (they grow on first use).
    pub fn new() -> Self {
        Self {
            hidden: Scratch::default(),
            branch: Scratch::default(),
            out: Scratch::default(),
            wt: Scratch::default(),
        }
    }

    /// Total scalars held.
    pub fn capacity(&self) -> usize {
        self.hidden.capacity() + self.branch.capacity() + self.out.capacity() + self.wt.capacity()
    }
}

/// `h ← h + f(z + b)` row by row (parallel for large batches).
fn residual_epilogue<T: Scalar, F: Fn(T) -> T + Sync + Copy>(
    mut h: ArrayViewMut2<'_, T>,
    z: ArrayView2<'_, T>,
    bias: ArrayView2<'_, T>,
    f: F,
) {
    let b = bias.row(0);
    let row_fn = |mut hr: ArrayViewMut1<'_, T>, zr: ArrayView1<'_, T>| {
        Zip::from(&mut hr)
            .and(&zr)
            .and(&b)
            .for_each(|h, &z, &b| *h += f(z + b));
    };
    if h.len() >= PAR_MIN_ELEMS {
        Zip::from(h.rows_mut()).and(z.rows()).par_for_each(row_fn);
    } else {
        Zip::from(h.rows_mut()).and(z.rows()).for_each(row_fn);
    }
}
