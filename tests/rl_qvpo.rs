//! QVPO's Q-weighted denoising loss, its weight transform and its uniform-action entropy rows
//! (`proofs/eq-qvpo-weighted-loss.md`), and a short run on a 6-D task.

#[path = "common/seeded.rs"]
mod seeded;

#[path = "common/tiny_run.rs"]
mod tiny_run;

use ndarray::{Array1, Array2};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::Tape;
use rfm::config::{Algo, TrainConfig};
use rfm::nn::Params;
use rfm::policies::diffusion_sampler::DiffusionMethod;
use rfm::policies::generative::{GenerativeKind, GenerativePolicy};
use rfm::policies::velocity_net::{VelocityNet, VelocityNetShape};
use rfm::rl::build::{Built, build};
use rfm::rl::q_weights::{ACTION_MARGIN, entropy_rows, q_weight};
use rfm::rl::qvpo_agent::QvpoAgent;
use rfm::rl::trainer::{TrainOptions, train};
use rfm::run::csv_log::read_csv;
use rfm::run::files;
use tiny_run::{record, tmp};

/// `ω` of a slice of Q values.
fn w(q: &[f64]) -> f64 {
    q_weight(Array1::from(q.to_vec()).view())
}

/// The authors' `q_adv_weights(q_best, v = mean q)`: `max(q_best − v, 0)`, on known inputs.
#[test]
fn rfm_eq_qvpo_weight_transform_is_the_best_advantage_over_the_sample_mean() {
    assert_eq!(w(&[1.0, 2.0, 3.0, 6.0]), 3.0); // 6 − 12/4
    assert_eq!(w(&[-2.0, 0.0]), 1.0); // 0 − (−1)
    assert_eq!(w(&[5.0, 5.0, 5.0]), 0.0); // all equal: no advantage
    assert_eq!(w(&[7.5]), 0.0); // one sample is its own mean
    assert_eq!(w(&[-4.0, -1.0, -1.0, -2.0]), 1.0); // −1 − (−8/4)
}

