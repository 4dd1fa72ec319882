//! The [`Tape`]: a Wengert list of 2-D values recorded in evaluation order.

use std::sync::atomic::{AtomicU32, Ordering};

use ndarray::{Array2, ArrayView2, Zip};

use super::ctx::zip_run;
use super::pool::Pool;
use super::{Op, Var};
use crate::Scalar;

/// Source of tape generations: every `Tape::new` and every `clear` takes a fresh one, so stale
/// [`Var`]s are detected.
static NEXT_GENERATION: AtomicU32 = AtomicU32::new(1);

fn fresh_generation() -> u32 {
    NEXT_GENERATION.fetch_add(1, Ordering::Relaxed)
}

/// A reverse-mode autodiff tape over `m×n` arrays of `T` (`f32` for training, `f64` for audits).
///
/// Nodes are pushed in evaluation order, so [`Tape::backward`] is one reverse loop with `+=`
/// accumulation. Each node records whether it *requires a gradient*: leaves do, constants do
/// not, and an op does iff one of its inputs does. The reverse sweep skips every node that
/// requires none and never computes a gradient for such an input, so `∇ₐQ` of a critic whose
/// weights are constants costs no weight gradient.
///
/// [`Tape::clear`] keeps every buffer for reuse: an update loop that records the same graph each
/// step allocates nothing after the first step.
///
/// ```
/// use ndarray::array;
/// use rfm::autodiff::Tape;
/// let mut tape = Tape::<f64>::new();
/// let x = tape.leaf(array![[1.0, -2.0]]);
/// let w = tape.constant(array![[3.0], [4.0]]);
/// let y = tape.matmul(x, w); // 1×1 = 3 − 8
/// tape.backward(y);
/// assert_eq!(tape.value(y)[[0, 0]], -5.0);
/// assert_eq!(tape.grad(x).unwrap(), array![[3.0, 4.0]]);
/// assert!(tape.grad(w).is_none());
/// ```
pub struct Tape<T: Scalar> {
    pub(crate) ops: Vec<Op<T>>,
    pub(crate) values: Vec<Array2<T>>,
    pub(crate) requires_grad: Vec<bool>,
    pub(crate) grads: Vec<Option<Array2<T>>>,
    /// Operand lists of variadic ops (`concat_cols`), referenced by range from their `Op`.
    pub(crate) parts: Vec<Var>,
    pub(crate) pool: Pool<T>,
    generation: u32,
}

impl<T: Scalar> Default for Tape<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Scalar> Tape<T> {
    /// An empty tape.
    pub fn new() -> Self {
        Self {
            ops: Vec::new(),
            values: Vec::new(),
            requires_grad: Vec::new(),
            grads: Vec::new(),
            parts: Vec::new(),
            pool: Pool::new(),
            generation: fresh_generation(),
        }
    }

    /// Forgets every node (all earlier [`Var`]s become invalid) and keeps their buffers for reuse.
    pub fn clear(&mut self) {
        for v in self.values.drain(..) {
            self.pool.give(v);
        }
        for g in self.grads.drain(..).flatten() {
            self.pool.give(g);
        }
        self.ops.clear();
        self.requires_grad.clear();
        self.parts.clear();
        self.generation = fresh_generation();
    }

    /// Number of recorded nodes.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether no node is recorded.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Number of free pooled buffers (diagnostic for the no-allocation-per-update property).
    pub fn pooled_buffers(&self) -> usize {
        self.pool.free_buffers()
    }

    /// Records a differentiable input: a parameter or data whose gradient is wanted.
    pub fn leaf(&mut self, value: Array2<T>) -> Var {
        let value = self.adopt(value);
        self.push(Op::Leaf, value, true)
    }

    /// Records a differentiable input copied from a view (into a pooled buffer).
    pub fn leaf_view(&mut self, value: ArrayView2<'_, T>) -> Var {
        let value = self.copy_of(value);
        self.push(Op::Leaf, value, true)
    }

    /// Records an input that receives no gradient.
    pub fn constant(&mut self, value: Array2<T>) -> Var {
        let value = self.adopt(value);
        self.push(Op::Constant, value, false)
    }

    /// Records a constant copied from a view (into a pooled buffer).
    pub fn constant_view(&mut self, value: ArrayView2<'_, T>) -> Var {
        let value = self.copy_of(value);
        self.push(Op::Constant, value, false)
    }

    /// Stop-gradient: a constant holding a copy of `x`'s value; nothing flows back into `x`.
    ///
    /// # Panics
    /// If `x` belongs to another tape or predates the last `clear`.
    #[track_caller]
    pub fn detach(&mut self, x: Var) -> Var {
        let i = self.check(x);
        let (m, n) = self.values[i].dim();
        let mut out = self.pool.take(m, n);
        out.assign(&self.values[i]);
        self.push(Op::Constant, out, false)
    }

