//! The closed set of primitives. Every node of a [`Tape`](super::Tape) records one [`Op`]; the
//! reverse sweep (`backward.rs`) is one exhaustive `match` over it that only dispatches to the
//! `backward` function of the op's own file in `ops/`.

use super::Var;

/// One primitive with its input handles and constant parameters.
///
/// Shapes are written `m×n`. Each variant's forward, backward and proof live in
/// `src/autodiff/ops/<name>.rs`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op<T> {
    /// Differentiable input (parameter or data) supplied by the user.
    Leaf,
    /// Input that receives no gradient (also the result of `detach`).
    Constant,
    /// `a·b`, `m×k · k×n → m×n`.
    MatMul { a: Var, b: Var },
    /// `x·W + b`, `m×k · k×n + 1×n → m×n` (bias broadcast over rows).
    Affine { x: Var, w: Var, b: Var },
    /// `relu(x·W + b)`, fused: the backward mask is read from the output.
    AffineRelu { x: Var, w: Var, b: Var },
    /// `a + b` (equal shapes).
    Add { a: Var, b: Var },
    /// `a − b` (equal shapes).
    Sub { a: Var, b: Var },
    /// `a ⊙ b` (equal shapes).
    Mul { a: Var, b: Var },
    /// `a ⊘ b` (equal shapes).
    Div { a: Var, b: Var },
    /// `a + 1·row`: a `1×n` row added to each row of `m×n` `a`.
    AddRow { a: Var, row: Var },
    /// `c·x` for a constant `c`.
    Scale { x: Var, c: T },
    /// `x + c` for a constant `c`.
    AddScalar { x: Var, c: T },
    /// `−x`.
    Neg { x: Var },
    /// `eˣ`.
    Exp { x: Var },
    /// `ln x`.
    Log { x: Var },
    /// `√x`.
    Sqrt { x: Var },
    /// `x²`.
    Square { x: Var },
    /// `tanh x`.
    Tanh { x: Var },
    /// `σ(x) = 1/(1+e^{−x})`.
    Sigmoid { x: Var },
    /// `max(x, 0)`.
    Relu { x: Var },
    /// GELU, tanh approximation.
    Gelu { x: Var },
    /// `x·σ(x)`.
    Silu { x: Var },
    /// `x·tanh(softplus x)`.
    Mish { x: Var },
    /// `ln(1+eˣ)`, stable.
    Softplus { x: Var },
    /// Sum of all elements, `→ 1×1`.
    Sum { x: Var },
    /// Mean of all elements, `→ 1×1`.
    Mean { x: Var },
    /// Sum of the rows, `m×n → 1×n`.
    SumRows { x: Var },
    /// Sum of the columns, `m×n → m×1`.
    SumCols { x: Var },
    /// Mean of the rows, `m×n → 1×n`.
    MeanRows { x: Var },
    /// Mean of the columns, `m×n → m×1`.
    MeanCols { x: Var },
    /// Column concatenation of the parts stored at `start..start+len` of the tape's part list.
    ConcatCols { start: u32, len: u32 },
    /// Columns `start..start+n_out` of `x`.
    SliceCols { x: Var, start: u32 },
    /// Row-major reshape.
    Reshape { x: Var },
    /// Elementwise `min(a, b)`; ties split the gradient in halves.
    Minimum { a: Var, b: Var },
    /// Elementwise `max(a, b)`; ties split the gradient in halves.
    Maximum { a: Var, b: Var },
    /// Stable `ln Σ_j e^{x_ij}` per row, `m×n → m×1`.
    LogSumExp { x: Var },
    /// Softmax per row.
    Softmax { x: Var },
    /// Stable `ln sech² x`.
    LogSech2 { x: Var },
}