proptest! {
    #![proptest_config(seeded::cases(128))]

    /// ω ≥ 0; ω(q + c) = ω(q); ω(k q) = k ω(q) for k > 0; raising the best value by δ raises
    /// ω by exactly δ (1 − 1/N) (the best moves by δ, the mean by δ/N). Tolerance: the f64
    /// round-off of a mean of N ≤ 64 values of size ≤ 1e3 (shifted by ≤ 1e3), 1e-9 absolute.
    #[test]
    fn rfm_eq_qvpo_weight_transform_is_non_negative_shift_invariant_scale_equivariant_and_monotone(
        q in prop::collection::vec(-100.0f64..100.0, 1..64),
        c in -1000.0f64..1000.0,
        k in 0.01f64..10.0,
        delta in 0.0f64..50.0,
    ) {
        let n = q.len() as f64;
        let base = w(&q);
        prop_assert!(base >= 0.0);
        let shifted: Vec<f64> = q.iter().map(|v| v + c).collect();
        prop_assert!((w(&shifted) - base).abs() <= 1e-9, "{} vs {}", w(&shifted), base);
        let scaled: Vec<f64> = q.iter().map(|v| k * v).collect();
        prop_assert!((w(&scaled) - k * base).abs() <= 1e-9);
        let mut raised = q.clone();
        let best = (0..q.len()).fold(0, |b, i| if q[i] > q[b] { i } else { b });
        raised[best] += delta;
        let want = base + delta * (1.0 - 1.0 / n);
        prop_assert!((w(&raised) - want).abs() <= 1e-9, "{} vs {want}", w(&raised));
        prop_assert!(w(&raised) >= base - 1e-12);
    }

    /// The gradient of `(1/R) Σ_r ω_r ‖ε̂_θ(x_r, t_r | s_r) − ε_r‖²/d` in every parameter is
    /// the ω-weighted sum over rows of the one-row unweighted loss's gradient, divided by R
    /// (the reference formula, by linearity); unit weights give the unweighted loss exactly.
    /// Both sides are f64 sums of the same products in another order: relative 1e-10.
    #[test]
    fn rfm_eq_qvpo_weighted_loss_gradient_is_the_weighted_mean_of_the_per_row_gradients(
        rows in 1usize..6,
        d in 1usize..4,
        weights in prop::collection::vec(0.0f64..5.0, 6),
        t in prop::collection::vec(0.001f64..0.999, 6),
        seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let shape = VelocityNetShape { obs_dim: 3, action_dim: d, hidden: 8, residual_blocks: 1, embed_dim: 4 };
        let mut params = Params::<f64>::new();
        let net = VelocityNet::new(shape, 0.02, &mut params, &mut rng);
        let policy = GenerativePolicy {
            kind: GenerativeKind::VpEpsilon(DiffusionMethod::Ddpm),
            net,
            steps: 4,
            t_min: 1e-3,
            denoiser_clip: None,
        };
        let draw = |rng: &mut ChaCha8Rng, c: usize| {
            Array2::from_shape_simple_fn((rows, c), || rng.random_range(-2.0..2.0))
        };
        let (obs, x_t, eps) = (draw(&mut rng, 3), draw(&mut rng, d), draw(&mut rng, d));
        let (t, weights) = (&t[..rows], &weights[..rows]);
        let grads = |obs: &Array2<f64>, x: &Array2<f64>, e: &Array2<f64>, t: &[f64], w: Option<&[f64]>| {
            let mut tape = Tape::new();
            let (loss, vars) = policy.weighted_regression_loss(&mut tape, &params, obs.view(), x.view(), t, e.view(), w);
            let value = tape.value(loss)[[0, 0]];
            tape.backward(loss);
            let g: Vec<Array2<f64>> = vars.iter().map(|v| tape.grad(*v).unwrap().to_owned()).collect();
            (value, g)
        };
        let (value, got) = grads(&obs, &x_t, &eps, t, Some(weights));
        let mut want: Vec<Array2<f64>> = got.iter().map(|g| Array2::zeros(g.raw_dim())).collect();
        let mut want_value = 0.0;
        for r in 0..rows {
            let row = |a: &Array2<f64>| a.slice(ndarray::s![r..r + 1, ..]).to_owned();
            let (v, g) = grads(&row(&obs), &row(&x_t), &row(&eps), &t[r..r + 1], None);
            want_value += weights[r] * v / rows as f64;
            for (acc, gi) in want.iter_mut().zip(&g) {
                acc.scaled_add(weights[r] / rows as f64, gi);
            }
        }
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-10 * (1.0 + b.abs());
        prop_assert!(close(value, want_value), "loss {} vs {}", value, want_value);
        for (g, h) in got.iter().zip(&want) {
            for (a, b) in g.iter().zip(h.iter()) {
                prop_assert!(close(*a, *b), "gradient {} vs {}", a, b);
            }
        }
        let ones = vec![1.0; rows];
        let mut tape = Tape::new();
        let (plain, _) = policy.regression_loss(&mut tape, &params, obs.view(), x_t.view(), t, eps.view());
        let plain = tape.value(plain)[[0, 0]];
        prop_assert_eq!(grads(&obs, &x_t, &eps, t, Some(&ones)).0.to_bits(), plain.to_bits());
    }
}

/// The entropy rows' actions `tanh(u)` are uniform on `[−1, 1]` (clipped at the margin) and
/// carry the weight `α ω`. Monte Carlo over n = 60 000 coordinates, fixed seed: the mean of
/// U[−1, 1] has sd `sqrt(1/(3n))`, the mean of a² (E = 1/3, Var = 1/5 − 1/9 = 4/45) has sd
/// `sqrt(4/(45 n))`, the fraction in [0, 1/2) (p = 1/4) has sd `sqrt(3/(16 n))`; 5 sd each.
#[test]
fn rfm_eq_qvpo_entropy_actions_are_uniform_on_the_box_with_weight_alpha_times_the_state_weight() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let (rows, d) = (10_000, 6);
    let mut u = Array2::<f64>::zeros((rows, d));
    assert_eq!(entropy_rows(0.02, 3.0, &mut rng, u.view_mut()), 0.02 * 3.0);
    let a = u.mapv(f64::tanh);
    let n = (rows * d) as f64;
    let lim = ACTION_MARGIN.atanh();
    assert!(u.iter().all(|v| v.is_finite() && v.abs() <= lim + 1e-12));
    let mean = a.sum() / n;
    let second = a.mapv(|v| v * v).sum() / n;
    let quarter = a.iter().filter(|v| (0.0..0.5).contains(*v)).count() as f64 / n;
    assert!(mean.abs() <= 5.0 * (1.0 / (3.0 * n)).sqrt(), "mean {mean}");
    assert!(
        (second - 1.0 / 3.0).abs() <= 5.0 * (4.0 / (45.0 * n)).sqrt(),
        "E a² {second}"
    );
    assert!(
        (quarter - 0.25).abs() <= 5.0 * (3.0 / (16.0 * n)).sqrt(),
        "P(0 ≤ a < 1/2) = {quarter}"
    );
    assert_eq!(entropy_rows(0.0, 3.0, &mut rng, u.view_mut()), 0.0);
}

