//! MLP speed at the peers' shapes (see benches/README.md for the PyTorch/JAX figures):
//! - `policy_fwd`: 24 → 256 → 256 → 6 ReLU forward (tape-free fast path), batch 256 and 1;
//! - `policy_train_b256`: forward + backward + Adam on an MSE loss, batch 256, through the tape
//!   (what the agent's actor update does) and through the fused tape-free backward;
//! - `critic_grad_a_8192`: ∇ₐQ of a 23 → 256 → 256 → 1 ReLU critic for 8192 rows (256 states ×
//!   32 actions), fast path (forward + input VJP over the 6 action columns), tape path, and the
//!   agent's fused critic (`rfm::critic::fused`: row blocks in cache, the state's part of
//!   the first layer once per state, packed weights included in the timing);
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
use ndarray::{Array1, Array2, s};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::Tape;
use rfm::critic::fused::{CriticOutputs, CriticWeights, FusedCritic};
use rfm::linalg::gemm;
use rfm::nn::{Activation, Init, Mlp, MlpWorkspace, ParamMode, Params};
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

fn randn(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Array2<f32> {
    Array2::from_shape_simple_fn((rows, cols), || rng.random_range(-1.0f32..1.0))
}

fn net(sizes: &[usize], rng: &mut ChaCha8Rng) -> (Mlp, Params<f32>) {
    let mut params = Params::new();
    let mlp = Mlp::new(
        &mut params,
        "net",
        sizes,
        Activation::Relu,
        Init::TorchDefault,
        rng,
    );
    (mlp, params)
}

fn policy_forward<M: Measurement + Tag + 'static>(c: &mut Criterion<M>) {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let (mlp, params) = net(&[OBS + ACT + 1, HID, HID, ACT], &mut rng);
    let mut group = c.benchmark_group(format!("{}policy_fwd", M::TAG));
    for batch in [256, 1] {
        let x = randn(batch, OBS + ACT + 1, &mut rng);
        let mut ws = MlpWorkspace::new();
        group.bench_function(BenchmarkId::new("fast", batch), |b| {
            b.iter(|| {
                let y = mlp.forward_fast(&params, black_box(x.view()), &mut ws);
                black_box(y[[0, 0]]);
            })
        });
    }
    group.finish();
}

fn policy_train<M: Measurement + Tag + 'static>(c: &mut Criterion<M>) {
    let batch = 256;
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let (mlp, params0) = net(&[OBS + ACT + 1, HID, HID, ACT], &mut rng);
    let x = randn(batch, OBS + ACT + 1, &mut rng);
    let y = randn(batch, ACT, &mut rng);
    let mut group = c.benchmark_group(format!("{}policy_train_b256", M::TAG));

    // Through the tape: bind as leaves, MSE, backward, copy gradients out, Adam.
    let mut params = params0.clone();
    let mut adam = Adam::new(AdamConfig::with_lr(3e-4), &params);
    let mut grads = params.zeros_like();
    let mut tape = Tape::<f32>::new();
    group.bench_function("tape", |b| {
        b.iter(|| {
            tape.clear();
            let vars = params.bind(&mut tape, ParamMode::Trainable);
            let xv = tape.constant_view(x.view());
            let yv = tape.constant_view(y.view());
            let out = mlp.forward(&mut tape, &vars, xv);
            let diff = tape.sub(out, yv);
            let sq = tape.square(diff);
            let loss = tape.mean(sq);
            tape.backward(loss);
            vars.grads_into(&tape, &mut grads);
            adam.step(&mut params, &grads);
        })
    });

    // Fused, tape-free: forward into the workspace, dL/dout = 2(out − y)/(B·d), backward, Adam.
    let mut params = params0.clone();
    let mut adam = Adam::new(AdamConfig::with_lr(3e-4), &params);
    let mut grads = params.zeros_like();
    let mut ws = MlpWorkspace::new();
    let mut d_out = Array2::<f32>::zeros((batch, ACT));
    let scale = 2.0 / (batch * ACT) as f32;
    group.bench_function("fused", |b| {
        b.iter(|| {
            let out = mlp.forward_fast(&params, x.view(), &mut ws);
            ndarray::Zip::from(&mut d_out)
                .and(&out)
                .and(&y)
                .for_each(|d, &o, &t| *d = scale * (o - t));
            mlp.backward_fast(&params, &mut ws, x.view(), d_out.view(), &mut grads);
            adam.step(&mut params, &grads);
        })
    });
    group.finish();
}

fn critic_grad_a<M: Measurement + Tag + 'static>(c: &mut Criterion<M>) {
    let rows = 256 * 32;
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let (critic, params) = net(&[OBS + ACT, HID, HID, 1], &mut rng);
    let sa = randn(rows, OBS + ACT, &mut rng);
    let ones = Array2::<f32>::ones((rows, 1));
    let mut group = c.benchmark_group(format!("{}critic_grad_a_8192", M::TAG));
    group.sample_size(20);

    let mut ws = MlpWorkspace::new();
    let mut grad_a = Array2::<f32>::zeros((rows, ACT));
    group.bench_function("fast", |b| {
        b.iter(|| {
            critic.forward_fast(&params, black_box(sa.view()), &mut ws);
            critic.input_grad(
                &params,
                &mut ws,
                ones.view(),
                OBS..OBS + ACT,
                grad_a.view_mut(),
            );
            black_box(grad_a[[0, 0]]);
        })
    });

    // The same weights as the fused critic's layers: W₀ split into its state and action rows.
    let obs = randn(256, OBS, &mut rng);
    let actions = randn(rows, ACT, &mut rng);
    let v = params.values();
    let weights = CriticWeights {
        w_obs: v[0].slice(s![..OBS, ..]),
        w_action: v[0].slice(s![OBS.., ..]),
        b_in: v[1].view(),
        hidden: vec![(v[2].view(), v[3].view())],
        out: (v[4].view(), v[5].view()),
    };
    let mut q = Array1::<f32>::zeros(rows);
    if FusedCritic::new(&weights, obs.view(), CriticOutputs::ValuesAndGradients).is_some() {
        group.bench_function("fused", |b| {
            b.iter(|| {
                let f = FusedCritic::new(&weights, obs.view(), CriticOutputs::ValuesAndGradients)
                    .expect("checked");
                f.evaluate(32, actions.view(), q.view_mut(), Some(grad_a.view_mut()));
                black_box(grad_a[[0, 0]]);
            })
        });
    }

    let mut tape = Tape::<f32>::new();
    group.bench_function("tape", |b| {
        b.iter(|| {
            tape.clear();
            let vars = params.bind(&mut tape, ParamMode::Frozen);
            let x = tape.leaf_view(sa.view());
            let q = critic.forward(&mut tape, &vars, x);
            let s = tape.sum(q);
            tape.backward(s);
            black_box(tape.grad(x).unwrap()[[0, 0]]);
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
