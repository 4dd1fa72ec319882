//! walker's contact and joint-limit fidelity under bang-bang actions: how deep geoms sink into
//! the floor and how far hinges overshoot their ranges, sampled after every physics step.
//!
//! MuJoCo's contacts and limits are soft too (solref 0.02 s), so neither is zero there; the
//! bounds below are what rapier's reactive limits and speculative contacts give at dm_control's
//! 2.5 ms timestep, with margin (see `tolerance::ENVS_WALKER_*`).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rfm_envs::Task;
use rfm_envs::planar::Shape;
use rfm_envs::tasks::walker::Walker;

#[allow(dead_code)] // shared presets; each test file uses its own
#[path = "common/tolerance.rs"]
mod tolerance;

/// Hinge ranges in degrees: hip, knee, ankle (walker.xml).
const RANGES_DEG: [[f32; 2]; 3] = [[-20.0, 100.0], [-150.0, 0.0], [-45.0, 45.0]];

/// Deepest point of any geom below z = 0, m (0 if none touches).
fn penetration(w: &Walker) -> f32 {
    let mut deepest: f32 = 0.0;
    for (_, pose, geom) in w.chain().geoms() {
        let low = match geom.shape {
            Shape::Capsule { a, b, radius } => (*pose * a).z.min((*pose * b).z) - radius,
            Shape::Sphere { center, radius } => (*pose * center).z - radius,
            Shape::Cuboid { .. } => unreachable!("walker has no boxes"),
        };
        deepest = deepest.max(-low);
    }
    deepest
}

/// Largest excursion of any hinge beyond its range, degrees.
fn overshoot_deg(w: &Walker) -> f32 {
    let mut worst: f32 = 0.0;
    for i in 0..6 {
        let q = w.chain().qpos(3 + i).to_degrees();
        let [lo, hi] = RANGES_DEG[i % 3];
        worst = worst.max(lo - q).max(q - hi);
    }
    worst
}

/// (max penetration m, max overshoot °) over 3 episodes of bang-bang actions switching every
/// 5 control steps, skipping each episode's first 20 control steps (the random initial pose may
/// start inside the floor or past no limit; contacts push it out, as in MuJoCo).
fn bang_bang_extremes(mut w: Walker, seed: u64) -> (f32, f32) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let per_control = (w.spec().control_timestep / w.chain().dt() as f64).round() as usize;
    let mut action = [0.0f32; 6];
    let (mut pen, mut over) = (0.0f32, 0.0f32);
    for _ in 0..3 {
        w.reset(&mut rng);
        for step in 0..1000 {
            if step % 5 == 0 {
                action
                    .iter_mut()
                    .for_each(|a| *a = if rng.random_bool(0.5) { 1.0 } else { -1.0 });
            }
            w.chain_mut().set_ctrl(&action);
            for _ in 0..per_control {
                w.chain_mut().step();
                if step >= 20 {
                    pen = pen.max(penetration(&w));
                    over = over.max(overshoot_deg(&w));
                }
            }
        }
    }
    (pen, over)
}

#[test]
fn walker_bang_bang_penetration_and_limit_overshoot_are_small() {
    for (name, w) in [("walk", Walker::walk()), ("run", Walker::run())] {
        let (pen, over) = bang_bang_extremes(w, 5);
        eprintln!("walker-{name}: max penetration {pen:.4} m, max limit overshoot {over:.2}°");
        assert!(
            pen < tolerance::ENVS_WALKER_MAX_PENETRATION,
            "walker-{name}: a geom sank {pen} m into the floor"
        );
        assert!(
            over < tolerance::ENVS_WALKER_MAX_LIMIT_OVERSHOOT_DEG,
            "walker-{name}: a hinge overshot its range by {over}°"
        );
    }
}
