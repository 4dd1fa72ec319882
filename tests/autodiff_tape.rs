//! Tape mechanics: requires-grad propagation and skipping, buffer reuse across `clear`,
//! stale-handle detection, VJP seeds, detach.

use ndarray::{Array2, array};
use rfm::autodiff::Tape;

/// One "update": a 2-layer critic-like graph with constant weights and a leaf input.
fn record(
    t: &mut Tape<f32>,
    x: &Array2<f32>,
    w1: &Array2<f32>,
    b1: &Array2<f32>,
    w2: &Array2<f32>,
) -> f32 {
    t.clear();
    let x = t.leaf_view(x.view());
    let (w1, b1, w2) = (
        t.constant_view(w1.view()),
        t.constant_view(b1.view()),
        t.constant_view(w2.view()),
    );
    let h = t.affine_relu(x, w1, b1);
    let q = t.matmul(h, w2);
    let s = t.sum(q);
    t.backward(s);
    t.grad(x).unwrap().sum()
}

#[test]
fn nodes_that_depend_only_on_constants_get_no_gradient_and_are_skipped() {
    let mut t = Tape::<f64>::new();
    let x = t.leaf(array![[1.0, 2.0]]);
    let w = t.constant(array![[1.0], [-1.0]]);
    let w2 = t.square(w); // depends only on a constant
    assert!(!t.requires_grad(w2));
    let y = t.matmul(x, w2);
    assert!(t.requires_grad(y));
    let s = t.sum(y);
    t.backward(s);
    assert!(t.grad(w).is_none() && t.grad(w2).is_none());
    assert_eq!(t.grad(x).unwrap(), array![[1.0, 1.0]]);
}

#[test]
fn backward_of_an_output_that_needs_no_gradient_leaves_every_grad_empty() {
    let mut t = Tape::<f64>::new();
    let x = t.leaf(array![[1.0]]);
    let c = t.constant(array![[2.0]]);
    let y = t.exp(c);
    t.backward(y);
    assert!(t.grad(x).is_none() && t.grad(c).is_none() && t.grad(y).is_none());
}

#[test]
fn clear_recycles_buffers_so_a_repeated_update_allocates_nothing_new() {
    let x = Array2::from_shape_fn((64, 5), |(i, j)| ((i * 7 + j) % 11) as f32 / 11.0 - 0.5);
    let w1 = Array2::from_shape_fn((5, 16), |(i, j)| ((i + 3 * j) % 5) as f32 / 5.0 - 0.4);
    let b1 = Array2::from_elem((1, 16), 0.05f32);
    let w2 = Array2::from_shape_fn((16, 1), |(i, _)| (i % 3) as f32 - 1.0);
    let mut t = Tape::<f32>::new();
    let first = record(&mut t, &x, &w1, &b1, &w2);
    t.clear();
    let pooled = t.pooled_buffers();
    assert!(pooled > 0);
    for _ in 0..5 {
        assert_eq!(record(&mut t, &x, &w1, &b1, &w2), first);
        t.clear();
        // Same graph each time: every buffer comes back, none is added.
        assert_eq!(t.pooled_buffers(), pooled);
    }
}

#[test]
fn adopted_user_arrays_do_not_grow_the_pool_without_bound() {
    let mut t = Tape::<f64>::new();
    let mut sizes = Vec::new();
    for k in 0..10 {
        t.clear();
        let x = t.leaf(Array2::from_elem((8, 8), k as f64)); // a fresh allocation each time
        let y = t.tanh(x);
        let s = t.sum(y);
        t.backward(s);
        sizes.push(t.pooled_buffers());
    }
    assert!(
        sizes.windows(2).skip(1).all(|w| w[0] == w[1]),
        "pool sizes {sizes:?}"
    );
}

#[test]
#[should_panic(expected = "not on this tape")]
fn a_var_used_after_clear_panics() {
    let mut t = Tape::<f64>::new();
    let x = t.leaf(array![[1.0]]);
    t.clear();
    t.leaf(array![[2.0]]);
    t.value(x);
}

#[test]
#[should_panic(expected = "not on this tape")]
fn a_var_from_another_tape_panics() {
    let mut a = Tape::<f64>::new();
    let mut b = Tape::<f64>::new();
    let x = a.leaf(array![[1.0]]);
    b.leaf(array![[1.0]]);
    b.exp(x);
}

