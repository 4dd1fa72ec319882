//! finger's soft contact against MuJoCo's: what the fingertip does to the spinner over whole
//! episodes (`tests/data/mujoco_finger.json`, see its README), and the contact law's properties.
//!
//! Touching the spinner makes the motion chaotic, so the runs are compared as distributions:
//! from MuJoCo's recorded starting states under the same actions, the fraction of control
//! steps in contact, the mean |change of spinner rate| over a touching step ("kick per touch")
//! and the mean spinner speed.

#[path = "common/pairs.rs"]
mod pairs;

use pairs::floats;
use rfm_envs::tasks::finger::{Finger, FingerVariant};
use rfm_envs::{PhysicsState, Task};
use serde_json::Value;

/// One episode's record: per control step whether a contact acted; the |change of spinner
/// rate| over each touching step (its "kicks", rad/s); the mean |spinner rate| after the steps.
struct Episode {
    touching: Vec<bool>,
    kicks: Vec<f64>,
    mean_abs_omega: f64,
    /// Median contact depth over the episode's contacts, m (0 without contacts).
    depth_median: f64,
}

/// A recorded run: its drive, start and actions, MuJoCo at its timestep and at half of it.
struct Run {
    kind: String,
    start: PhysicsState,
    actions: Vec<[f32; 2]>,
    mujoco: Episode,
    half_dt: Episode,
}

fn episode(v: &Value) -> Episode {
    Episode {
        touching: v["touching"]
            .as_str()
            .expect("touching flags")
            .chars()
            .map(|c| c == '1')
            .collect(),
        kicks: floats(&v["kicks"]),
        mean_abs_omega: v["mean_abs_omega"].as_f64().expect("mean_abs_omega"),
        depth_median: v["depth_median"].as_f64().expect("depth_median"),
    }
}

fn load(task: &str) -> Vec<Run> {
    let path = format!(
        "{}/tests/data/mujoco_finger.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let all: Value = serde_json::from_str(&text).expect("valid JSON");
    let steps = all["steps"].as_u64().expect("steps") as usize;
    let (hz, amp) = (
        all["sine_hz"].as_f64().unwrap(),
        all["sine_amplitude"].as_f64().unwrap(),
    );
    let t = &all["tasks"][task];
    let dt = t["control_dt"].as_f64().expect("control_dt");
    t["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|r| {
            let kind = r["actions_kind"].as_str().expect("kind").to_string();
            let actions = match kind.as_str() {
                "random" => splitmix_actions(r["reset_seed"].as_u64().expect("seed"), steps),
                "sine" => (0..steps)
                    .map(|i| {
                        let ph = 2.0 * std::f64::consts::PI * hz * i as f64 * dt;
                        let a = |j: f64| (amp * (ph + std::f64::consts::PI * j).sin()) as f32;
                        [a(0.0), a(1.0)]
                    })
                    .collect(),
                k => panic!("unknown drive {k}"),
            };
            let start = PhysicsState {
                qpos: floats(&r["qpos0"]),
                qvel: floats(&r["qvel0"]),
            };
            Run {
                kind,
                actions,
                mujoco: episode(&r["mujoco"]),
                half_dt: episode(&r["mujoco_half_dt"]),
                start,
            }
        })
        .collect()
}

/// rfm's episode from the run's start under its actions.
fn replay(variant: FingerVariant, run: &Run) -> (Episode, Vec<f32>) {
    let mut f = Finger::new(variant);
    f.set_state(&run.start).expect("recorded state");
    let (mut touching, mut omega, mut depths) = (Vec::new(), Vec::new(), Vec::new());
    for a in &run.actions {
        f.advance(a);
        touching.push(f.touched());
        omega.push(f64::from(f.velocities()[2]));
        depths.extend(f.contacts().iter().map(|t| t.depth));
    }
    depths.sort_by(f32::total_cmp);
    let before = std::iter::once(run.start.qvel[2]).chain(omega.iter().copied());
    let kicks = touching
        .iter()
        .zip(omega.iter().zip(before))
        .filter(|(t, _)| **t)
        .map(|(_, (w, prev))| (w - prev).abs())
        .collect();
    let e = Episode {
        kicks,
        touching,
        mean_abs_omega: omega.iter().map(|w| w.abs()).sum::<f64>() / omega.len() as f64,
        depth_median: depths.get(depths.len() / 2).map_or(0.0, |&d| f64::from(d)),
    };
    (e, depths)
}

