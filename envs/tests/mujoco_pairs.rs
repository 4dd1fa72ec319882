//! rfm against MuJoCo (dm_control 1.0.34 / MuJoCo 3.3.6) from the same states under the same
//! actions (`tests/data/mujoco_pairs.json`, see its README). Where the motion is not chaotic
//! (free flight, no touch yet) the trajectories are compared step by step; where contacts make
//! it chaotic, statistics of the runs are compared. Tolerances: `common/tolerance.rs`.

#[path = "common/gait.rs"]
mod gait;
#[path = "common/pairs.rs"]
mod pairs;
#[path = "common/tolerance.rs"]
mod tolerance;

use pairs::{Run, Trajectory, max_error};
use rfm_envs::TaskId;
use rfm_envs::tasks::finger::FingerVariant;
use tolerance::{
    ENVS_PAIRED_EULER_SPREAD_FACTOR, ENVS_PAIRED_F32_FLOOR, ENVS_PAIRED_SAME_SCHEME_FACTOR,
    ENVS_RAIL_OVERSHOOT_ABS, ENVS_RAIL_REST_ABS,
};

/// Hinge ranges (rad) of the limited joints, by qpos index, from the MJCF files: cheetah's
/// bthigh [−30°, 60°], bshin [−50°, 50°], bfoot [−230°, 50°], fthigh [−57°, 0.4°], fshin
/// [−70°, 50°], ffoot [−28°, 28°]; walker's hip [−20°, 100°], knee [−150°, 0°], ankle
/// [−45°, 45°]; finger's proximal and distal ±110°.
fn limited(task: TaskId) -> Vec<(usize, [f64; 2])> {
    let deg = |a: f64, b: f64| [a.to_radians(), b.to_radians()];
    match task {
        TaskId::CheetahRun => [
            deg(-30.0, 60.0),
            deg(-50.0, 50.0),
            deg(-230.0, 50.0),
            deg(-57.0, 0.4),
            deg(-70.0, 50.0),
            deg(-28.0, 28.0),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, r)| (3 + i, r))
        .collect(),
        TaskId::WalkerWalk => (0..6)
            .map(|i| {
                (
                    3 + i,
                    [deg(-20.0, 100.0), deg(-150.0, 0.0), deg(-45.0, 45.0)][i % 3],
                )
            })
            .collect(),
        TaskId::FingerSpin | TaskId::FingerTurnHard => {
            vec![(0, deg(-110.0, 110.0)), (1, deg(-110.0, 110.0))]
        }
        _ => Vec::new(),
    }
}

/// First step at which a limited joint is at its limit (within LIMIT_REACH), or the length.
fn first_limit(task: TaskId, t: &Trajectory) -> usize {
    let lim = limited(task);
    (0..t.qpos.len())
        .find(|&i| {
            lim.iter().any(|&(j, [lo, hi])| {
                t.qpos[i][j] <= lo + LIMIT_REACH || t.qpos[i][j] >= hi - LIMIT_REACH
            })
        })
        .unwrap_or(t.qpos.len())
}

/// A joint within this of its limit (rad) counts as touching it.
const LIMIT_REACH: f64 = 0.5_f64.to_radians();

fn runs(task: TaskId) -> Vec<(Run, Trajectory)> {
    replayed(pairs::load(task), task)
}

fn replayed(runs: Vec<Run>, task: TaskId) -> Vec<(Run, Trajectory)> {
    runs.into_iter()
        .map(|r| {
            let rfm = pairs::replay(task, &r);
            (r, rfm)
        })
        .collect()
}

/// Over steps `0..=end`: rfm's largest coordinate error against MuJoCo, and the allowed one,
/// ENVS_PAIRED_EULER_SPREAD_FACTOR × MuJoCo's own timestep spread + the f32 floor.
fn horizon_check(run: &Run, rfm: &Trajectory, end: usize) -> (f64, f64) {
    coords_check(run, rfm, end, 0..run.start.qpos.len())
}

/// [`horizon_check`] over the coordinates `coords` only.
fn coords_check(
    run: &Run,
    rfm: &Trajectory,
    end: usize,
    coords: std::ops::Range<usize>,
) -> (f64, f64) {
    spread_check(run, rfm, end, coords, ENVS_PAIRED_EULER_SPREAD_FACTOR)
}

