//! Configuration: defaults equal the authors' settings; bad files give errors naming the key.

use rfm::config::{Algo, Coefficient, ConfigError, Pooling, Preset, TrainConfig};

#[test]
fn default_is_the_authors_rfm_run() {
    let c = TrainConfig::default();
    assert_eq!(c.algo, Algo::Rfm);
    assert_eq!(c.schedule.total_steps, 250_000);
    assert_eq!(c.schedule.random_steps, 10_000);
    assert_eq!(c.schedule.batch_size, 256);
    assert_eq!(c.schedule.replay_capacity, 250_000);
    assert_eq!(c.schedule.eval_every, 10_000);
    assert_eq!(c.schedule.eval_episodes, 25);
    assert_eq!((c.critic.hidden, c.critic.layers), (256, 2));
    assert_eq!(
        (
            c.critic.lr,
            c.critic.gamma,
            c.critic.tau,
            c.critic.max_grad_norm
        ),
        (1e-3, 0.99, 0.005, 10.0)
    );
    assert_eq!(
        (c.actor.hidden, c.actor.residual_blocks, c.actor.embed_dim),
        (256, 2, 128)
    );
    assert_eq!((c.actor.lr, c.actor.max_grad_norm), (3e-4, 10.0));
    assert_eq!(c.sampler.temperature, 0.02);
    assert_eq!((c.sampler.steps, c.sampler.t_min), (10, 0.01));
    assert_eq!(
        (
            c.sampler.particles_act,
            c.sampler.particles_train,
            c.sampler.particles_eval
        ),
        (32, 32, 32)
    );
    assert_eq!(c.estimator.samples, 100);
    assert_eq!(
        c.estimator.coefficient,
        Coefficient::Optimal(Pooling::PerDimension)
    );
    assert_eq!((c.estimator.ridge, c.estimator.clip), (1e-4, 2.0));
    assert_eq!(TrainConfig::preset(Algo::Rfm, Preset::Paper), c);
    c.validate().unwrap();
}

#[test]
fn every_algo_and_preset_validates() {
    for a in Algo::ALL {
        for p in [Preset::Paper, Preset::Cpu, Preset::Demo] {
            let c = TrainConfig::preset(a, p);
            assert_eq!(c.algo, a);
            c.validate().unwrap_or_else(|e| panic!("{a} {p:?}: {e}"));
        }
    }
    let sac = Algo::Sac.paper_defaults();
    assert_eq!(
        (sac.critic.max_grad_norm, sac.actor.max_grad_norm),
        (0.0, 0.0)
    );
    assert_eq!(Algo::Dqs.paper_defaults().sampler.temperature, 0.05);
    assert_eq!(
        Algo::Qne.paper_defaults().estimator.coefficient,
        Coefficient::EtaZero
    );
}

/// MaxEntDP's paper preset is the `maxentdp` block of the authors' `configs/default.yaml`.
#[test]
fn maxentdp_defaults_are_the_authors_settings() {
    use rfm::config::settings::Proposal;
    use rfm::policies::diffusion_sampler::DiffusionMethod;
    let c = Algo::MaxEntDp.paper_defaults();
    let p = &c.sampler;
    assert_eq!((p.steps, p.temperature, p.t_min), (20, 0.02, 0.001));
    assert_eq!(
        (p.particles_act, p.particles_train, p.particles_eval),
        (1, 1, 32)
    );
    assert_eq!(p.diffusion, DiffusionMethod::Ddpm);
    assert_eq!(c.estimator.samples, 500);
    assert_eq!(c.estimator.coefficient, Coefficient::EtaZero);
    assert_eq!(c.estimator.proposal, Proposal::Buffer);
    assert_eq!((c.critic.max_grad_norm, c.actor.max_grad_norm), (0.0, 0.0));
    assert_eq!(
        (c.maxentdp.log_prob_samples, c.maxentdp.log_prob_steps),
        (50, 20)
    );
    let cpu = TrainConfig::preset(Algo::MaxEntDp, Preset::Cpu);
    assert_eq!(
        (cpu.sampler.particles_act, cpu.sampler.particles_train),
        (1, 1)
    );
    assert_eq!(
        <Algo as clap::ValueEnum>::from_str("maxentdp", false),
        Ok(Algo::MaxEntDp)
    );
    assert_eq!(
        serde_json::from_str::<Algo>("\"maxentdp\"").unwrap(),
        Algo::MaxEntDp
    );
    let bad = c
        .overlay_toml("[maxentdp]\nlog_prob_samples = 0\n")
        .unwrap_err();
    assert!(
        bad.to_string().contains("maxentdp.log_prob_samples"),
        "{bad}"
    );
}