/// Per-episode statistics: touching fraction, kick per touch (None without a touch), mean |ω|.
fn stats(e: &Episode) -> [Option<f64>; 3] {
    let k = &e.kicks;
    [
        Some(k.len() as f64 / e.touching.len() as f64),
        (!k.is_empty()).then(|| k.iter().sum::<f64>() / k.len() as f64),
        Some(e.mean_abs_omega),
    ]
}

/// The random drive: SplitMix64 from state `seed`, two draws per step (proximal, distal),
/// each u = (z >> 11) 2⁻⁵³ giving the action 2u − 1 in f32 (the recorder applies the same f32
/// values to MuJoCo).
fn splitmix_actions(seed: u64, steps: usize) -> Vec<[f32; 2]> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (2.0 * ((z >> 11) as f64 * 2f64.powi(-53)) - 1.0) as f32
    };
    (0..steps).map(|_| [next(), next()]).collect()
}

/// The random drive's first actions as the recorder's Python computes them.
#[test]
fn finger_random_drive_is_the_recorders_splitmix() {
    let a = splitmix_actions(101, 3);
    let python = [
        [0.632_882_42, -0.965_617_18],
        [-0.462_695_27, 0.109_160_83],
        [0.720_028_82, -0.630_453_41],
    ];
    for (ours, theirs) in a.iter().zip(python) {
        for (x, y) in ours.iter().zip(theirs) {
            assert!((f64::from(*x) - y).abs() < 1e-7, "{x} vs {y}");
        }
    }
    assert!((f64::from(splitmix_actions(0, 1)[0][0]) - 0.766_621_59).abs() < 1e-7);
}

/// Mean and standard error over episodes of each statistic (episodes without it left out).
fn summary(eps: &[&Episode]) -> [(f64, f64); 3] {
    let per: Vec<[Option<f64>; 3]> = eps.iter().map(|e| stats(e)).collect();
    std::array::from_fn(|k| {
        let xs: Vec<f64> = per.iter().filter_map(|s| s[k]).collect();
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
        (mean, (var / n).sqrt())
    })
}

const NAMES: [&str; 3] = [
    "touching fraction",
    "kick per touch (rad/s)",
    "spinner |ω| (rad/s)",
];

