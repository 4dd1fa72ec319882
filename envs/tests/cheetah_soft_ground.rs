//! cheetah v3's ground: MuJoCo's capsule–plane contact (`[ENV:Eq.capsule-plane-contact]`),
//! solved jointly with MuJoCo's soft contact law, and the gait it gives against the recorded
//! MuJoCo runs (`tests/data/mujoco_pairs.json`, seeds 11–13 under the zero, random and sine
//! drives).

#[path = "common/gait.rs"]
mod gait;
#[path = "common/pairs.rs"]
mod pairs;

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rapier3d::prelude::Vector;
use rfm_envs::planar::{MAX_SWEEPS, capsule_plane_contacts};
use rfm_envs::tasks::cheetah::CheetahRun;
use rfm_envs::{Task, TaskId};

use gait::Sample;
use pairs::Drive;

fn point() -> impl Strategy<Value = Vector> {
    (-1.0f32..1.0, -0.1f32..0.1, -0.2f32..0.3).prop_map(|(x, y, z)| Vector::new(x, y, z))
}

proptest! {
    /// The deepest contact is the capsule's deepest point: the minimum over the segment of
    /// (z − h) − ρ (sampled at 1001 points, which a linear function attains at an end), and
    /// there is a contact exactly when that is ≤ 0.
    #[test]
    fn env_eq_capsule_plane_contact_is_at_the_capsules_deepest_point(
        a in point(), b in point(), radius in 0.01f32..0.1, height in -0.1f32..0.1,
    ) {
        let deepest = (0..=1000)
            .map(|i| (a + (b - a) * (i as f32 / 1000.0)).z - height - radius)
            .fold(f32::INFINITY, f32::min);
        let contacts = capsule_plane_contacts(a, b, radius, height);
        if deepest > 1e-6 {
            prop_assert!(contacts.is_empty(), "{contacts:?} with clearance {deepest}");
        } else if deepest < -1e-6 {
            let r = contacts.iter().map(|c| c.0).fold(f32::INFINITY, f32::min);
            prop_assert!((r - deepest).abs() <= 1e-5, "{r} vs {deepest}");
        }
        prop_assert!(contacts.len() <= 2);
    }

    /// Each contact sits midway through its end cap's overlap, under the cap's centre:
    /// p = e − ẑ (ρ + r/2), so p_z − h = r/2.
    #[test]
    fn env_eq_capsule_plane_contact_point_is_midway_through_the_overlap(
        a in point(), b in point(), radius in 0.01f32..0.1, height in -0.1f32..0.1,
    ) {
        for (r, p) in capsule_plane_contacts(a, b, radius, height) {
            prop_assert!(r <= 0.0);
            prop_assert!((p.z - height - 0.5 * r).abs() <= 1e-5, "{p:?}, r = {r}");
            let end = if (a.x - p.x).abs() <= 1e-6 && (a.y - p.y).abs() <= 1e-6 { a } else { b };
            prop_assert!((end.x - p.x).abs() <= 1e-6 && (end.y - p.y).abs() <= 1e-6);
        }
    }

    /// A capsule lying flat in the floor touches at both end caps, equally deep (MuJoCo makes
    /// two contacts for it, one per cap).
    #[test]
    fn env_eq_capsule_plane_contact_flat_capsule_touches_at_both_ends(
        x in -1.0f32..1.0, len in 0.01f32..0.5, depth in 0.0001f32..0.01, radius in 0.01f32..0.1,
    ) {
        let z = radius - depth;
        let (a, b) = (Vector::new(x, 0.0, z), Vector::new(x + len, 0.0, z));
        let c = capsule_plane_contacts(a, b, radius, 0.0);
        prop_assert_eq!(c.len(), 2);
        prop_assert!((c[0].0 + depth).abs() <= 1e-5 && (c[1].0 + depth).abs() <= 1e-5, "{:?}", c);
        prop_assert!((c[0].1.x - x).abs() <= 1e-6 && (c[1].1.x - x - len).abs() <= 1e-5);
    }
}

/// MuJoCo 3.3.6's `body_invweight0[:, 0]` of cheetah.xml's bodies (torso, bthigh, bshin,
/// bfoot, fthigh, fshin, ffoot), the regulariser's scale of their ground contacts. Ours come
/// from the same f32 mass matrix as `cheetah_inv_weight0_is_mujocos_dof_invweight0`, so 1e-4
/// relative covers the rounding; a wrong Jacobian or mass is off by percents.
#[test]
fn cheetah_body_invweight0_is_mujocos() {
    let mujoco = [
        0.064_157_52,
        0.096_911_02,
        0.127_209_23,
        0.243_749_28,
        0.081_483_79,
        0.131_996_82,
        0.266_144_1,
    ];
    let c = CheetahRun::new();
    let weights = c.chain().ground_inv_weights();
    // torso and head on the torso, then one capsule per leg segment.
    assert_eq!(weights.len(), 8);
    for (k, &(body, ours)) in weights.iter().enumerate() {
        let mj = mujoco[k.saturating_sub(1)];
        if k < 2 {
            assert_eq!(body, c.torso(), "capsule {k} (torso, head) is on the torso");
        } else if let Some(f) = [4, 7].iter().position(|&i| i == k) {
            assert_eq!(body, c.feet()[f], "capsule {k} is a foot");
        }
        let rel = (f64::from(ours) - mj).abs() / mj;
        assert!(rel < 1e-4, "capsule {k}: {ours} vs MuJoCo's {mj}");
    }
}

