//! What an op's `backward` sees: read-only values, and write access to the gradients of its
//! inputs, with the first write overwriting (no zero-fill pass) and later writes accumulating.

use ndarray::{Array2, ArrayView2, ArrayViewMut2, Zip};

use super::Var;
use super::pool::Pool;
use crate::Scalar;

/// Element count from which elementwise passes are split across rayon threads (below it the
/// fork/join overhead, a few µs, outweighs the gain). Elementwise work has no reductions, so
/// the result is bit-identical for any thread count.
pub(crate) const PARALLEL_MIN_LEN: usize = 1 << 15;

/// Runs `z.for_each(f)` or, for `len ≥ PARALLEL_MIN_LEN`, `z.par_for_each(f)`.
macro_rules! zip_run {
    ($z:expr, $len:expr, $f:expr) => {
        if $len >= $crate::autodiff::ctx::PARALLEL_MIN_LEN {
            $z.par_for_each($f)
        } else {
            $z.for_each($f)
        }
    };
}
pub(crate) use zip_run;

/// Whether a gradient buffer is written for the first time (its old contents are stale and must
/// be overwritten) or already holds a partial sum (add to it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Accum {
    Overwrite,
    Add,
}

impl Accum {
    /// The `β` of `C ← α A B + β C` that implements this mode.
    pub(crate) fn beta<T: Scalar>(self) -> T {
        match self {
            Accum::Overwrite => T::zero(),
            Accum::Add => T::one(),
        }
    }

    /// `dst (=|+=) f(a)` elementwise.
    #[inline]
    pub(crate) fn zip1<T: Scalar>(
        self,
        dst: ArrayViewMut2<'_, T>,
        a: ArrayView2<'_, T>,
        f: impl Fn(T) -> T + Sync + Send,
    ) {
        let len = dst.len();
        let z = Zip::from(dst).and(a);
        match self {
            Accum::Overwrite => zip_run!(z, len, |d: &mut T, &a: &T| *d = f(a)),
            Accum::Add => zip_run!(z, len, |d: &mut T, &a: &T| *d += f(a)),
        }
    }

    /// `dst (=|+=) f(a, b)` elementwise.
    #[inline]
    pub(crate) fn zip2<T: Scalar>(
        self,
        dst: ArrayViewMut2<'_, T>,
        a: ArrayView2<'_, T>,
        b: ArrayView2<'_, T>,
        f: impl Fn(T, T) -> T + Sync + Send,
    ) {
        let len = dst.len();
        let z = Zip::from(dst).and(a).and(b);
        match self {
            Accum::Overwrite => zip_run!(z, len, |d: &mut T, &a: &T, &b: &T| *d = f(a, b)),
            Accum::Add => zip_run!(z, len, |d: &mut T, &a: &T, &b: &T| *d += f(a, b)),
        }
    }

    /// `dst (=|+=) f(a, b, c)` elementwise.
    #[inline]
    pub(crate) fn zip3<T: Scalar>(
        self,
        dst: ArrayViewMut2<'_, T>,
        a: ArrayView2<'_, T>,
        b: ArrayView2<'_, T>,
        c: ArrayView2<'_, T>,
        f: impl Fn(T, T, T) -> T + Sync + Send,
    ) {
        let len = dst.len();
        let z = Zip::from(dst).and(a).and(b).and(c);
        match self {
            Accum::Overwrite => {
                zip_run!(z, len, |d: &mut T, &a: &T, &b: &T, &c: &T| *d = f(a, b, c))
            }
            Accum::Add => zip_run!(z, len, |d: &mut T, &a: &T, &b: &T, &c: &T| *d += f(a, b, c)),
        }
    }
}

/// Backward context for one node.
pub(crate) struct Ctx<'a, T: Scalar> {
    pub(crate) values: &'a [Array2<T>],
    pub(crate) requires_grad: &'a [bool],
    pub(crate) parts: &'a [Var],
    pub(crate) grads: &'a mut [Option<Array2<T>>],
    pub(crate) pool: &'a mut Pool<T>,
}

impl<'a, T: Scalar> Ctx<'a, T> {
    /// Forward value of `v`.
    pub(crate) fn value(&self, v: Var) -> ArrayView2<'a, T> {
        self.values[v.index()].view()
    }

    /// Whether `v` wants a gradient (skip all work for it otherwise).
    pub(crate) fn wants(&self, v: Var) -> bool {
        self.requires_grad[v.index()]
    }

    /// The gradient buffer of `v` (taken from the pool on first touch) and how to write it.
    pub(crate) fn grad_mut(&mut self, v: Var) -> (ArrayViewMut2<'_, T>, Accum) {
        let i = v.index();
        let mode = if self.grads[i].is_some() {
            Accum::Add
        } else {
            let (m, n) = self.values[i].dim();
            self.grads[i] = Some(self.pool.take(m, n));
            Accum::Overwrite
        };
        (
            self.grads[i].as_mut().expect("just ensured").view_mut(),
            mode,
        )
    }

    /// A scratch buffer (return it with [`Ctx::recycle`]).
    pub(crate) fn scratch(&mut self, m: usize, n: usize) -> Array2<T> {
        self.pool.take(m, n)
    }

    /// Returns a scratch buffer to the pool.
    pub(crate) fn recycle(&mut self, a: Array2<T>) {
        self.pool.give(a)
    }

    /// `grad(v) (=|+=) f(a)` elementwise, if `v` wants a gradient.
    pub(crate) fn acc1(&mut self, v: Var, a: ArrayView2<'_, T>, f: impl Fn(T) -> T + Sync + Send) {
        if self.wants(v) {
            let (d, mode) = self.grad_mut(v);
            mode.zip1(d, a, f);
        }
    }

    /// `grad(v) (=|+=) f(a, b)` elementwise, if `v` wants a gradient.
    pub(crate) fn acc2(
        &mut self,
        v: Var,
        a: ArrayView2<'_, T>,
        b: ArrayView2<'_, T>,
        f: impl Fn(T, T) -> T + Sync + Send,
    ) {
        if self.wants(v) {
            let (d, mode) = self.grad_mut(v);
            mode.zip2(d, a, b, f);
        }
    }

    /// `grad(v) (=|+=) f(a, b, c)` elementwise, if `v` wants a gradient.
    pub(crate) fn acc3(
        &mut self,
        v: Var,
        a: ArrayView2<'_, T>,
        b: ArrayView2<'_, T>,
        c: ArrayView2<'_, T>,
        f: impl Fn(T, T, T) -> T + Sync + Send,
    ) {
        if self.wants(v) {
            let (d, mode) = self.grad_mut(v);
            mode.zip3(d, a, b, c, f);
        }
    }
}