/// Over steps `0..=end` and the coordinates `coords`: rfm's largest error against MuJoCo, and
/// the allowed one, `factor` × MuJoCo's own timestep spread + the f32 floor.
fn spread_check(
    run: &Run,
    rfm: &Trajectory,
    end: usize,
    coords: std::ops::Range<usize>,
    factor: f64,
) -> (f64, f64) {
    let err = max_error(&rfm.qpos, &run.mujoco.qpos, 0..end + 1, coords.clone());
    let spread = max_error(
        &run.mujoco_half_dt.qpos,
        &run.mujoco.qpos,
        0..end + 1,
        coords,
    );
    (err, factor * spread + ENVS_PAIRED_F32_FLOOR)
}

/// walker v4's limits are MuJoCo's soft ones (walker.xml's `solimplimit` 0 0.99 0.01), so the
/// falling walker is compared step by step until either a geom comes within
/// [`gait::GROUND_HEIGHT`] of the ground, limits included: in the air the motion is not
/// chaotic, and a joint that meets its stop must yield as MuJoCo's does. (v3's hard limits
/// departed at the first limit, so its window ended there.)
#[test]
fn walker_falls_like_mujoco_until_a_foot_lands() {
    let (mut checked, mut with_limit) = (0, 0);
    for (run, rfm) in runs(TaskId::WalkerWalk) {
        let w = TaskId::WalkerWalk;
        let land =
            gait::first_ground_contact(w, &run.mujoco).min(gait::first_ground_contact(w, &rfm));
        if land < 2 {
            continue;
        }
        let limit = first_limit(w, &run.mujoco).min(first_limit(w, &rfm));
        println!(
            "walker seed {} {:?}: {land} comparable steps, first limit at {limit}",
            run.reset_seed, run.drive
        );
        let (err, allowed) = horizon_check(&run, &rfm, land - 1);
        assert!(
            err <= allowed,
            "seed {} {:?}: error {err:.2e} over {land} steps in the air, allowed {allowed:.2e}",
            run.reset_seed,
            run.drive
        );
        checked += 1;
        with_limit += usize::from(limit + 2 < land);
    }
    assert!(checked >= 3, "only {checked} walker runs start in the air");
    println!("{with_limit} of {checked} runs meet a joint limit in the air");
}

/// walker v6 takes MuJoCo's own Euler step (`[ENV:Eq.euler]`) with MuJoCo's soft contacts and
/// limits in one program, so it must track MuJoCo through the first landing and
/// [`AFTER_LANDING`] control steps beyond, within [`ENVS_PAIRED_SAME_SCHEME_FACTOR`] of
/// MuJoCo's own timestep spread: a first-order scheme of its own, as rapier's multibody step
/// was (walker v5), departs by the order of that spread.
#[test]
fn walker_steps_as_mujocos_euler_through_the_first_landing() {
    let w = TaskId::WalkerWalk;
    for (run, rfm) in runs(w) {
        let land =
            gait::first_ground_contact(w, &run.mujoco).min(gait::first_ground_contact(w, &rfm));
        let end = (land + AFTER_LANDING).min(run.mujoco.qpos.len() - 1);
        let coords = 0..run.start.qpos.len();
        let (err, allowed) = spread_check(&run, &rfm, end, coords, ENVS_PAIRED_SAME_SCHEME_FACTOR);
        println!(
            "walker seed {} {:?}: lands at {land}, error {err:.2e} over {end} steps, allowed {allowed:.2e}",
            run.reset_seed, run.drive
        );
        assert!(
            err <= allowed,
            "seed {} {:?}: error {err:.2e} over {end} steps (landing at {land}), allowed {allowed:.2e}",
            run.reset_seed,
            run.drive
        );
    }
}

/// Control steps after the first ground contact that [`walker_steps_as_mujocos_euler_through_the_first_landing`]
/// compares (0.25 s: the landing and the first push-off).
const AFTER_LANDING: usize = 10;