/// A qvpo agent with the tiny test settings on `obs_dim × action_dim`, in f64.
fn agent(config: &TrainConfig, o: usize, d: usize) -> Box<QvpoAgent<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    match build::<f64, _>(config, o, d, &mut rng) {
        Built::Qvpo(a) => a,
        _ => panic!("qvpo builds a QvpoAgent"),
    }
}

/// In the agent's rows: row b is the argmax-Q sample of state b with ω_b computed from all
/// of that state's samples; the entropy rows repeat their state with weight α ω_b; with
/// α = 0 there are no entropy rows.
#[test]
fn rfm_eq_qvpo_entropy_rows_follow_their_state_and_vanish_at_alpha_zero() {
    let (b, o, d) = (5, 4, 3);
    let mut config = tiny_run::tiny(Algo::Qvpo, 300);
    (config.qvpo.train_samples, config.qvpo.entropy_samples) = (6, 3);
    let mut qvpo = agent(&config, o, d);
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let obs = Array2::from_shape_simple_fn((b, o), || rng.random_range(-1.0..1.0));
    qvpo.training_rows(obs.view(), &mut rng);
    let (n, e, alpha) = (6, 3, config.qvpo.entropy_alpha);
    let draw = qvpo.last_draw().clone();
    let (rows_obs, rows_u, weights) = qvpo.rows();
    assert_eq!(
        (rows_obs.nrows(), rows_u.nrows(), weights.len()),
        (b * (1 + e), b * (1 + e), b * (1 + e))
    );
    for s in 0..b {
        let q = draw.q.slice(ndarray::s![s * n..(s + 1) * n]);
        let best = (0..n).fold(0, |m, i| if q[i] > q[m] { i } else { m });
        assert_eq!(draw.chosen[s], s * n + best);
        assert_eq!(rows_u.row(s), draw.latents.row(s * n + best));
        assert_eq!(rows_obs.row(s), obs.row(s));
        assert_eq!(weights[s], q_weight(q));
        for k in 0..e {
            let r = b + s * e + k;
            assert_eq!(rows_obs.row(r), obs.row(s));
            assert_eq!(weights[r], alpha * weights[s]);
        }
    }
    config.qvpo.entropy_alpha = 0.0;
    let mut plain = agent(&config, o, d);
    plain.training_rows(obs.view(), &mut rng);
    assert_eq!(plain.rows().2.len(), b);
}

/// A few hundred steps on cheetah-run (6-D actions, contacts): finite losses, every file.
#[test]
fn qvpo_trains_on_cheetah_run_with_finite_losses_and_files() {
    let dir = tmp("qvpo_cheetah");
    let rec = rfm::run::record::RunRecord {
        task: rfm_envs::TaskId::CheetahRun,
        ..record(Algo::Qvpo, 300, 1)
    };
    let out = train(&dir, &rec, &TrainOptions::default()).unwrap();
    assert_eq!((out.steps, out.updates, out.halted), (300, 200, false));
    for f in [
        files::EVAL_CSV,
        files::TRAIN_CSV,
        files::CHECKPOINT,
        files::AGENT,
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let (header, rows) = read_csv(&dir.join(files::TRAIN_CSV)).unwrap();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), 10);
    for r in &rows {
        for c in ["critic_loss", "actor_loss", "q_mean", "actor_grad_norm"] {
            assert!(r[col(c)].is_finite(), "{c}: {r:?}");
        }
        assert!(r[col("ess_mean")].is_nan(), "qvpo has no estimator");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
