//! The agent's networks at the peers' MLP shapes (see benches/README.md for the PyTorch/JAX
//! figures), each through the one definition the agent runs (`rfm::nn`):
//! - `policy_fwd`: the Gaussian actor ([`GaussianActorNet`]) 24 → 256 → 256 → 6 ReLU forward on
//!   its tape-free backend (what acting runs), batch 256 and 1;
//! - `policy_train_b256`: the same network's forward + MSE + backward + Adam through the tape
//!   (what the agent's actor update does), batch 256;
//! - `critic_grad_a_8192`: ∇ₐQ of the critic ([`CriticNet`], 17 + 6 → 256 → 256 → 1 ReLU) for
//!   8192 rows (256 states × 32 actions): the agent's fused backend (row blocks in cache, the
//!   state's part of the first layer once per state, packed weights included in the timing)
//!   and its tape backend (the repeated-state tape of f64 runs and CPUs without the kernels);
//! - `sgemm`: single-precision GEMM at the project's shapes, throughput in FLOP/s.
//!
//! Each case runs twice: under wall-clock time (group names as above) and under process CPU
//! time (group names prefixed `cpu/`). On a shared, oversubscribed machine the wall-clock time
//! measures the queue as much as the code; the CPU time of a one-thread run
//! (`MATMUL_NUM_THREADS=1 RAYON_NUM_THREADS=1`) is the work itself, comparable to the peers'
//! one-thread figures taken on a quiet machine.
//!
//! Run (short, the machine is shared):
//! `cargo bench --bench mlp -- --warm-up-time 1 --measurement-time 3`

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ndarray::{Array1, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::Tape;
use rfm::linalg::gemm;
use rfm::nn::critic_net::{CriticNet, CriticScratch};
use rfm::nn::gaussian_actor::GaussianActorNet;
use rfm::nn::stack::StackScratch;
use rfm::nn::stack_fused::FusedOutputs;
use rfm::nn::{ParamMode, Params};
use rfm::optim::{Adam, AdamConfig};
use std::hint::black_box;

/// CPU time of the whole process (all threads), from `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`.
struct ProcessCpuTime;

#[repr(C)]
struct Timespec {
    tv_sec: i64,
    tv_nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
}

/// `CLOCK_PROCESS_CPUTIME_ID` on Linux.
const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;

fn process_cpu_ns() -> u64 {
    let mut t = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec; the clock id exists on Linux.
    let rc = unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
}

/// Nanosecond values, so criterion's duration formatter applies.
static WALL: WallTime = WallTime;

impl Measurement for ProcessCpuTime {
    type Intermediate = u64;
    type Value = u64;
    fn start(&self) -> u64 {
        process_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        process_cpu_ns() - start
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}

/// Group-name prefix per measurement.
trait Tag {
    const TAG: &'static str;
}
impl Tag for WallTime {
    const TAG: &'static str = "";
}
impl Tag for ProcessCpuTime {
    const TAG: &'static str = "cpu/";
}

const OBS: usize = 17;
const ACT: usize = 6;
const HID: usize = 256;
/// The peers' policy MLP is 24 → 256 → 256 → 6: a Gaussian actor with a 24-d state and a 3-d
/// action (mean and log σ: 6 outputs).
const POLICY_OBS: usize = OBS + ACT + 1;
const POLICY_ACT: usize = 3;

fn randn(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Array2<f32> {
    Array2::from_shape_simple_fn((rows, cols), || rng.random_range(-1.0f32..1.0))
}

fn policy(rng: &mut ChaCha8Rng) -> (GaussianActorNet, Params<f32>) {
    let mut params = Params::new();
    let net = GaussianActorNet::new(POLICY_OBS, POLICY_ACT, HID, 2, &mut params, rng);
    (net, params)
}

fn policy_forward<M: Measurement + Tag + 'static>(c: &mut Criterion<M>) {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let (net, params) = policy(&mut rng);
    let mut group = c.benchmark_group(format!("{}policy_fwd", M::TAG));
    for batch in [256, 1] {
        let x = randn(batch, POLICY_OBS, &mut rng);
        let mut scratch = StackScratch::default();
        let mut y = Array2::<f32>::zeros((batch, 2 * POLICY_ACT));
        group.bench_function(BenchmarkId::new("infer", batch), |b| {
            b.iter(|| {
                net.infer(&params, black_box(x.view()), &mut scratch, y.view_mut());
                black_box(y[[0, 0]]);
            })
        });
    }
    group.finish();
}

fn policy_train<M: Measurement + Tag + 'static>(c: &mut Criterion<M>) {
    let batch = 256;
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let (net, mut params) = policy(&mut rng);
    let x = randn(batch, POLICY_OBS, &mut rng);
    let y = randn(batch, 2 * POLICY_ACT, &mut rng);
    let mut group = c.benchmark_group(format!("{}policy_train_b256", M::TAG));
    // Through the tape: bind as leaves, MSE, backward, copy gradients out, Adam.
    let mut adam = Adam::new(AdamConfig::with_lr(3e-4), &params);
    let mut grads = params.zeros_like();
    let mut tape = Tape::<f32>::new();
    group.bench_function("tape", |b| {
        b.iter(|| {
            tape.clear();
            let vars = params.bind(&mut tape, ParamMode::Trainable);
            let xv = tape.constant_view(x.view());
            let yv = tape.constant_view(y.view());
            let out = net.on_tape(&mut tape, &vars, xv);
            let diff = tape.sub(out, yv);
            let sq = tape.square(diff);
            let loss = tape.mean(sq);
            tape.backward(loss);
            vars.grads_into(&tape, &mut grads);
            adam.step(&mut params, &grads);
        })
    });
    group.finish();
}

fn critic_grad_a<M: Measurement + Tag + 'static>(c: &mut Criterion<M>) {
    let (states, n) = (256, 32);
    let rows = states * n;
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let (critic, params) = CriticNet::new::<f32, _>(OBS, ACT, HID, 2, &mut rng);
    let obs = randn(states, OBS, &mut rng);
    let actions = randn(rows, ACT, &mut rng);
    let mut group = c.benchmark_group(format!("{}critic_grad_a_8192", M::TAG));
    group.sample_size(20);
    let mut q = Array1::<f32>::zeros(rows);
    let mut grad_a = Array2::<f32>::zeros((rows, ACT));
    let outputs = FusedOutputs::ValuesAndGradients;
    if critic.fused(&params, obs.view(), outputs).is_some() {
        group.bench_function("fused", |b| {
            b.iter(|| {
                let f = critic.fused(&params, obs.view(), outputs).expect("checked");
                f.evaluate(n, actions.view(), q.view_mut(), Some(grad_a.view_mut()));
                black_box(grad_a[[0, 0]]);
            })
        });
    }
    let mut tape = Tape::<f32>::new();
    let mut scratch = CriticScratch::default();
    group.bench_function("tape", |b| {
        b.iter(|| {
            tape.clear();
            let a = tape.leaf_view(actions.view());
            let q =
                critic.forward_tape_repeated(&mut tape, &params, obs.view(), n, a, &mut scratch);
            let s = tape.sum(q);
            tape.backward(s);
            black_box(tape.grad(a).unwrap()[[0, 0]]);
        })
    });
    group.finish();
}