/// The cheetah lifted 3 m off the ground (`tests/data/mujoco_airborne.json`) under the random
/// and sine drives: its front thigh rests past its 0.4° stop from the start and other joints
/// meet theirs; the hinges must move as MuJoCo's until the first geom comes within
/// [`gait::GROUND_HEIGHT`] of the ground (≈ 77 steps), within the tolerance of the other
/// paired tests. Only the hinges are compared: the root's height drifts by up to 7 cm over the
/// fall with rapier's hard limits and the soft ones alike (rfm's root falls slower than
/// MuJoCo's, a gap outside the limits). With rapier's hard limits the hinge errors were
/// 2.5e-2–4.8e-2; the soft limits give 6.5e-3–7.7e-3 (seed 11 random: 5.3e-2, allowed 0.13).
#[test]
fn cheetah_meets_its_joint_limits_like_mujoco_in_the_air() {
    let task = TaskId::CheetahRun;
    let all = replayed(pairs::load_file("mujoco_airborne.json", task), task);
    for (run, rfm) in &all {
        let land = gait::first_ground_contact(task, &run.mujoco)
            .min(gait::first_ground_contact(task, rfm));
        let (err, allowed) = coords_check(run, rfm, land - 1, 3..run.start.qpos.len());
        println!(
            "seed {} {:?}: {land} steps in the air, error {err:.2e}, allowed {allowed:.2e}",
            run.reset_seed, run.drive
        );
        assert!(
            err <= allowed,
            "seed {} {:?}: hinge error {err:.2e} over {land} steps in the air, allowed {allowed:.2e}",
            run.reset_seed,
            run.drive
        );
        assert!(
            first_limit(task, &run.mujoco) + 10 < land,
            "seed {} {:?}: no joint limit met in the air",
            run.reset_seed,
            run.drive
        );
    }
    assert_eq!(all.len(), 6, "three seeds × two drives");
}

#[test]
fn finger_moves_like_mujoco_until_it_touches_the_spinner() {
    let (mut checked, mut with_limit) = (0, 0);
    for task in [TaskId::FingerSpin, TaskId::FingerTurnHard] {
        let v = if task == TaskId::FingerSpin {
            FingerVariant::Spin
        } else {
            FingerVariant::TurnHard
        };
        for (run, rfm) in runs(task) {
            let touch = gait::finger_stats(v, &run.mujoco)
                .first_touch
                .min(gait::finger_stats(v, &rfm).first_touch);
            if touch < 2 {
                continue;
            }
            println!(
                "{} seed {} {:?}: {touch} comparable steps",
                task.name(),
                run.reset_seed,
                run.drive
            );
            let (err, allowed) = horizon_check(&run, &rfm, touch - 1);
            assert!(
                err <= allowed,
                "{} seed {} {:?}: error {err:.2e} over {touch} steps before a touch, allowed {allowed:.2e}",
                task.name(),
                run.reset_seed,
                run.drive
            );
            checked += 1;
            with_limit += usize::from(first_limit(task, &run.mujoco) + 5 < touch);
        }
    }
    assert!(checked >= 6, "only {checked} finger runs");
    assert!(
        with_limit >= 1,
        "no finger run meets a joint limit before a touch"
    );
}

/// Cart x over 400 steps from cartpole's seed-11 start under `act(step)`.
fn rail_run(act: impl Fn(usize) -> f32) -> Vec<f64> {
    let start = &pairs::load(TaskId::CartpoleSwingup)[0].start;
    let mut env = pairs::env_at(TaskId::CartpoleSwingup, start);
    let mut obs = vec![0.0; env.spec().obs_dim()];
    (0..400)
        .map(|t| {
            env.step(&[act(t)], &mut obs).expect("valid action");
            env.state().qpos[0]
        })
        .collect()
}

/// MuJoCo's cartpole rail stop is soft (`solreflimit` 0.08): pushed at full force the cart
/// overshoots the 1.8 m stop and comes to rest a little past it. MuJoCo's figures (dm_control
/// 1.0.34, seed-11 start, `tests/data/README.md`): full push, largest x 1.9654 (1.9652 at half
/// the timestep: 1.9691), mean x over steps 200–399 1.8031; ±1 bang every 50 steps, largest
/// x 1.8919 (1.8936).
#[test]
fn cartpole_rail_stop_yields_as_mujocos() {
    let push = rail_run(|_| 1.0);
    let bang = rail_run(|t| if (t / 50) % 2 == 0 { 1.0 } else { -1.0 });
    let max = |x: &[f64]| x.iter().copied().fold(f64::MIN, f64::max);
    let rest = push[200..].iter().sum::<f64>() / 200.0;
    println!(
        "push: max {:.4} rest {rest:.4}; bang: max {:.4}",
        max(&push),
        max(&bang)
    );
    assert!(
        (max(&push) - 1.9654).abs() <= ENVS_RAIL_OVERSHOOT_ABS,
        "push max {}",
        max(&push)
    );
    assert!(
        (rest - 1.8031).abs() <= ENVS_RAIL_REST_ABS,
        "push rest {rest}"
    );
    assert!(
        (max(&bang) - 1.8919).abs() <= ENVS_RAIL_OVERSHOOT_ABS,
        "bang max {}",
        max(&bang)
    );
}
