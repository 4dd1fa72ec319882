//! The first layer of every network: a dense layer `z = concat(x_1, …, x_m)·W + b` whose input
//! is a concatenation of named row blocks, with `W` stored as one kernel block `W_k` per input
//! (`z = Σ_k x_k·W_k + b`, the same linear map).
//!
//! The split is what makes the many-actions-per-state evaluations cheap: the blocks that do not
//! change from row to row (the state, shared by its particles; the embedded temperature λ;
//! the embedded time of one sampling step) are folded once into a row constant
//! `c_b = b + Σ_{constant k} x_k·W_k` ([`BlockDense::row_constants`], [`BlockDense::add_row`]),
//! and each row only adds its varying blocks (the action, the latent `x_t`).
//!
//! Floating-point sums are not associative, so the order of the terms is fixed here: on the
//! tape by [`BiasOrder`] (per-row products in block order, then broadcast rows); without a tape
//! the row constant is `(Σ_rows e·W_e + b) + Σ_per-state s·W_s`, then each row adds its varying
//! blocks. The backends agree up to that rounding (tests/nn_equivalence.rs).

use crate::linalg::gemm;
use ndarray::{Array2, ArrayView2, s};
use rand::Rng;

use super::{Activation, Init, ParamId, ParamVars, Params};
use crate::Scalar;
use crate::autodiff::{Tape, Var};

/// The named inputs of the networks' first layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputBlock {
    /// The state `s`.
    Obs,
    /// The action `a` (critic).
    Action,
    /// The noisy latent `x_t` (velocity net).
    Latent,
    /// The sinusoidal embedding of the time `t`.
    TimeEmbedding,
    /// The sinusoidal embedding of the temperature λ.
    TemperatureEmbedding,
}

/// Where the bias enters the first layer's sum (it changes the rounding, not the function).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BiasOrder {
    /// `(x_1·W_1 + b) + x_2·W_2 + …` (the tape's fused `affine` on the first block).
    WithFirstBlock,
    /// `(x_1·W_1 + x_2·W_2 + …) + b`.
    AfterBlocks,
}

/// One kernel block: its input, width and parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelBlock {
    /// Which input multiplies this block.
    pub input: InputBlock,
    /// Its width (rows of `W_k`).
    pub width: usize,
    /// `W_k`, `width × out`.
    pub weight: ParamId,
}

/// How an input reaches the tape forward: one row per output row, or one row added to every row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TapeInput {
    /// `B × width`.
    Rows(Var),
    /// `1 × width`, the same for every row (added after the per-row blocks).
    Row(Var),
}

/// A dense layer over a concatenation of named row blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockDense {
    /// The kernel blocks, in the order of the concatenation.
    pub blocks: Vec<KernelBlock>,
    /// `b`, `1 × out`.
    pub bias: ParamId,
    /// Output width.
    pub out: usize,
    /// Where the bias enters the sum.
    pub bias_order: BiasOrder,
}

impl BlockDense {
    /// Registers the blocks `weight_names[k]` (`widths[k] × out`) and `bias_name` in `params`,
    /// initialised as one orthogonal kernel over the concatenation (then split by rows) and a
    /// zero bias.
    ///
    /// # Panics
    /// If the three lists differ in length or a name is taken.
    #[track_caller]
    pub fn new<T: Scalar, R: Rng + ?Sized>(
        params: &mut Params<T>,
        blocks: &[(InputBlock, usize, &str)],
        bias_name: &str,
        out: usize,
        bias_order: BiasOrder,
        rng: &mut R,
    ) -> Self {
        let fan_in = blocks.iter().map(|b| b.1).sum();
        let w: Array2<T> = Init::default().weight(fan_in, out, rng);
        let mut row = 0;
        let blocks = blocks
            .iter()
            .map(|&(input, width, name)| {
                let weight = params.push(name, w.slice(s![row..row + width, ..]).to_owned());
                row += width;
                KernelBlock {
                    input,
                    width,
                    weight,
                }
            })
            .collect();
        let bias = params.push(bias_name, Array2::zeros((1, out)));
        BlockDense {
            blocks,
            bias,
            out,
            bias_order,
        }
    }

    /// The kernel block of `input`.
    ///
    /// # Panics
    /// If the layer has no such input.
    #[track_caller]
    pub fn block(&self, input: InputBlock) -> &KernelBlock {
        self.blocks
            .iter()
            .find(|b| b.input == input)
            .unwrap_or_else(|| panic!("the layer has no {input:?} block"))
    }