/// Block Gauss–Seidel over the ground contacts reaches its tolerance (no force changes by
/// more than 10⁻⁶ of the largest) before [`MAX_SWEEPS`] on every step of three random-drive
/// episodes and one at full actuation, with several contacts at once on many steps; the
/// forces stay in the cone (fₙ ≥ 0, |fₜ| ≤ μ fₙ, μ = 1).
#[test]
fn cheetah_ground_contacts_converge_within_the_sweep_limit() {
    let mut task = CheetahRun::new();
    let (mut worst, mut coupled, mut steps) = (0usize, 0usize, 0usize);
    for seed in 0..4u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        task.reset(&mut rng);
        for t in 0..1000 {
            let a: Vec<f32> = (0..6)
                .map(|j| {
                    if seed == 3 {
                        if (t / 25 + j) % 2 == 0 { 1.0 } else { -1.0 }
                    } else {
                        rng.random_range(-1.0..1.0)
                    }
                })
                .collect();
            task.advance(&a);
            let touches = task.chain().ground_touches();
            let active = touches.iter().filter(|t| t.1.force[0] > 0.0).count();
            coupled += usize::from(active >= 2);
            steps += usize::from(!touches.is_empty());
            for (_, t) in touches {
                worst = worst.max(t.sweeps);
                assert!(t.force[0] >= 0.0, "pull {t:?}");
                assert!(
                    t.force[1].abs() <= t.force[0] * (1.0 + 1e-5) + 1e-6,
                    "{t:?}"
                );
            }
        }
    }
    assert!(
        coupled >= 500,
        "only {coupled} of {steps} steps with coupled contacts"
    );
    assert!(
        worst < MAX_SWEEPS,
        "a step took {worst} sweeps (limit {MAX_SWEEPS})"
    );
}

/// rfm's foot slip at rest (zero drive) may be at most this multiple of MuJoCo's (v2: 10×;
/// v3 measured 1.33×: 0.0093 against 0.0070 m/s, cause not found; suspects in
/// paper-notes/envs-vs-dm_control.md).
const REST_SLIP_FACTOR: f64 = 1.5;

/// Foot slip, the fraction of foot samples on the ground and the mean forward speed of rfm's
/// cheetah against MuJoCo's, over seeds 11–13 from the same starts under the same actions:
/// the 3-seed means agree within MuJoCo's own spread ([`Sample::tolerance`]). cheetah v2
/// (rapier's contacts) failed every slip and ground check of the random and sine drives
/// (slip 0.81 / 1.73 m/s against 0.36 / 0.53, ground 0.61 against 0.94 under the sine) and
/// the sine drive's speed (+0.13 against −0.33 m/s). At rest (zero drive) MuJoCo's drift
/// (0.002 m/s) and creep do not change with its timestep, so its spread gives no tolerance
/// there: the speed at rest is not checked (rfm's drifts at 0.006 m/s) and the slip at rest
/// is held within [`REST_SLIP_FACTOR`] of MuJoCo's.
#[test]
fn cheetah_feet_grip_like_mujocos() {
    let stats = gait::gait_samples(TaskId::CheetahRun, 0);
    assert_eq!(stats.len(), 3, "zero, random and sine drives");
    let mut failures = Vec::new();
    for (drive, samples) in &stats {
        for (k, name) in ["foot slip", "ground fraction", "forward speed"]
            .iter()
            .enumerate()
        {
            if *drive == Drive::Zero && k == 2 {
                continue;
            }
            let s = samples[k];
            let (gap, tol) = (s.gap(), s.tolerance());
            if *drive == Drive::Zero && k == 0 {
                // At rest MuJoCo's creep does not change with its timestep and its seeds
                // agree, so its spread gives no usable bound: a stated factor instead.
                let ratio = Sample::mean(&s.rfm) / Sample::mean(&s.mujoco);
                println!("Zero foot slip: rfm / MuJoCo {ratio:.2}, allowed {REST_SLIP_FACTOR}");
                if ratio > REST_SLIP_FACTOR {
                    failures.push(format!("at-rest slip {ratio:.2}× MuJoCo's"));
                }
                continue;
            }
            println!(
                "{drive:?} {name}: rfm {:.3} MuJoCo {:.3} (dt/2 {:.3}) gap {gap:.3} allowed {tol:.3}",
                Sample::mean(&s.rfm),
                Sample::mean(&s.mujoco),
                Sample::mean(&s.half_dt)
            );
            if gap > tol {
                failures.push(format!("{drive:?} {name}: gap {gap:.3} > {tol:.3}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}
