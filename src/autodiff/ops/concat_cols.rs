//! `concat_cols`: `[X₁ X₂ … X_p]`, parts of shapes `m×n_k` side by side → `m×Σn_k`
//! (e.g. `concat(obs, action)` for a critic). Backward: each part receives its column block of `G`.

use ndarray::{ArrayView2, s};

use crate::Scalar;
use crate::autodiff::ctx::{Accum, Ctx};
use crate::autodiff::{Op, Tape, Var};

impl<T: Scalar> Tape<T> {
    /// Column concatenation of `parts` (all with the same number of rows).
    ///
    /// # Panics
    /// If `parts` is empty or the row counts differ (the shapes are named).
    #[track_caller]
    pub fn concat_cols(&mut self, parts: &[Var]) -> Var {
        assert!(!parts.is_empty(), "concat_cols: no parts");
        let idx: Vec<usize> = parts.iter().map(|&p| self.check(p)).collect();
        let m = self.values[idx[0]].nrows();
        let shapes: Vec<(usize, usize)> = idx.iter().map(|&i| self.values[i].dim()).collect();
        assert!(
            shapes.iter().all(|s| s.0 == m),
            "concat_cols: part shapes {shapes:?} have different row counts"
        );
        let n: usize = shapes.iter().map(|s| s.1).sum();
        let mut out = self.pool.take(m, n);
        let mut c0 = 0;
        for &i in &idx {
            let k = self.values[i].ncols();
            out.slice_mut(s![.., c0..c0 + k]).assign(&self.values[i]);
            c0 += k;
        }
        let start = u32::try_from(self.parts.len()).expect("fewer than 2^32 parts");
        let len = u32::try_from(parts.len()).expect("fewer than 2^32 parts");
        self.parts.extend_from_slice(parts);
        let rg = idx.iter().any(|&i| self.requires_grad[i]);
        self.push(Op::ConcatCols { start, len }, out, rg)
    }
}

pub(crate) fn backward<T: Scalar>(
    ctx: &mut Ctx<'_, T>,
    g: ArrayView2<'_, T>,
    start: u32,
    len: u32,
) {
    let mut c0 = 0;
    for k in start..start + len {
        let p = ctx.parts[k as usize];
        let n = ctx.value(p).ncols();
        let block = g.slice(s![.., c0..c0 + n]);
        c0 += n;
        if ctx.wants(p) {
            let (mut d, mode) = ctx.grad_mut(p);
            match mode {
                Accum::Overwrite => d.assign(&block),
                Accum::Add => d += &block,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use crate::autodiff::Tape;

    #[test]
    fn concat_cols_places_blocks_and_splits_the_cotangent() {
        let mut t = Tape::<f64>::new();
        let a = t.leaf(array![[1.0], [2.0]]);
        let b = t.constant(array![[3.0, 4.0], [5.0, 6.0]]);
        let c = t.leaf(array![[7.0], [8.0]]);
        let y = t.concat_cols(&[a, b, c, a]);
        assert_eq!(
            t.value(y),
            array![[1.0, 3.0, 4.0, 7.0, 1.0], [2.0, 5.0, 6.0, 8.0, 2.0]]
        );
        t.backward_with(
            y,
            array![[1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0]].view(),
        );
        assert_eq!(t.grad(a).unwrap(), array![[6.0], [16.0]]);
        assert_eq!(t.grad(c).unwrap(), array![[4.0], [9.0]]);
        assert!(t.grad(b).is_none());
    }

    #[test]
    #[should_panic(expected = "[(2, 1), (3, 1)]")]
    fn concat_cols_names_the_shapes_on_row_mismatch() {
        let mut t = Tape::<f64>::new();
        let a = t.leaf(ndarray::Array2::zeros((2, 1)));
        let b = t.leaf(ndarray::Array2::zeros((3, 1)));
        t.concat_cols(&[a, b]);
    }
}
