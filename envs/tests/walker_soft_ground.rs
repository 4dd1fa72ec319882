//! walker v4's ground (MuJoCo's capsule–plane soft contacts with the pyramidal cone, solved
//! once per 2.5 ms physics step) and soft joint limits: the gait it gives against the recorded
//! MuJoCo runs (`tests/data/mujoco_pairs.json`, reset seeds 11–13 under the zero, random and
//! sine drives, 300 control steps each).

#[path = "common/gait.rs"]
mod gait;
#[path = "common/pairs.rs"]
mod pairs;

use rfm_envs::TaskId;

/// walker's forward coordinate in MuJoCo's order (rootz, rootx, rooty, …): `rootx`.
const FORWARD: usize = 1;

/// Foot slip, the fraction of foot samples on the ground and the mean forward speed under the
/// zero, random and sine drives, of rfm's walker against MuJoCo's from the same starts under
/// the same actions: each 3-seed mean within MuJoCo's own spread,
/// [`gait::Sample::tolerance`] = MuJoCo's largest dt/2 change on one seed + 2 standard
/// deviations of a difference of two 3-seed means (√(2/3) × MuJoCo's seed-to-seed sd).
/// walker v3 (rapier's contacts and hard limits) slipped 1.21 / 1.08 / 1.15 m/s under the
/// random drive and 1.51 / 1.63 / 1.56 under the sine against MuJoCo's 0.43 / 0.52 / 0.70 and
/// 0.34 / 0.26 / 0.54 (a gap of about 0.6 and 1.2 m/s, allowed 0.27 and 0.29), and 0.064 /
/// 0.052 / 0.047 at rest against 0.007 / 0.010 / 0.006 (allowed 0.006). Unlike cheetah's, the
/// walker's seeds differ at rest (it falls from its reset pose), so MuJoCo's spread bounds the
/// zero drive too. The random and sine drives' bounds are wide (MuJoCo's seeds scatter: ground
/// fraction 0.09–0.43, random speed −0.12 to +0.15 m/s); slip is the sharp check.
#[test]
fn walker_feet_grip_like_mujocos() {
    let stats = gait::gait_samples(TaskId::WalkerWalk, FORWARD);
    assert_eq!(stats.len(), 3, "zero, random and sine drives");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (drive, samples) in &stats {
        for (k, name) in ["foot slip", "ground fraction", "forward speed"]
            .iter()
            .enumerate()
        {
            let s = samples[k];
            let (gap, tol) = (s.gap(), s.tolerance());
            println!(
                "{drive:?} {name}: rfm {:.3} MuJoCo {:.3} (dt/2 {:.3}) gap {gap:.3} allowed {tol:.3}",
                gait::Sample::mean(&s.rfm),
                gait::Sample::mean(&s.mujoco),
                gait::Sample::mean(&s.half_dt)
            );
            checked += 1;
            if gap > tol {
                failures.push(format!("{drive:?} {name}: gap {gap:.3} > {tol:.3}"));
            }
        }
    }
    assert_eq!(checked, 9, "three statistics of three drives");
    assert!(failures.is_empty(), "{failures:?}");
}

/// MuJoCo 3.3.6's `dof_invweight0` (in its order rootz, rootx, rooty, right hip, knee, ankle,
/// left hip, knee, ankle) and `body_invweight0[:, 0]` (torso, right thigh, leg, foot, left
/// thigh, leg, foot) of walker.xml: the reference inverse inertias that scale the soft limits'
/// and contacts' regularisers. Ours come from the f32 mass matrix at q = 0, so 1e-4 relative
/// covers the rounding (as for cheetah's); a wrong mass, inertia or Jacobian is off by percents.
#[test]
fn walker_inv_weights_are_mujocos() {
    let dof = [
        0.036_327_59,
        0.080_016_96,
        1.431_475_76,
        5.844_796_81,
        9.658_820_19,
        33.746_040_05,
        5.844_796_81,
        9.658_820_19,
        33.746_040_05,
    ];
    let body = [
        0.038_781_52,
        0.052_447_57,
        0.064_303_55,
        0.152_492_54,
        0.052_447_57,
        0.064_303_55,
        0.152_492_54,
    ];
    let w = rfm_envs::tasks::walker::Walker::walk();
    // chain DoFs are x, z, pitch, hinges; MuJoCo's root order is z, x, pitch.
    let order = [1, 0, 2, 3, 4, 5, 6, 7, 8];
    for (k, &mj) in dof.iter().enumerate() {
        let ours = f64::from(w.chain().inv_weight0()[order[k]]);
        assert!(
            (ours - mj).abs() / mj < 1e-4,
            "dof {k}: {ours} vs MuJoCo's {mj}"
        );
    }
    let weights = w.chain().ground_inv_weights();
    assert_eq!(weights.len(), 7, "one capsule per body");
    for (k, (&(b, ours), &mj)) in weights.iter().zip(&body).enumerate() {
        assert_eq!(b, w.bodies()[k], "capsule {k} is on body {k}");
        let ours = f64::from(ours);
        assert!(
            (ours - mj).abs() / mj < 1e-4,
            "body {k}: {ours} vs MuJoCo's {mj}"
        );
    }
}
