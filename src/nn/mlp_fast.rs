//! Tape-free fast paths of an [`Mlp`] into preallocated buffers: inference (flow sampling,
//! acting), the input gradient `∇ₓ⟨G, f(x)⟩` (the critic's `∇ₐQ`, RFM's hot path) and a fused
//! backward with parameter gradients (the training step without a tape).
//!
//! Each layer is one GEMM (`matrixmultiply`, both cores) into a workspace buffer followed by one
//! fused pass `z + b → act` (parallel over rows for large batches). For ReLU, tanh and identity
//! the activation is applied in place (their derivative is a function of the output), otherwise
//! the pre-activation is kept for the backward. After the first call at the largest batch, no
//! call allocates.

use super::activation::with_activation_derivative;
use super::linear::{PAR_MIN_ELEMS, add_bias_act};
use super::{Activation, Mlp, Params};
use crate::Scalar;
use crate::linalg::Scratch;
use crate::linalg::dense_matmul;
use crate::linalg::gemm;
use crate::linalg::narrow::{SMALL_N, matmul_nt_small_n, matmul_rowcomb};
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, Zip, s};
use std::ops::Range;

/// Buffers of the fast paths; reusable across calls and batch sizes (grows to the largest).
#[derive(Clone, Debug, Default)]
pub struct MlpWorkspace<T> {
    /// Batch size of the last forward pass.
    rows: usize,
    /// Layer widths of the last forward pass (to catch a workspace used with another net).
    widths: Vec<usize>,
    /// Per layer: the GEMM output; for hidden layers after the epilogue either `act(z)` (in
    /// place) or `z` (when the derivative needs it); for the last layer the network output.
    z: Vec<Scratch<T>>,
    /// Per hidden layer: `act(z)` when it is not stored in `z`.
    h: Vec<Scratch<T>>,
    /// Ping-pong cotangent buffers of the backward pass.
    g: [Scratch<T>; 2],
    /// `Wᵀ` of a narrow layer, for the small-dimension kernels.
    wt: Scratch<T>,
}

impl<T: Scalar> MlpWorkspace<T> {
    /// Empty buffers (they grow on first use).
    pub fn new() -> Self {
        Self {
            rows: 0,
            widths: Vec::new(),
            z: Vec::new(),
            h: Vec::new(),
            g: [Scratch::default(), Scratch::default()],
            wt: Scratch::default(),
        }
    }

    /// Total scalars held (diagnostic for the no-allocation property).
    pub fn capacity(&self) -> usize {
        self.z
            .iter()
            .chain(&self.h)
            .chain(&self.g)
            .chain(std::iter::once(&self.wt))
            .map(Scratch::capacity)
            .sum()
    }
}

impl Mlp {
    fn widths(&self) -> Vec<usize> {
        std::iter::once(self.in_dim())
            .chain(self.layers().iter().map(|l| l.fan_out()))
            .collect()
    }

