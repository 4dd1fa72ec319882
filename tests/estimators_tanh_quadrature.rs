//! paper-notes/math-outline.md §8: the 1-D tanh-latent posterior mean by our own quadrature and by SNIS.

use rfm::audit::quadrature::{
    check_tanh_quadrature_reference, check_tanh_quadrature_snis, tanh_posterior_by_quadrature,
};

#[test]
fn rfm_claim_tanh_quadrature_matches_published_values() {
    let outcome = check_tanh_quadrature_reference();
    let (mu_1, v) = tanh_posterior_by_quadrature(400_000);
    assert!(outcome.passed(), "{outcome:?}: mu_1 = {mu_1}, v = {v}");
}

#[test]
fn rfm_claim_tanh_quadrature_snis_members_agree_with_quadrature() {
    // K = 2·10⁵ as in paper-notes/math-outline.md §8; the tolerance is derived inside the check.
    for outcome in check_tanh_quadrature_snis(200_000, 7) {
        assert!(outcome.passed(), "{outcome:?}");
    }
}
