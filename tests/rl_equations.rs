//! The actor's regression targets per policy kind and the critic's TD target
//! (`proofs/eq-policy-and-critic.md`).

#[path = "common/seeded.rs"]
mod seeded;

#[allow(dead_code)]
mod common;

use common::tolerance::ESTIMATOR_ROUNDOFF_RELATIVE;
use ndarray::{Array1, Array2};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm::autodiff::Tape;
use rfm::config::settings::CriticConfig;
use rfm::critic::twin::TwinCritic;
use rfm::nn::Params;
use rfm::nn::velocity_net::{VelocityNet, VelocityNetShape};
use rfm::paths::ProbabilityPath;
use rfm::policies::diffusion_sampler::DiffusionMethod;
use rfm::policies::flow_sampler::OdeMethod;
use rfm::policies::generative::{GenerativeKind, GenerativePolicy};
use rfm::transition::Batch;

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= ESTIMATOR_ROUNDOFF_RELATIVE * (1.0 + want.abs())
}

fn random(rng: &mut ChaCha8Rng, shape: (usize, usize)) -> Array2<f64> {
    Array2::from_shape_simple_fn(shape, || rng.random_range(-2.0..2.0))
}

proptest! {
    #![proptest_config(seeded::cases(16))]

    /// Flow regresses on the velocity, VP on μ̂_0, VE on −μ̂_0/β_t with weight β_t², which is the
    /// ε-space loss of the ε-prediction `−β_t f` the VE sampler integrates.
    #[test]
    fn rfm_eq_policy_regression_target_per_kind(
        b in 1usize..6,
        d in 1usize..5,
        t in prop::collection::vec(0.01f64..0.99, 6),
        seed in any::<u64>(),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let shape = VelocityNetShape { obs_dim: 2, action_dim: d, hidden: 4, residual_blocks: 0, embed_dim: 4 };
        let net = VelocityNet::new(shape, 0.1, &mut Params::<f64>::new(), &mut rng);
        let (mu_0, velocity, f) = (random(&mut rng, (b, d)), random(&mut rng, (b, d)), random(&mut rng, (b, d)));
        for kind in [
            GenerativeKind::Flow(OdeMethod::Euler),
            GenerativeKind::VpEpsilon(DiffusionMethod::Ddim),
            GenerativeKind::VeScore(DiffusionMethod::Ddim),
        ] {
            let policy = GenerativePolicy { kind, net: net.clone(), steps: 5, t_min: 1e-3, denoiser_clip: None };
            let mut y = Array2::zeros((b, d));
            policy.regression_target(&t[..b], mu_0.view(), velocity.view(), y.view_mut());
            for r in 0..b {
                let beta = policy.path().coefficients(t[r]).beta_t;
                let w = policy.loss_weight(t[r]);
                for j in 0..d {
                    let want = match kind {
                        GenerativeKind::Flow(_) => velocity[[r, j]],
                        GenerativeKind::VpEpsilon(_) => mu_0[[r, j]],
                        GenerativeKind::VeScore(_) => -mu_0[[r, j]] / beta,
                    };
                    prop_assert!(close(y[[r, j]], want), "{:?} row {} col {}: {} vs {}", kind, r, j, y[[r, j]], want);
                }
                let weighted: f64 = (0..d).map(|j| w * (f[[r, j]] - y[[r, j]]).powi(2)).sum();
                let eps_space: f64 = match kind {
                    GenerativeKind::VeScore(_) => (0..d).map(|j| (-beta * f[[r, j]] - mu_0[[r, j]]).powi(2)).sum(),
                    _ => (0..d).map(|j| (f[[r, j]] - y[[r, j]]).powi(2)).sum(),
                };
                prop_assert!(close(weighted, eps_space), "{:?}: weighted loss {} vs ε-space {}", kind, weighted, eps_space);
            }
        }
    }
}

/// The critic update's TD target, against the formula evaluated by hand with the target critics
/// recorded on a tape (an independent forward path from the one `update` uses).
#[test]
fn rfm_eq_td_target_is_reward_plus_discounted_twin_min() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let (b, o, d, gamma) = (16, 5, 3, 0.97);
    let settings = CriticConfig {
        hidden: 16,
        layers: 2,
        lr: 3e-4,
        gamma,
        tau: 0.005,
        max_grad_norm: 0.0,
    };
    let mut twin = TwinCritic::<f64>::new(o, d, settings, &mut rng);
    let mut batch = Batch::zeros(b, o, d);
    batch.obs = random(&mut rng, (b, o));
    batch.action = random(&mut rng, (b, d)).mapv(f64::tanh);
    batch.reward = random(&mut rng, (b, 1));
    batch.next_obs = random(&mut rng, (b, o));
    batch.terminated = Array2::from_shape_fn((b, 1), |(r, _)| f64::from(u8::from(r % 3 == 0)));
    let next_action = random(&mut rng, (b, d)).mapv(f64::tanh);
    let bonus: Vec<f64> = (0..b).map(|_| rng.random_range(-1.0..1.0)).collect();
    let mut q_bar = [Array1::zeros(b), Array1::zeros(b)];
    for (i, q) in q_bar.iter_mut().enumerate() {
        let mut tape = Tape::new();
        let s = tape.constant_view(batch.next_obs.view());
        let a = tape.constant_view(next_action.view());
        let (qv, _) = twin
            .net
            .forward_tape(&mut tape, &twin.target[i], false, s, a);
        q.assign(&tape.value(qv).column(0));
    }
    let want: f64 = (0..b)
        .map(|r| {
            let next = q_bar[0][r].min(q_bar[1][r]) + bonus[r];
            batch.reward[[r, 0]] + gamma * (1.0 - batch.terminated[[r, 0]]) * next
        })
        .sum::<f64>()
        / b as f64;
    let m = twin.update(&mut Tape::new(), &batch, next_action.view(), Some(&bonus));
    assert!(close(m.target_mean, want), "{} vs {want}", m.target_mean);
    // The bonus and the terminal mask matter: without them the mean differs.
    let plain: f64 = (0..b)
        .map(|r| batch.reward[[r, 0]] + gamma * q_bar[0][r].min(q_bar[1][r]))
        .sum::<f64>()
        / b as f64;
    assert!(!close(plain, want));
}
