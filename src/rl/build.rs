//! From a typed configuration to an agent: the one place where an [`Algo`] becomes parts.

use rand::Rng;

use super::agent::Agent;
use super::entropy_backup::EntropyBackup;
use super::generative_agent::{GenerativeAgent, ParticleSettings, TargetSource};
use super::qvpo_agent::{QvpoAgent, QvpoSettings};
use super::sac_agent::SacAgent;
use crate::Scalar;
use crate::config::algo::Algo;
use crate::config::settings::TrainConfig;
use crate::critic::twin::TwinCritic;
use crate::estimators::{LogTarget, RfmEstimator, TargetForm};
use crate::nn::Params;
use crate::nn::gaussian_actor::GaussianActorNet;
use crate::nn::velocity_net::{VelocityNet, VelocityNetShape};
use crate::optim::{Adam, AdamConfig};
use crate::policies::diffusion_log_density::DiffusionLogDensity;
use crate::policies::generative::{GenerativeKind, GenerativePolicy};
use crate::policies::tanh_gaussian::TanhGaussianPolicy;

/// Builds the agent of `config.algo` for a task with the given dimensions, initialising every
/// network from `rng` (critics first, then the actor).
pub fn build_agent<T: Scalar, R: Rng + ?Sized>(
    config: &TrainConfig,
    obs_dim: usize,
    action_dim: usize,
    rng: &mut R,
) -> Box<dyn Agent<T>> {
    match build(config, obs_dim, action_dim, rng) {
        Built::Sac(a) => a,
        Built::Generative(a) => a,
        Built::Qvpo(a) => a,
    }
}

/// A built agent, by family (for tools that need the concrete parts).
pub enum Built<T: Scalar> {
    /// sac.
    Sac(Box<SacAgent<T>>),
    /// rfm, qne, maxentdp, dqs, qsm.
    Generative(Box<GenerativeAgent<T>>),
    /// qvpo.
    Qvpo(Box<QvpoAgent<T>>),
}

/// As [`build_agent`], returning the concrete agent.
pub fn build<T: Scalar, R: Rng + ?Sized>(
    config: &TrainConfig,
    obs_dim: usize,
    action_dim: usize,
    rng: &mut R,
) -> Built<T> {
    let c = &config.critic;
    let critic = TwinCritic::new(obs_dim, action_dim, *c, rng);
    let a = &config.actor;
    let mut actor = Params::<T>::new();
    if config.algo == Algo::Sac {
        let net = GaussianActorNet::new(obs_dim, action_dim, a.hidden, 2, &mut actor, rng);
        let policy = TanhGaussianPolicy { net };
        let s = &config.sac;
        return Built::Sac(Box::new(SacAgent::new(
            policy,
            actor,
            a.lr,
            a.max_grad_norm,
            critic,
            s.init_alpha,
            s.alpha_lr,
            s.target_entropy_per_dim * action_dim as f64,
        )));
    }
    let p = &config.sampler;
    let kind = match config.algo {
        Algo::Rfm => GenerativeKind::Flow(p.integrator),
        Algo::Qne | Algo::MaxEntDp | Algo::Qvpo => GenerativeKind::VpEpsilon(p.diffusion),
        Algo::Dqs | Algo::Qsm => GenerativeKind::VeScore(p.diffusion),
        Algo::Sac => unreachable!("handled above"),
    };
    let shape = VelocityNetShape {
        obs_dim,
        action_dim,
        hidden: a.hidden,
        residual_blocks: a.residual_blocks,
        embed_dim: a.embed_dim,
    };
    let net = VelocityNet::new(shape, p.temperature, &mut actor, rng);
    let policy = GenerativePolicy {
        kind,
        net,
        steps: p.steps,
        t_min: p.t_min,
        denoiser_clip: match config.algo {
            Algo::MaxEntDp => Some(config.maxentdp.denoiser_clip),
            Algo::Qvpo => Some(config.qvpo.denoiser_clip),
            _ => None,
        }
        .filter(|&c| c > 0.0),
    };
    if config.algo == Algo::Qvpo {
        let q = &config.qvpo;
        let settings = QvpoSettings {
            behavior_samples: p.particles_act,
            target_samples: p.particles_train,
            eval_samples: p.particles_eval,
            train_samples: q.train_samples,
            entropy_alpha: q.entropy_alpha,
            entropy_samples: q.entropy_samples,
            tau: c.tau,
        };
        let adam = Adam::new(AdamConfig::with_lr(a.lr), &actor);
        let agent = QvpoAgent::new(policy, actor, adam, a.max_grad_norm, critic, settings);
        return Built::Qvpo(Box::new(agent));
    }
    let log_target = LogTarget {
        form: TargetForm::TanhLatent,
        temperature: p.temperature,
    };
    let e = &config.estimator;
    let target = if config.algo == Algo::Qsm {
        TargetSource::ScoreAtPoint(log_target)
    } else {
        TargetSource::Estimator(Box::new(RfmEstimator::new(e.setup(log_target))))
    };
    let entropy_backup = (config.algo == Algo::MaxEntDp).then(|| {
        let m = &config.maxentdp;
        EntropyBackup::new(
            DiffusionLogDensity {
                samples: m.log_prob_samples,
                steps: m.log_prob_steps,
                denoiser_clip: (m.denoiser_clip > 0.0).then_some(m.denoiser_clip),
            },
            p.temperature,
        )
    });
    let adam = Adam::new(AdamConfig::with_lr(a.lr), &actor);
    Built::Generative(Box::new(GenerativeAgent::new(
        policy,
        actor,
        adam,
        a.max_grad_norm,
        critic,
        target,
        ParticleSettings {
            act: p.particles_act,
            train: p.particles_train,
            eval: p.particles_eval,
            temperature: p.temperature,
        },
        e.proposal,
        entropy_backup,
    )))
}