/// rfm against MuJoCo on the random drive of `task`: each statistic's mean over the recorded
/// episodes. Tolerance: rfm and MuJoCo are independent draws of a chaotic system from the
/// same starts (both at the 10 ms step), so their difference of means has standard error
/// √(SE_rfm² + SE_mj²) from the seed-to-seed spread of each; 3 of those (a false alarm below
/// 0.3 % if the laws agree). MuJoCo's own change when its timestep is halved is printed: it is
/// of the same size (more, shorter touches at 5 ms), so a tolerance narrower than the seed
/// spread would claim more than MuJoCo's discretisation does.
fn check_random_drive(task: &str, variant: FingerVariant) {
    let runs: Vec<Run> = load(task)
        .into_iter()
        .filter(|r| r.kind == "random")
        .collect();
    assert!(runs.len() >= 30, "{task}: {} random runs", runs.len());
    let replays: Vec<(Episode, Vec<f32>)> = runs.iter().map(|r| replay(variant, r)).collect();
    let rfm = summary(&replays.iter().map(|r| &r.0).collect::<Vec<_>>());
    let mj = summary(&runs.iter().map(|r| &r.mujoco).collect::<Vec<_>>());
    let half = summary(&runs.iter().map(|r| &r.half_dt).collect::<Vec<_>>());
    // How deep the tip sinks: the median over episodes of the per-episode median depth must
    // lie inside the interquartile range of MuJoCo's per-episode medians. For n episodes from
    // one distribution the sample median's standard error is about 1.25 σ/√n (0.2 σ for
    // n = 40), far inside the IQR's ±0.67 σ; rapier's contact held the tip under 1 mm.
    let medians = |eps: &mut dyn Iterator<Item = &Episode>| {
        let mut m: Vec<f64> = eps.map(|e| e.depth_median).filter(|&d| d > 0.0).collect();
        m.sort_by(f64::total_cmp);
        m
    };
    let ours = medians(&mut replays.iter().map(|r| &r.0));
    let theirs = medians(&mut runs.iter().map(|r| &r.mujoco));
    let ours_median = ours[ours.len() / 2];
    let iqr = [theirs[theirs.len() / 4], theirs[3 * theirs.len() / 4]];
    let deepest = replays
        .iter()
        .flat_map(|r| r.1.iter().copied())
        .fold(0.0f32, f32::max);
    println!(
        "{task}: contact depth, median of episode medians rfm {ours_median:.4} m (deepest {deepest:.4}), MuJoCo {:.4} (IQR {:.4}–{:.4})",
        theirs[theirs.len() / 2],
        iqr[0],
        iqr[1]
    );
    let mut failures = Vec::new();
    if !(iqr[0]..=iqr[1]).contains(&ours_median) {
        failures.push(format!(
            "contact depth {ours_median} outside MuJoCo's IQR {iqr:?}"
        ));
    }
    let p99 = |eps: &mut dyn Iterator<Item = &Episode>| {
        let mut k: Vec<f64> = eps.flat_map(|e| e.kicks.iter().copied()).collect();
        k.sort_by(f64::total_cmp);
        k[k.len() * 99 / 100]
    };
    println!(
        "{task}: 99th percentile of the kicks, rfm {:.2}, MuJoCo {:.2} (half dt {:.2}) rad/s",
        p99(&mut replays.iter().map(|r| &r.0)),
        p99(&mut runs.iter().map(|r| &r.mujoco)),
        p99(&mut runs.iter().map(|r| &r.half_dt))
    );
    for k in 0..3 {
        let tol = 3.0 * (rfm[k].1.powi(2) + mj[k].1.powi(2)).sqrt();
        let diff = (rfm[k].0 - mj[k].0).abs();
        println!(
            "{task} random: {}: rfm {:.4} ± {:.4}, MuJoCo {:.4} ± {:.4} (half dt {:.4}); |diff| {diff:.4} ≤ {tol:.4}",
            NAMES[k], rfm[k].0, rfm[k].1, mj[k].0, mj[k].1, half[k].0
        );
        if diff > tol {
            failures.push(format!(
                "{}: |{:.4} − {:.4}| > {tol:.4}",
                NAMES[k], rfm[k].0, mj[k].0
            ));
        }
    }
    assert!(failures.is_empty(), "{task}: {failures:?}");
}

#[test]
fn finger_spin_random_drive_touches_and_kicks_like_mujoco() {
    check_random_drive("finger-spin", FingerVariant::Spin);
}

#[test]
fn finger_turn_hard_random_drive_touches_and_kicks_like_mujoco() {
    check_random_drive("finger-turn_hard", FingerVariant::TurnHard);
}

/// The sine drive (2 Hz, amplitude 0.5) reaches the spinner in 3 of 10 episodes per task,
/// after 4 to 290 steps: too few touches for a distribution. Before its first touch the motion
/// is smooth, so rfm must touch in the same episodes as MuJoCo, and where MuJoCo's first touch
/// comes within `EARLY` steps (before the finger has met its joint limits: later touches follow
/// limit hits whose small differences, bounded over short windows in `mujoco_pairs.rs`, grow
/// over hundreds of steps) at the same step within 1 (MuJoCo at half its timestep moves it by
/// up to 1). Later first touches are printed.
#[test]
fn finger_sine_drive_touches_in_the_episodes_mujoco_does() {
    const EARLY: usize = 50;
    for (task, variant) in [
        ("finger-spin", FingerVariant::Spin),
        ("finger-turn_hard", FingerVariant::TurnHard),
    ] {
        let first = |e: &Episode| e.touching.iter().position(|&t| t);
        for (i, r) in load(task).iter().filter(|r| r.kind == "sine").enumerate() {
            let (rfm, _) = replay(variant, r);
            let (a, b) = (first(&rfm), first(&r.mujoco));
            println!(
                "{task} sine run {i}: first touch rfm {a:?}, MuJoCo {b:?} (half dt {:?}); touching rfm {:.3}, MuJoCo {:.3}",
                first(&r.half_dt),
                stats(&rfm)[0].unwrap(),
                stats(&r.mujoco)[0].unwrap()
            );
            assert_eq!(
                a.is_some(),
                b.is_some(),
                "{task} sine run {i}: {a:?} vs {b:?}"
            );
            if let (Some(a), Some(b)) = (a, b) {
                assert!(
                    b > EARLY || a.abs_diff(b) <= 1,
                    "{task} sine run {i}: {a} vs {b}"
                );
            }
        }
    }
}