    /// The value of `v`.
    ///
    /// # Panics
    /// If `v` belongs to another tape or predates the last `clear`.
    #[track_caller]
    pub fn value(&self, v: Var) -> ArrayView2<'_, T> {
        self.values[self.check(v)].view()
    }

    /// The shape `(rows, cols)` of `v`.
    ///
    /// # Panics
    /// If `v` belongs to another tape or predates the last `clear`.
    #[track_caller]
    pub fn shape(&self, v: Var) -> (usize, usize) {
        self.values[self.check(v)].dim()
    }

    /// The primitive that produced `v`.
    ///
    /// # Panics
    /// If `v` belongs to another tape or predates the last `clear`.
    #[track_caller]
    pub fn op(&self, v: Var) -> Op<T> {
        self.ops[self.check(v)]
    }

    /// Whether a gradient can flow into `v` (it is a leaf or depends on one).
    ///
    /// # Panics
    /// If `v` belongs to another tape or predates the last `clear`.
    #[track_caller]
    pub fn requires_grad(&self, v: Var) -> bool {
        self.requires_grad[self.check(v)]
    }

    /// `∂⟨seed, y⟩/∂v` after the last backward sweep; `None` if `v` requires no gradient or the
    /// swept output does not depend on `v` (the gradient is then zero).
    ///
    /// # Panics
    /// If `v` belongs to another tape or predates the last `clear`.
    #[track_caller]
    pub fn grad(&self, v: Var) -> Option<ArrayView2<'_, T>> {
        let i = self.check(v);
        self.grads.get(i).and_then(|g| g.as_ref()).map(|g| g.view())
    }

    /// Index of `v` after checking that it belongs to this tape's current generation.
    #[track_caller]
    pub(crate) fn check(&self, v: Var) -> usize {
        assert!(
            v.generation == self.generation && (v.index as usize) < self.ops.len(),
            "Var #{} is not on this tape (used on another tape, or after Tape::clear)",
            v.index
        );
        v.index as usize
    }

    /// Appends a node. `requires_grad` is the OR of the inputs' flags (true for leaves).
    pub(crate) fn push(&mut self, op: Op<T>, value: Array2<T>, requires_grad: bool) -> Var {
        let index = u32::try_from(self.ops.len()).expect("tape holds fewer than 2^32 nodes");
        self.ops.push(op);
        self.values.push(value);
        self.requires_grad.push(requires_grad);
        Var {
            index,
            generation: self.generation,
        }
    }

    /// A standard-layout copy of `a` in a pooled buffer.
    pub(crate) fn copy_of(&mut self, a: ArrayView2<'_, T>) -> Array2<T> {
        let (m, n) = a.dim();
        let mut out = self.pool.take(m, n);
        out.assign(&a);
        out
    }

    fn adopt(&mut self, value: Array2<T>) -> Array2<T> {
        if value.is_standard_layout() {
            self.pool.adopt(value.len());
            value
        } else {
            self.copy_of(value.view())
        }
    }

    /// Records `f` applied elementwise to `x`.
    #[track_caller]
    pub(crate) fn unary(&mut self, x: Var, op: Op<T>, f: impl Fn(T) -> T + Sync + Send) -> Var {
        let i = self.check(x);
        let (m, n) = self.values[i].dim();
        let mut out = self.pool.take(m, n);
        let z = Zip::from(&mut out).and(&self.values[i]);
        zip_run!(z, m * n, |o: &mut T, &a: &T| *o = f(a));
        let rg = self.requires_grad[i];
        self.push(op, out, rg)
    }

    /// Records `f` applied elementwise to `a` and `b` of equal shapes.
    ///
    /// # Panics
    /// If the shapes differ (the message names `name` and both shapes).
    #[track_caller]
    pub(crate) fn binary(
        &mut self,
        name: &str,
        a: Var,
        b: Var,
        op: Op<T>,
        f: impl Fn(T, T) -> T + Sync + Send,
    ) -> Var {
        let (i, j) = (self.check(a), self.check(b));
        let (sa, sb) = (self.values[i].dim(), self.values[j].dim());
        assert!(
            sa == sb,
            "{name}: shapes {sa:?} and {sb:?} differ (binary ops need equal shapes; use add_row to broadcast a row)"
        );
        let mut out = self.pool.take(sa.0, sa.1);
        let z = Zip::from(&mut out)
            .and(&self.values[i])
            .and(&self.values[j]);
        zip_run!(z, sa.0 * sa.1, |o: &mut T, &x: &T, &y: &T| *o = f(x, y));
        let rg = self.requires_grad[i] || self.requires_grad[j];
        self.push(op, out, rg)
    }
}