#[test]
#[should_panic(expected = "output has shape (2, 1), need (1, 1)")]
fn backward_requires_a_scalar_output() {
    let mut t = Tape::<f64>::new();
    let x = t.leaf(array![[1.0], [2.0]]);
    t.backward(x);
}

#[test]
#[should_panic(expected = "seed shape (1, 2) differs from output shape (2, 1)")]
fn backward_with_names_both_shapes_on_a_wrong_seed() {
    let mut t = Tape::<f64>::new();
    let x = t.leaf(array![[1.0], [2.0]]);
    t.backward_with(x, array![[1.0, 1.0]].view());
}

#[test]
fn repeated_backward_sweeps_do_not_accumulate_across_sweeps() {
    let mut t = Tape::<f64>::new();
    let x = t.leaf(array![[3.0]]);
    let y = t.square(x);
    t.backward(y);
    t.backward(y);
    assert_eq!(t.grad(x).unwrap(), array![[6.0]]);
}

#[test]
fn a_var_used_twice_accumulates_both_paths() {
    let mut t = Tape::<f64>::new();
    let x = t.leaf(array![[3.0, -1.0]]);
    let a = t.exp(x);
    let b = t.mul(a, x); // x eˣ: derivative (1 + x) eˣ
    let c = t.add(b, x); // + x
    let s = t.sum(c);
    t.backward(s);
    let g = t.grad(x).unwrap();
    for (j, xv) in [3.0f64, -1.0].into_iter().enumerate() {
        assert!((g[[0, j]] - ((1.0 + xv) * xv.exp() + 1.0)).abs() < 1e-12);
    }
}

#[test]
fn detach_stops_the_gradient_but_keeps_the_value() {
    let mut t = Tape::<f64>::new();
    let x = t.leaf(array![[2.0]]);
    let d = t.detach(x);
    assert_eq!(t.value(d), t.value(x));
    assert!(!t.requires_grad(d));
    let y = t.mul(x, d); // x · stop(x): derivative stop(x) = 2
    t.backward(y);
    assert_eq!(t.grad(x).unwrap(), array![[2.0]]);
}

#[test]
fn non_standard_layout_leaves_are_accepted() {
    let mut t = Tape::<f64>::new();
    let a = array![[1.0, 2.0], [3.0, 4.0]].reversed_axes(); // column-major view, owned
    let x = t.leaf(a.clone());
    let y = t.reshape(x, (1, 4));
    assert_eq!(t.value(y), array![[1.0, 3.0, 2.0, 4.0]]);
    let s = t.sum(y);
    t.backward(s);
    assert_eq!(t.grad(x).unwrap(), Array2::<f64>::ones((2, 2)));
}

/// Above 2^15 elements the elementwise passes run on rayon threads; the result must be
/// bit-identical to the same rows computed one at a time (serial path).
#[test]
fn large_elementwise_ops_are_bit_identical_to_their_serial_rows() {
    let (m, n) = (300, 200);
    let xa = Array2::from_shape_fn((m, n), |(i, j)| ((i * 13 + j * 7) % 29) as f64 / 7.0 - 2.0);
    let xb = Array2::from_shape_fn((m, n), |(i, j)| ((i * 5 + j * 11) % 23) as f64 / 5.0 + 0.5);
    let run = |a: Array2<f64>, b: Array2<f64>| {
        let mut t = Tape::<f64>::new();
        let (va, vb) = (t.leaf(a), t.leaf(b));
        let g = t.gelu(va);
        let d = t.div(g, vb);
        let s = t.softplus(d);
        let y = t.mul(s, va);
        let tot = t.sum(y);
        t.backward(tot);
        (
            t.value(y).to_owned(),
            t.grad(va).unwrap().to_owned(),
            t.grad(vb).unwrap().to_owned(),
        )
    };
    let (y, ga, gb) = run(xa.clone(), xb.clone());
    for i in 0..m {
        let row = |x: &Array2<f64>| x.row(i).insert_axis(ndarray::Axis(0)).to_owned();
        let (yr, gar, gbr) = run(row(&xa), row(&xb));
        assert_eq!(yr.row(0), y.row(i));
        assert_eq!(gar.row(0), ga.row(i));
        assert_eq!(gbr.row(0), gb.row(i));
    }
}
