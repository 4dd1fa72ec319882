//! The dense layer `y = x·W + b` (`W` is `in × out`, `b` is `1 × out`), with its activation
//! applied on the tape and in the fast paths.

use super::activation::with_activation_fn;
use super::{Activation, Init, ParamId, ParamVars, Params};
use crate::Scalar;
use crate::autodiff::{Tape, Var};
use crate::linalg::gemm;
use ndarray::{ArrayView2, ArrayViewMut1, ArrayViewMut2, Zip};
use rand::Rng;

/// Handles to a dense layer's weight and bias in a [`Params`] store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Linear {
    weight: ParamId,
    bias: ParamId,
    fan_in: usize,
    fan_out: usize,
}

impl Linear {
    /// Registers `{name}.w` (`fan_in × fan_out`) and `{name}.b` (`1 × fan_out`) in `params`.
    ///
    /// # Panics
    /// If a name is taken or a fan is zero.
    #[track_caller]
    pub fn new<T: Scalar, R: Rng + ?Sized>(
        params: &mut Params<T>,
        name: &str,
        fan_in: usize,
        fan_out: usize,
        init: Init,
        rng: &mut R,
    ) -> Self {
        let w = init.weight(fan_in, fan_out, rng);
        let b = init.bias(fan_in, fan_out, rng);
        Self {
            weight: params.push(format!("{name}.w"), w),
            bias: params.push(format!("{name}.b"), b),
            fan_in,
            fan_out,
        }
    }

    /// The weight's id.
    pub fn weight(&self) -> ParamId {
        self.weight
    }

    /// The bias's id.
    pub fn bias(&self) -> ParamId {
        self.bias
    }

    /// Input width.
    pub fn fan_in(&self) -> usize {
        self.fan_in
    }

    /// Output width.
    pub fn fan_out(&self) -> usize {
        self.fan_out
    }

    /// `x·W + b` on the tape.
    ///
    /// # Panics
    /// If `x` does not have `fan_in` columns.
    #[track_caller]
    pub fn forward<T: Scalar>(&self, tape: &mut Tape<T>, vars: &ParamVars, x: Var) -> Var {
        tape.affine(x, vars.get(self.weight), vars.get(self.bias))
    }

    /// `act(x·W + b)` on the tape (ReLU uses the fused `affine_relu` primitive).
    ///
    /// # Panics
    /// If `x` does not have `fan_in` columns.
    #[track_caller]
    pub fn forward_act<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        vars: &ParamVars,
        x: Var,
        act: Activation,
    ) -> Var {
        let (w, b) = (vars.get(self.weight), vars.get(self.bias));
        match act {
            Activation::Relu => tape.affine_relu(x, w, b),
            other => {
                let z = tape.affine(x, w, b);
                other.on_tape(tape, z)
            }
        }
    }

    /// Tape-free `out ← x·W + b`.
    ///
    /// # Panics
    /// If `x` is not `m × fan_in` or `out` is not `m × fan_out`.
    #[track_caller]
    pub fn forward_into<T: Scalar>(
        &self,
        params: &Params<T>,
        x: ArrayView2<'_, T>,
        mut out: ArrayViewMut2<'_, T>,
    ) {
        gemm(
            T::one(),
            x,
            params.get(self.weight).view(),
            T::zero(),
            out.view_mut(),
        );
        add_bias_act(
            out,
            params.get(self.bias).view(),
            Activation::Identity,
            None,
        );
    }
}

pub(crate) use crate::linalg::PAR_MIN_ELEMS;

/// The fused epilogue of a dense layer, one pass over the GEMM output `z` (parallel over rows
/// for large batches).
///
/// With `post = Some(h)`: `z` keeps the pre-activation `z + b` and `h` receives `act(z + b)`.
/// With `post = None`: `z` is overwritten by `act(z + b)`.
pub(crate) fn add_bias_act<T: Scalar>(
    z: ArrayViewMut2<'_, T>,
    bias: ArrayView2<'_, T>,
    act: Activation,
    post: Option<ArrayViewMut2<'_, T>>,
) {
    with_activation_fn!(act, |f| epilogue(z, bias, post, f))
}

fn epilogue<T: Scalar, F: Fn(T) -> T + Sync + Copy>(
    mut z: ArrayViewMut2<'_, T>,
    bias: ArrayView2<'_, T>,
    post: Option<ArrayViewMut2<'_, T>>,
    f: F,
) {
    let b = bias.row(0);
    let parallel = z.len() >= PAR_MIN_ELEMS;
    match post {
        None => {
            let row_fn = |mut row: ArrayViewMut1<'_, T>| {
                Zip::from(&mut row).and(&b).for_each(|z, &b| *z = f(*z + b));
            };
            if parallel {
                Zip::from(z.rows_mut()).par_for_each(row_fn);
            } else {
                z.rows_mut().into_iter().for_each(row_fn);
            }
        }
        Some(mut h) => {
            let row_fn = |mut zr: ArrayViewMut1<'_, T>, mut hr: ArrayViewMut1<'_, T>| {
                Zip::from(&mut zr)
                    .and(&mut hr)
                    .and(&b)
                    .for_each(|z, h, &b| {
                        *z += b;
                        *h = f(*z);
                    });
            };
            if parallel {
                Zip::from(z.rows_mut())
                    .and(h.rows_mut())
                    .par_for_each(row_fn);
            } else {
                Zip::from(z.rows_mut()).and(h.rows_mut()).for_each(row_fn);
            }
        }
    }
}