    /// `act(z)` on the tape, one input per block in block order.
    ///
    /// Per-row products are summed first (in block order, the bias placed by
    /// [`BiasOrder`]), then each broadcast row is added. A single per-row block with the bias
    /// and ReLU is the tape's fused `affine_relu`.
    ///
    /// # Panics
    /// If `inputs` does not give one input per block in block order, or no input has rows.
    #[track_caller]
    pub fn on_tape<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        vars: &ParamVars,
        inputs: &[(InputBlock, TapeInput)],
        activation: Activation,
    ) -> Var {
        self.check_inputs(inputs.iter().map(|i| i.0));
        let bias = vars.get(self.bias);
        if let [(_, TapeInput::Rows(x))] = inputs {
            if self.bias_order == BiasOrder::WithFirstBlock && activation == Activation::Relu {
                return tape.affine_relu(*x, vars.get(self.blocks[0].weight), bias);
            }
        }
        let mut rows: Vec<Var> = Vec::new();
        let mut broadcast: Vec<Var> = Vec::new();
        for (k, (block, input)) in self.blocks.iter().zip(inputs).enumerate() {
            let w = vars.get(block.weight);
            match input.1 {
                TapeInput::Rows(x) if k == 0 && self.bias_order == BiasOrder::WithFirstBlock => {
                    rows.push(tape.affine(x, w, bias))
                }
                TapeInput::Rows(x) => rows.push(tape.matmul(x, w)),
                TapeInput::Row(x) => broadcast.push(tape.matmul(x, w)),
            }
        }
        let mut terms = rows.into_iter();
        let first = terms.next().expect("at least one per-row input");
        let mut z = terms.fold(first, |z, t| tape.add(z, t));
        if self.bias_order == BiasOrder::AfterBlocks {
            z = tape.add_row(z, bias);
        }
        let z = broadcast.into_iter().fold(z, |z, r| tape.add_row(z, r));
        activation.on_tape(tape, z)
    }

    /// `act(base + Σ_varying x·W_x)` on the tape, where `base` (`B·n × out`) already holds the
    /// row constants of every other block and the bias (the critic's `∇_a Q` with the state
    /// part computed once per state).
    ///
    /// # Panics
    /// If a varying input is not a block of the layer or the shapes do not fit.
    #[track_caller]
    pub fn on_tape_from_constants<T: Scalar>(
        &self,
        tape: &mut Tape<T>,
        vars: &ParamVars,
        base: Var,
        varying: &[(InputBlock, Var)],
        activation: Activation,
    ) -> Var {
        let mut z = base;
        for &(input, x) in varying {
            let p = tape.matmul(x, vars.get(self.block(input).weight));
            z = tape.add(z, p);
        }
        activation.on_tape(tape, z)
    }

    /// The row constants `c_b = (Σ_{rows} e·W_e + b) + s_b·W_s` (`B × out`) of the inputs that
    /// do not vary within a state: `rows` are `1 × width` inputs shared by every state (λ),
    /// `per_state` are `B × width` (the state).
    ///
    /// # Panics
    /// If an input is not one of the layer's blocks or has the wrong width.
    #[track_caller]
    pub fn row_constants<T: Scalar>(
        &self,
        params: &Params<T>,
        rows: &[(InputBlock, ArrayView2<T>)],
        per_state: &[(InputBlock, ArrayView2<T>)],
        out: &mut Array2<T>,
    ) {
        let mut row = Array2::<T>::zeros((1, self.out));
        for &(input, e) in rows {
            let w = params.get(self.block(input).weight);
            gemm(T::one(), e.view(), w.view(), T::one(), row.view_mut());
        }
        row += params.get(self.bias);
        let states = per_state.first().map_or(1, |p| p.1.nrows());
        if out.dim() != (states, self.out) {
            *out = Array2::zeros((states, self.out));
        }
        out.assign(&row.broadcast((states, self.out)).expect("one row"));
        for &(input, x) in per_state {
            let w = params.get(self.block(input).weight);
            gemm(T::one(), x.view(), w.view(), T::one(), out.view_mut());
        }
    }

    /// `c + e·W_e` for every row of `c`: a row-constant input that changes between calls (the
    /// time embedding of one sampling step), into `out`.
    ///
    /// # Panics
    /// If `input` is not a block of the layer or the shapes do not fit.
    #[track_caller]
    pub fn add_row<T: Scalar>(
        &self,
        params: &Params<T>,
        c: ArrayView2<T>,
        input: InputBlock,
        e: ArrayView2<T>,
        out: &mut Array2<T>,
    ) {
        let mut row = Array2::<T>::zeros((1, self.out));
        let w = params.get(self.block(input).weight);
        gemm(T::one(), e.view(), w.view(), T::zero(), row.view_mut());
        if out.dim() != c.dim() {
            *out = Array2::zeros(c.dim());
        }
        out.assign(&c);
        *out += &row;
    }

    /// `h[r] = c[r / n] + Σ_varying x·W_x` for `B·n` rows, without a tape (generic `T`).
    ///
    /// # Panics
    /// If a varying input is not a block of the layer or the shapes do not fit.
    #[track_caller]
    pub fn rows_from_constants<T: Scalar>(
        &self,
        params: &Params<T>,
        c: ArrayView2<T>,
        n: usize,
        varying: &[(InputBlock, ArrayView2<T>)],
        h: &mut Array2<T>,
    ) {
        let rows = c.nrows() * n;
        if h.dim() != (rows, self.out) {
            *h = Array2::zeros((rows, self.out));
        }
        for (r, mut hr) in h.rows_mut().into_iter().enumerate() {
            hr.assign(&c.row(r / n));
        }
        for &(input, x) in varying {
            assert_eq!(x.nrows(), rows, "{input:?} must have B·n = {rows} rows");
            let w = params.get(self.block(input).weight);
            gemm(T::one(), x.view(), w.view(), T::one(), h.view_mut());
        }
    }

    #[track_caller]
    fn check_inputs(&self, inputs: impl Iterator<Item = InputBlock>) {
        let got: Vec<InputBlock> = inputs.collect();
        let want: Vec<InputBlock> = self.blocks.iter().map(|b| b.input).collect();
        assert_eq!(got, want, "inputs must follow the layer's blocks");
    }
}