fn sgemm<M: Measurement + Tag + 'static>(c: &mut Criterion<M>) {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut group = c.benchmark_group(format!("{}sgemm", M::TAG));
    group.sample_size(20);
    // (m, k, n): critic hidden layer at 8192 and 25,600 rows (B·K), the policy layer at 256.
    for (m, k, n) in [
        (256, 256, 256),
        (8192, 256, 256),
        (25_600, 256, 256),
        (8192, 23, 256),
    ] {
        let a = randn(m, k, &mut rng);
        let bm = randn(k, n, &mut rng);
        let mut cm = Array2::<f32>::zeros((m, n));
        group.throughput(Throughput::Elements((2 * m * k * n) as u64));
        group.bench_function(BenchmarkId::from_parameter(format!("{m}x{k}x{n}")), |b| {
            b.iter(|| gemm(1.0, a.view(), bm.view(), 0.0, cm.view_mut()))
        });
    }
    group.finish();
}

criterion_group!(
    wall,
    policy_forward::<WallTime>,
    policy_train::<WallTime>,
    critic_grad_a::<WallTime>,
    sgemm::<WallTime>
);
criterion_group! {
    name = cpu;
    config = Criterion::default().with_measurement(ProcessCpuTime);
    targets = policy_forward::<ProcessCpuTime>,
        policy_train::<ProcessCpuTime>,
        critic_grad_a::<ProcessCpuTime>,
        sgemm::<ProcessCpuTime>
}
criterion_main!(wall, cpu);
