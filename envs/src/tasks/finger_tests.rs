//! Unit tests of the finger's private physics: MuJoCo's `dof_invweight0` and the spinner's
//! coast-down under friction and damping.

use super::*;

/// The soft limits' reference inverse inertia at q = 0 is MuJoCo's `dof_invweight0` of
/// the proximal and distal joints (78.965, 539.232; dm_control 1.0.34 / MuJoCo 3.3.6):
/// the same masses and inertias in f32, 1e-4 relative (see cheetah's test).
#[test]
fn inv_weight0_is_mujocos_dof_invweight0() {
    let f = Finger::new(FingerVariant::Spin);
    for (ours, mj) in f.inv_weight0().into_iter().zip([78.965_05, 539.231_6]) {
        let rel = (f64::from(ours) - mj).abs() / mj;
        assert!(rel < 1e-4, "{ours} vs MuJoCo's {mj}");
    }
}

/// Released at ω0 = −20 rad/s with no contact, finger-spin's spinner obeys
/// I ω̇ = −(f·sign ω + c ω) with dry friction f = 0.1 N·m and damping c = 0.03 N·m·s, so
/// |ω(t)| = (|ω0| + f/c) e^{−c t / I} − f/c. Semi-implicit Euler's error over 0.2 s is of
/// order (c/I)·dt ≈ 2 % per unit of c t / I ≈ 0.5, i.e. about 1 %; 3 % is allowed.
#[test]
fn spinner_coasts_down_at_friction_and_damping_rate() {
    let mut f = Finger::new(FingerVariant::Spin);
    // Finger folded away from the spinner, spinner released at −20 rad/s.
    f.set_joints([-1.5, 0.0, 0.0], [0.0, 0.0, -20.0]);
    assert!(!f.in_collision());
    f.advance(&[0.0, 0.0]);
    assert_eq!(f.reward().total, 1.0, "spinning at ≈ −20 rad/s is rewarded");
    // Inertia about the hinge axis (y) from rapier's mass properties.
    let mp = f.world.bodies[f.h.spinner].mass_properties().local_mprops;
    let inertia = f64::from(mp.reconstruct_inertia_matrix().y_axis.y);
    assert!((0.01..0.02).contains(&inertia), "I = {inertia}");
    let w1 = f64::from(f.velocities()[2]).abs();
    for _ in 0..10 {
        f.advance(&[0.0, 0.0]);
    }
    // Ten more control steps: t = 0.2 s after the first reading.
    let (fr, c, t) = (0.1, 0.03, 0.2);
    let expected = (w1 + fr / c) * (-c * t / inertia).exp() - fr / c;
    let got = f64::from(f.velocities()[2]).abs();
    assert!(
        (got - expected).abs() < 0.03 * expected,
        "|ω| {got} vs {expected}"
    );
}

/// The contact regulariser's scale is MuJoCo's `efc_diagApprox` of a fingertip–spinner contact,
/// the distal link's plus the spinner's `body_invweight0` (0.416628 + 0; the spinner's centre
/// of mass is on its hinge): 1e-4 relative, as the DoF weights above.
#[test]
fn contact_weight_is_mujocos_body_invweight0() {
    let f = Finger::new(FingerVariant::Spin);
    let (ours, mj) = (f64::from(f.contact_weight()), 0.416_627_78);
    assert!((ours - mj).abs() < 1e-4 * mj, "{ours} vs MuJoCo's {mj}");
}
