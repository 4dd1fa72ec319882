//! Measurements behind `paper-notes/presets.md` (not a pass/fail test): the error of the
//! actor's regression target against a high-K reference on the same batch, as a function of K
//! and of the coefficient (η = 0, η = 1, plug-in optimum), and the mean Q of the selected
//! action as a function of particles and sampling steps. Uses the critic and policy of a
//! finished demo run (`runs/demo`, written by `cargo run --release`).

use ndarray::{Array1, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::Tape;
use rfm::checkpoint::Checkpoint;
use rfm::checkpoint::Persist;
use rfm::config::{Coefficient, Pooling};
use rfm::critic::action_value::CriticActionValue;
use rfm::estimators::{ControlVariate, EstimatorConfig, LogTarget, RfmEstimator, TargetForm};
use rfm::paths::{LinearPath, ProbabilityPath};
use rfm::policies::noise::fill_standard_normal;
use rfm::policies::resample::Selection;
use rfm::rl::build::{Built, build, control_variate};
use rfm::run::state::record_of;

#[test]
#[ignore = "measurement for paper-notes/presets.md; needs runs/demo from `cargo run --release`; prints tables"]
fn presets_regression_target_error_and_sampling_quality() {
    let c = Checkpoint::read("runs/demo/checkpoint.safetensors")
        .expect("run `cargo run --release` first");
    let record = record_of(&c).unwrap();
    let task = record.task;
    let (o, d) = (task.spec().obs_dim(), task.spec().action_dim());
    let Built::Generative(mut agent) =
        build::<f32, _>(&record.config, o, d, &mut ChaCha8Rng::seed_from_u64(0))
    else {
        panic!("demo run is not a generative agent")
    };
    agent.load(&c).unwrap();
    let len: usize = c.metadata("replay_len").unwrap().parse().unwrap();
    let replay_obs = c.tensor::<f32>("replay.obs", (len, o)).unwrap();
    let b = 256;
    let obs = Array2::from_shape_fn((b, o), |(r, j)| replay_obs[[(r * 7919) % len, j]]);
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let temperature = record.config.sampler.temperature;
    let sel = Selection::Softmax { temperature };

    // Training points x_t from reference endpoints (32 particles, 10 Euler steps).
    agent.policy.steps = 10;
    let mut u1 = Array2::<f32>::zeros((b, d));
    agent.sample_selected(obs.view(), 32, sel, &mut rng, Some(u1.view_mut()), None);
    let t: Vec<f64> = (0..b).map(|_| rng.random_range(0.01..0.99)).collect();
    let mut eps = Array2::<f32>::zeros((b, d));
    fill_standard_normal(&mut rng, eps.view_mut());
    let path = LinearPath;
    let x_t = Array2::from_shape_fn((b, d), |(r, j)| {
        let k = path.coefficients(t[r]);
        (k.alpha_t as f32) * u1[[r, j]] + (k.beta_t as f32) * eps[[r, j]]
    });
    let target = LogTarget {
        form: TargetForm::TanhLatent,
        temperature,
    };
    let mut tape = Tape::<f32>::new();
    let mut velocity = |k: usize, cv: ControlVariate, seed: u64| -> (Array2<f32>, f64) {
        let mut est = RfmEstimator::new(EstimatorConfig {
            samples_per_state: k,
            target,
            control_variate: cv,
        });
        let mut qv = CriticActionValue::new(&agent.critic, obs.view(), &mut tape);
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        let e = est.estimate(&path, &t, x_t.view(), &mut qv, &mut r);
        let ess = e.diagnostics.ess.iter().map(|v| *v as f64).sum::<f64>() / b as f64;
        (e.velocity.to_owned(), ess)
    };
    let (cfg_ridge, cfg_clip) = (record.config.estimator.ridge, record.config.estimator.clip);
    let optimal = control_variate(
        Coefficient::Optimal(Pooling::PerDimension),
        cfg_ridge,
        cfg_clip,
    );
    let (v_ref, ess_ref) = velocity(5_000, optimal.clone(), 999);
    let ref_power = v_ref.iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / b as f64;
    println!(
        "\nreference: K = 5000, plug-in per dimension; ESS {ess_ref:.0}; mean ‖v_ref‖² {ref_power:.3}"
    );
    println!("relative MSE of the velocity target, all t | t ≥ 0.5 only");
    println!("| K | η = 0 | η = 1 | optimal (per dim.) | ESS |");
    println!("|---|---|---|---|---|");
    for k in [4usize, 16, 32, 100, 500] {
        let mut row = Vec::new();
        let mut ess_k = 0.0;
        for cv in [
            ControlVariate::Eta(0.0),
            ControlVariate::Eta(1.0),
            optimal.clone(),
        ] {
            let seeds = 5;
            let (mut err, mut err_hi) = (0.0, 0.0);
            let late: Vec<usize> = (0..b).filter(|&r| t[r] >= 0.5).collect();
            let late_power = late
                .iter()
                .map(|&r| {
                    v_ref
                        .row(r)
                        .iter()
                        .map(|v| (*v as f64).powi(2))
                        .sum::<f64>()
                })
                .sum::<f64>();
            for s in 0..seeds {
                let (v, ess) = velocity(k, cv.clone(), s);
                ess_k = ess;
                err += v
                    .iter()
                    .zip(v_ref.iter())
                    .map(|(a, r)| ((*a - *r) as f64).powi(2))
                    .sum::<f64>()
                    / b as f64;
                err_hi += late
                    .iter()
                    .map(|&r| {
                        v.row(r)
                            .iter()
                            .zip(v_ref.row(r).iter())
                            .map(|(a, x)| ((*a - *x) as f64).powi(2))
                            .sum::<f64>()
                    })
                    .sum::<f64>();
            }
            row.push((
                err / seeds as f64 / ref_power,
                err_hi / seeds as f64 / late_power,
            ));
        }
        println!(
            "| {k} | {:.4} \\| {:.4} | {:.3e} \\| {:.4} | {:.4} \\| {:.4} | {ess_k:.1} |",
            row[0].0, row[0].1, row[1].0, row[1].1, row[2].0, row[2].1
        );
    }

    // Sampling quality: mean min(Q1, Q2) of the selected action (softmax(Q/λ) selection).
    println!("\n| particles | Euler steps | mean Q of selected action |");
    println!("|---|---|---|");
    let mut actions = Array2::<f32>::zeros((b, d));
    let mut q = Array1::<f32>::zeros(b);
    for p in [1usize, 4, 8, 32] {
        for steps in [2usize, 5, 10] {
            agent.policy.steps = steps;
            let mut total = 0.0;
            let reps = 4;
            for s in 0..reps {
                let mut r = ChaCha8Rng::seed_from_u64(100 + s);
                agent.sample_selected(obs.view(), p, sel, &mut r, None, Some(actions.view_mut()));
                agent
                    .critic
                    .q_min(false, obs.view(), actions.view(), 1, q.view_mut());
                total += q.iter().map(|v| *v as f64).sum::<f64>() / b as f64;
            }
            println!("| {p} | {steps} | {:.3} |", total / reps as f64);
        }
    }
}