/// QVPO's paper preset is the `qvpo` block of the authors' `configs/default.yaml`
/// (`beta_schedule: cosine`, `num_diffusion_steps: 20`, `noise_ratio: 1.0`, `behavior_sample:
/// 4`, `target_sample: 4`, `eval_sample: 32`, `train_sample: 64`, `entropy_alpha: 0.02`,
/// `entropy_samples: 10`) with `actor/critic.max_grad_norm: null`.
#[test]
fn qvpo_defaults_are_the_authors_settings() {
    use rfm::policies::diffusion_sampler::DiffusionMethod;
    let c = Algo::Qvpo.paper_defaults();
    let p = &c.sampler;
    assert_eq!(p.steps, 20);
    assert_eq!(p.diffusion, DiffusionMethod::Ddpm);
    assert_eq!(
        (p.particles_act, p.particles_train, p.particles_eval),
        (4, 4, 32)
    );
    let q = &c.qvpo;
    assert_eq!(
        (q.train_samples, q.entropy_alpha, q.entropy_samples),
        (64, 0.02, 10)
    );
    assert_eq!((c.critic.max_grad_norm, c.actor.max_grad_norm), (0.0, 0.0));
    assert_eq!((c.critic.lr, c.actor.lr, c.critic.tau), (1e-3, 3e-4, 0.005));
    assert_eq!(Algo::ALL.len(), 7);
    assert_eq!(
        <Algo as clap::ValueEnum>::from_str("qvpo", false),
        Ok(Algo::Qvpo)
    );
    assert_eq!(
        serde_json::from_str::<Algo>("\"qvpo\"").unwrap(),
        Algo::Qvpo
    );
    for (toml, key) in [
        ("[qvpo]\ntrain_samples = 1\n", "qvpo.train_samples"),
        ("[qvpo]\nentropy_alpha = -0.1\n", "qvpo.entropy_alpha"),
    ] {
        let bad = c.overlay_toml(toml).unwrap_err();
        assert!(bad.to_string().contains(key), "{bad}");
    }
    let cpu = TrainConfig::preset(Algo::Qvpo, Preset::Cpu);
    assert_eq!((cpu.sampler.particles_act, cpu.qvpo.train_samples), (4, 16));
    cpu.validate().unwrap();
    TrainConfig::preset(Algo::Qvpo, Preset::Demo)
        .validate()
        .unwrap();
}

#[test]
fn toml_overlay_replaces_only_given_keys() {
    let base = TrainConfig::preset(Algo::Rfm, Preset::Cpu);
    let c = base
        .overlay_toml("[estimator]\nsamples = 7\ncoefficient = { fixed = 0.25 }\n[sampler]\nintegrator = \"heun\"\n")
        .unwrap();
    assert_eq!(c.estimator.samples, 7);
    assert_eq!(c.estimator.coefficient, Coefficient::Fixed(0.25));
    assert_eq!(
        c.sampler.integrator,
        rfm::policies::flow_sampler::OdeMethod::Heun
    );
    assert_eq!(c.critic, base.critic);
    let c = base
        .overlay_toml("[estimator]\ncoefficient = { optimal = \"isotropic\" }\n")
        .unwrap();
    assert_eq!(
        c.estimator.coefficient,
        Coefficient::Optimal(Pooling::Isotropic)
    );
    // A round trip through TOML is the identity.
    let text = toml::to_string(&base).unwrap();
    assert_eq!(TrainConfig::default().overlay_toml(&text).unwrap(), base);
}

#[test]
fn unknown_key_is_named_with_the_allowed_ones() {
    let e = TrainConfig::default()
        .overlay_toml("[critic]\nlearning_rate = 0.1\n")
        .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("learning_rate"), "{msg}");
    assert!(msg.contains("lr"), "{msg}");
    let e = TrainConfig::default()
        .overlay_toml("[citic]\nlr = 0.1\n")
        .unwrap_err();
    assert!(e.to_string().contains("citic"), "{e}");
}

#[test]
fn out_of_range_value_names_key_value_and_range() {
    let e = TrainConfig::default()
        .overlay_toml("[critic]\ngamma = 1.5\n")
        .unwrap_err();
    match &e {
        ConfigError::OutOfRange {
            key,
            value,
            allowed,
        } => {
            assert_eq!(*key, "critic.gamma");
            assert_eq!(value, "1.5");
            assert!(allowed.contains("[0, 1)"), "{allowed}");
        }
        other => panic!("expected OutOfRange, got {other:?}"),
    }
    let e = TrainConfig::default()
        .overlay_toml("[sampler]\ntemperature = -0.1\n")
        .unwrap_err();
    assert!(e.to_string().contains("sampler.temperature = -0.1"), "{e}");
    let e = TrainConfig::default()
        .overlay_toml("[estimator]\nsamples = 0\n")
        .unwrap_err();
    assert!(e.to_string().contains("estimator.samples = 0"), "{e}");
}

#[test]
fn wrong_type_and_unknown_enum_are_named() {
    let e = TrainConfig::default()
        .overlay_toml("[schedule]\nbatch_size = \"big\"\n")
        .unwrap_err();
    assert!(
        e.to_string().contains("batch_size") || e.to_string().contains("integer"),
        "{e}"
    );
    let e = TrainConfig::default()
        .overlay_toml("[sampler]\nintegrator = \"rk4\"\n")
        .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("rk4") && msg.contains("euler") && msg.contains("heun"),
        "{msg}"
    );
    let e = TrainConfig::default()
        .overlay_toml("algo = \"ppo\"\n")
        .unwrap_err();
    assert!(e.to_string().contains("ppo"), "{e}");
}
