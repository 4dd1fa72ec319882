//! The estimator's setup is derived from the training configuration by one function,
//! `config::EstimatorConfig::setup` (with `Coefficient::control_variate`): each configured
//! coefficient becomes the member of the family it names, and the defaults of the file are the
//! estimator's defaults.

use proptest::prelude::*;
use rfm::config::settings::EstimatorConfig;
use rfm::config::{Coefficient, Pooling, TrainConfig};
use rfm::estimators::{
    CoefficientSpace, CoefficientStructure, ControlVariate, EstimatorSetup, LogTarget,
    PluginCoefficient, TargetForm,
};

fn any_pooling() -> impl Strategy<Value = Pooling> {
    prop_oneof![Just(Pooling::PerDimension), Just(Pooling::Isotropic)]
}

fn any_coefficient() -> impl Strategy<Value = Coefficient> {
    prop_oneof![
        Just(Coefficient::EtaZero),
        Just(Coefficient::EtaOne),
        (-3.0f64..3.0).prop_map(Coefficient::Fixed),
        any_pooling().prop_map(Coefficient::Optimal),
        any_pooling().prop_map(Coefficient::CrossFitted),
    ]
}

#[test]
fn the_default_configuration_sets_up_the_default_estimator() {
    let config = TrainConfig::default();
    let target = LogTarget {
        form: TargetForm::TanhLatent,
        temperature: config.sampler.temperature,
    };
    assert_eq!(config.estimator.setup(target), EstimatorSetup::default());
}

proptest! {
    #[test]
    fn each_coefficient_sets_up_the_member_it_names(
        coefficient in any_coefficient(),
        samples in 1usize..500,
        ridge in 0.0f64..1.0,
        clip in prop_oneof![Just(0.0f64), 0.01f64..10.0],
        temperature in 0.001f64..1.0,
    ) {
        let config = EstimatorConfig {
            samples,
            coefficient,
            ridge,
            clip,
            ..EstimatorConfig::default()
        };
        let target = LogTarget { form: TargetForm::TanhLatent, temperature };
        let setup = config.setup(target);
        prop_assert_eq!(setup.samples_per_state, samples);
        prop_assert_eq!(setup.target, target);
        let plugin = |pooling: Pooling| PluginCoefficient {
            structure: CoefficientStructure::Pooled(pooling),
            ridge,
            clip: if clip > 0.0 { Some(clip) } else { None },
            space: CoefficientSpace::Data,
        };
        let expected = match coefficient {
            Coefficient::EtaZero => ControlVariate::Eta(0.0),
            Coefficient::EtaOne => ControlVariate::Eta(1.0),
            Coefficient::Fixed(eta) => ControlVariate::Eta(eta),
            Coefficient::Optimal(p) => ControlVariate::Plugin(plugin(p)),
            Coefficient::CrossFitted(p) => ControlVariate::CrossFitted(plugin(p)),
        };
        prop_assert_eq!(setup.control_variate, expected);
    }
}