    /// Inference: the network output for the rows of `x`, computed into `ws` (the returned view
    /// borrows it). Also records what [`Mlp::input_grad`] and [`Mlp::backward_fast`] need.
    ///
    /// # Panics
    /// If `x` does not have `in_dim` columns or a parameter has the wrong shape.
    #[track_caller]
    pub fn forward_fast<'w, T: Scalar>(
        &self,
        params: &Params<T>,
        x: ArrayView2<'_, T>,
        ws: &'w mut MlpWorkspace<T>,
    ) -> ArrayView2<'w, T> {
        assert_eq!(
            x.ncols(),
            self.in_dim(),
            "MLP input has {} columns, the net takes {}",
            x.ncols(),
            self.in_dim()
        );
        let rows = x.nrows();
        let n = self.layers().len();
        ws.rows = rows;
        if ws.widths.len() != n + 1 {
            ws.widths = self.widths();
        } else {
            for (dst, src) in ws.widths.iter_mut().zip(self.widths()) {
                *dst = src;
            }
        }
        ws.z.resize_with(n, Scratch::default);
        ws.h.resize_with(n.saturating_sub(1), Scratch::default);
        let act = self.activation();
        let in_place = act.derivative_from_output();
        let MlpWorkspace {
            z: zs, h: hs, wt, ..
        } = ws;
        for (i, layer) in self.layers().iter().enumerate() {
            let (done_z, rest_z) = zs.split_at_mut(i);
            let input = if i == 0 {
                x
            } else if in_place {
                done_z[i - 1].view(rows, layer.fan_in())
            } else {
                hs[i - 1].view(rows, layer.fan_in())
            };
            let mut z = rest_z[0].view_mut(rows, layer.fan_out());
            let w = params.get(layer.weight()).view();
            dense_matmul(input, w, z.view_mut(), wt);
            let bias = params.get(layer.bias()).view();
            if i + 1 == n {
                add_bias_act(z, bias, Activation::Identity, None);
            } else if in_place {
                add_bias_act(z, bias, act, None);
            } else {
                let h = hs[i].view_mut(rows, layer.fan_out());
                add_bias_act(z, bias, act, Some(h));
            }
        }
        ws.z[n - 1].view(rows, self.out_dim())
    }

    /// `∂⟨d_out, f(x)⟩/∂x[:, cols]` for the `x` of the last [`Mlp::forward_fast`] with `ws`:
    /// the vector–Jacobian product with respect to the input columns `cols` (e.g. the action
    /// columns of a critic's `[obs, action]` input), written into `dx` (`rows × cols.len()`).
    /// No parameter gradient is formed. For a critic, `d_out` = ones gives `∇ₐQ` row by row.
    ///
    /// # Panics
    /// If `ws` does not hold a forward pass of this net at `d_out.nrows()` rows, or the shapes
    /// of `d_out`, `cols` or `dx` do not fit.
    #[track_caller]
    pub fn input_grad<T: Scalar>(
        &self,
        params: &Params<T>,
        ws: &mut MlpWorkspace<T>,
        d_out: ArrayView2<'_, T>,
        cols: Range<usize>,
        dx: ArrayViewMut2<'_, T>,
    ) {
        self.backward_impl(params, ws, None, d_out, cols, Some(dx), None);
    }

    /// The fused backward of the last [`Mlp::forward_fast`] on input `x` (pass the same `x`):
    /// writes `∂⟨d_out, f(x)⟩/∂θ` into this net's entries of `grads` (a store with the layout of
    /// `params`; other entries are untouched).
    ///
    /// # Panics
    /// If `ws` does not hold a forward pass of this net on `x`'s shape, or shapes do not fit.
    #[track_caller]
    pub fn backward_fast<T: Scalar>(
        &self,
        params: &Params<T>,
        ws: &mut MlpWorkspace<T>,
        x: ArrayView2<'_, T>,
        d_out: ArrayView2<'_, T>,
        grads: &mut Params<T>,
    ) {
        let cols = 0..self.in_dim();
        self.backward_impl(params, ws, Some(x), d_out, cols, None, Some(grads));
    }

    #[allow(clippy::too_many_arguments)]
    #[track_caller]
    fn backward_impl<T: Scalar>(
        &self,
        params: &Params<T>,
        ws: &mut MlpWorkspace<T>,
        x: Option<ArrayView2<'_, T>>,
        d_out: ArrayView2<'_, T>,
        cols: Range<usize>,
        mut dx: Option<ArrayViewMut2<'_, T>>,
        mut grads: Option<&mut Params<T>>,
    ) {
        let rows = ws.rows;
        assert!(
            ws.widths == self.widths() && d_out.dim() == (rows, self.out_dim()),
            "MLP backward: the workspace holds a forward of widths {:?} at {} rows; this net has widths {:?} and d_out is {:?}",
            ws.widths,
            rows,
            self.widths(),
            d_out.dim()
        );
        if let Some(x) = x {
            assert_eq!(
                x.dim(),
                (rows, self.in_dim()),
                "MLP backward: x differs from the forward's shape"
            );
        }
        if let Some(dx) = &dx {
            assert!(
                cols.end <= self.in_dim() && dx.dim() == (rows, cols.len()),
                "MLP input_grad: columns {cols:?} of {} inputs into dx {:?} at {rows} rows",
                self.in_dim(),
                dx.dim()
            );
        }
        let act = self.activation();
        let in_place = act.derivative_from_output();
        let MlpWorkspace { z, h, g, wt, .. } = ws;
        let (g_a, g_b) = g.split_at_mut(1);
        let bufs = [&mut g_a[0], &mut g_b[0]];
        let [buf0, buf1] = bufs;
        // Which buffer holds the current cotangent (None: `d_out`).
        let mut cur: Option<usize> = None;
        for i in (0..self.layers().len()).rev() {
            let layer = &self.layers()[i];
            let (src, dst): (&Scratch<T>, &mut Scratch<T>) = match cur {
                Some(0) => (&*buf0, &mut *buf1),
                _ => (&*buf1, &mut *buf0),
            };
            let gv = match cur {
                None => d_out,
                Some(_) => src.view(rows, layer.fan_out()),
            };
            if let Some(grads) = grads.as_deref_mut() {
                let input = match i {
                    0 => x.expect("backward_fast passes x"),
                    _ if in_place => z[i - 1].view(rows, layer.fan_in()),
                    _ => h[i - 1].view(rows, layer.fan_in()),
                };
                let dw = grads.get_mut(layer.weight()).view_mut();
                gemm(T::one(), input.t(), gv, T::zero(), dw);
                let mut db = grads.get_mut(layer.bias()).row_mut(0);
                db.fill(T::zero());
                for r in gv.rows() {
                    db += &r;
                }
            }
            let w = params.get(layer.weight()).view();
            if i == 0 {
                if let Some(dx) = dx.as_mut() {
                    let w_cols = w.slice(s![cols.clone(), ..]);
                    if cols.len() <= SMALL_N {
                        matmul_nt_small_n(gv, w_cols, dx.view_mut());
                    } else {
                        gemm(T::one(), gv, w_cols.t(), T::zero(), dx.view_mut());
                    }
                }
                break;
            }
            let mut gp = dst.view_mut(rows, layer.fan_in());
            // Through layer i and the activation of layer i − 1 (`z` holds its output when in
            // place): `gp = (g·Wᵀ) ⊙ act'`.
            let zi = z[i - 1].view(rows, layer.fan_in());
            if layer.fan_out() <= SMALL_N {
                let mut wtv = wt.view_mut(layer.fan_out(), layer.fan_in());
                wtv.assign(&w.t());
                let wtv = wtv.view();
                with_activation_derivative!(act, |d| matmul_rowcomb(gv, wtv, gp, Some(zi), d));
            } else {
                gemm(T::one(), gv, w.t(), T::zero(), gp.view_mut());
                with_activation_derivative!(act, |d| chain(gp, zi, d));
            }
            cur = Some(if matches!(cur, Some(0)) { 1 } else { 0 });
        }
    }
}

/// `g ← g ⊙ d(stored)`, elementwise (parallel over rows for large batches).
fn chain<T: Scalar, D: Fn(T) -> T + Sync + Copy>(
    mut g: ArrayViewMut2<'_, T>,
    stored: ArrayView2<'_, T>,
    d: D,
) {
    let row_fn = |mut gr: ArrayViewMut1<'_, T>, sr: ArrayView1<'_, T>| {
        Zip::from(&mut gr).and(&sr).for_each(|g, &s| *g *= d(s));
    };
    if g.len() >= PAR_MIN_ELEMS {
        Zip::from(g.rows_mut())
            .and(stored.rows())
            .par_for_each(row_fn);
    } else {
        Zip::from(g.rows_mut()).and(stored.rows()).for_each(row_fn);
    }
}
