//! Every paired statistic of rfm against MuJoCo (the tables of
//! paper-notes/envs-vs-dm_control.md): a report, not a check (the checks are
//! `tests/mujoco_pairs.rs` and the per-task distribution tests). Run:
//! `cargo bench -p rfm-envs --bench mujoco_pairs_report`.

#[path = "../tests/common/gait.rs"]
mod gait;
#[path = "../tests/common/pairs.rs"]
mod pairs;

use pairs::{Drive, Trajectory, max_error};
use rfm_envs::TaskId;
use rfm_envs::tasks::finger::FingerVariant;

fn main() {
    for task in [
        TaskId::CartpoleSwingup,
        TaskId::CheetahRun,
        TaskId::WalkerWalk,
        TaskId::FingerSpin,
        TaskId::FingerTurnHard,
    ] {
        let dt = task.spec().control_timestep;
        for run in pairs::load(task) {
            let rfm = pairs::replay(task, &run);
            let nq = run.start.qpos.len();
            let e =
                |a: &Trajectory, w: usize| max_error(&a.qpos, &run.mujoco.qpos, 0..w + 1, 0..nq);
            let h = &run.mujoco_half_dt;
            print!(
                "{} seed {} {:?}: qpos err rfm/half @10 {:.1e}/{:.1e} @50 {:.1e}/{:.1e} @300 {:.1e}/{:.1e}",
                task.name(),
                run.reset_seed,
                run.drive,
                e(&rfm, 10),
                e(h, 10),
                e(&rfm, 50),
                e(h, 50),
                e(&rfm, 300),
                e(h, 300)
            );
            let ret = |t: &Trajectory| t.reward.iter().sum::<f64>();
            print!(
                " | return rfm/mj/half {:.2}/{:.2}/{:.2}",
                ret(&rfm),
                ret(&run.mujoco),
                ret(h)
            );
            match task {
                TaskId::CheetahRun | TaskId::WalkerWalk => {
                    let x = usize::from(task == TaskId::WalkerWalk);
                    let s = |t: &Trajectory| gait::foot_slip(task, t, dt);
                    let (a, b, c) = (s(&rfm), s(&run.mujoco), s(h));
                    print!(
                        " | speed {:.3}/{:.3}/{:.3} slip {:.3}/{:.3}/{:.3} ground {:.2}/{:.2}/{:.2}",
                        gait::mean_rate(&rfm, x),
                        gait::mean_rate(&run.mujoco, x),
                        gait::mean_rate(h, x),
                        a.0,
                        b.0,
                        c.0,
                        a.1,
                        b.1,
                        c.1
                    );
                }
                TaskId::FingerSpin | TaskId::FingerTurnHard => {
                    let v = if task == TaskId::FingerSpin {
                        FingerVariant::Spin
                    } else {
                        FingerVariant::TurnHard
                    };
                    let (a, b, c) = (
                        gait::finger_stats(v, &rfm),
                        gait::finger_stats(v, &run.mujoco),
                        gait::finger_stats(v, h),
                    );
                    print!(
                        " | touching {:.2}/{:.2}/{:.2} spin {:.2}/{:.2}/{:.2} kick {:.2}/{:.2}/{:.2} first {}/{}/{}",
                        a.touching,
                        b.touching,
                        c.touching,
                        a.spin,
                        b.spin,
                        c.spin,
                        a.kick,
                        b.kick,
                        c.kick,
                        a.first_touch,
                        b.first_touch,
                        c.first_touch
                    );
                }
                _ => {}
            }
            println!();
        }
    }
    let _ = Drive::Zero;
}
