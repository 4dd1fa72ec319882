//! Exact identities of the family on the same samples (paper-notes/math-outline.md §3–§5), on every path.

#[path = "common/seeded.rs"]
mod seeded;

mod common;

use common::strategies::{any_eta, any_path, multimodal_case};
use proptest::prelude::*;
use rfm::audit::checks_identities::{
    check_c_eta_mapping, check_eta_interpolation, check_posterior_mean_identity,
    check_velocity_consistency,
};

proptest! {
    #![proptest_config(seeded::cases(96))]

    #[test]
    fn rfm_claim_eta_interpolation_is_exact_on_the_same_samples(
        case in multimodal_case(), path in any_path(), eta in any_eta(),
    ) {
        let o = check_eta_interpolation(&case, &path, eta);
        prop_assert!(o.passed(), "{o:?}");
    }

    #[test]
    fn rfm_claim_c_eta_mapping_data_space_equals_noise_space(
        case in multimodal_case(), path in any_path(),
        c in prop::collection::vec(-2.0f64..2.0, 3),
    ) {
        let o = check_c_eta_mapping(&case, &path, &c[..case.dim]);
        prop_assert!(o.passed(), "{o:?}");
    }

    #[test]
    fn rfm_claim_posterior_mean_identity_holds_exactly(
        case in multimodal_case(), path in any_path(), eta in any_eta(),
    ) {
        let o = check_posterior_mean_identity(&case, &path, eta);
        prop_assert!(o.passed(), "{o:?}");
    }

    #[test]
    fn rfm_claim_velocity_consistency_from_mu_1_and_mu_0(
        case in multimodal_case(), path in any_path(), eta in any_eta(),
    ) {
        let o = check_velocity_consistency(&case, &path, eta);
        prop_assert!(o.passed(), "{o:?}");
    }
}
