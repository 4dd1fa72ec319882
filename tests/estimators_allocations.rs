//! The estimator's steady state is allocation-free: after a first call has sized the
//! workspace, further calls of the same shape do not touch the heap (counted by a global
//! allocator wrapper; the test's own Q does not allocate either).
//!
//! The count is per thread: the estimator runs on the calling thread, while the test
//! harness's own threads allocate at times that depend on the machine's load (a process-wide
//! counter made this test fail under load with allocations that were not the estimator's).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ndarray::{Array2, ArrayView2, ArrayViewMut1, ArrayViewMut2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rfm::estimators::{
    ActionValue, CoefficientStructure, ControlVariate, EstimatorSetup, LogTarget,
    PluginCoefficient, Pooling, RfmEstimator, TargetForm,
};
use rfm::paths::LinearPath;

struct Counting;

thread_local! {
    /// Allocations made by this thread (const-initialised: reading it never allocates).
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn allocations_on_this_thread() -> usize {
    ALLOCATIONS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // `try_with`: during thread teardown the slot may be gone; those allocations are not ours.
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// `Q(a) = −Σ (a_j − 0.3)²`, written without allocating.
struct Bowl;

impl ActionValue<f32> for Bowl {
    fn evaluate(
        &mut self,
        actions: ArrayView2<f32>,
        _samples_per_state: usize,
        mut q: ArrayViewMut1<f32>,
        mut grad_q: ArrayViewMut2<f32>,
    ) {
        for r in 0..actions.nrows() {
            let mut v = 0.0;
            for j in 0..actions.ncols() {
                let diff = actions[[r, j]] - 0.3;
                v -= diff * diff;
                grad_q[[r, j]] = -2.0 * diff;
            }
            q[r] = v;
        }
    }
}

#[test]
fn estimator_steady_state_calls_do_not_allocate() {
    let (b, k, d) = (32, 100, 6);
    let x_t = Array2::<f32>::from_shape_fn((b, d), |(i, j)| ((i * d + j) as f32 * 0.37).sin());
    let t: Vec<f64> = (0..b).map(|i| 0.05 + 0.9 * i as f64 / b as f64).collect();
    for structure in [
        CoefficientStructure::Pooled(Pooling::PerDimension),
        CoefficientStructure::Pooled(Pooling::Isotropic),
        CoefficientStructure::FullMatrix,
    ] {
        let mut est = RfmEstimator::<f32>::new(EstimatorSetup {
            samples_per_state: k,
            target: LogTarget {
                form: TargetForm::TanhLatent,
                temperature: 0.05,
            },
            control_variate: ControlVariate::Plugin(PluginCoefficient {
                structure,
                ..PluginCoefficient::default()
            }),
        });
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut q = Bowl;
        let sizing = allocations_on_this_thread();
        est.estimate(&LinearPath, &t, x_t.view(), &mut q, &mut rng);
        assert!(
            allocations_on_this_thread() > sizing,
            "the counter must see the first call size its workspace"
        );
        let before = allocations_on_this_thread();
        for _ in 0..3 {
            let e = est.estimate(&LinearPath, &t, x_t.view(), &mut q, &mut rng);
            assert!(e.velocity.iter().all(|v| v.is_finite()));
        }
        let after = allocations_on_this_thread();
        assert_eq!(
            after - before,
            0,
            "{structure:?}: {} allocations in steady state",
            after - before
        );
    }
}
