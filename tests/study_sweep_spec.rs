//! Sweep specs are checked completely before anything starts, give every run a deterministic
//! directory, and `--slurm --dry-run` prints the array script with the user's options.

#[path = "common/study_runs.rs"]
mod study_runs;

use rfm::config::{Algo, Preset};
use rfm::study::slurm::{array_ranges, time_limit};
use rfm::study::spec::{SpecError, SweepSpec};
use study_runs::{rfm, scratch};

fn spec() -> SweepSpec {
    SweepSpec {
        tasks: vec!["pendulum-swingup".into(), "cartpole-swingup".into()],
        algos: vec![Algo::Rfm, Algo::Sac],
        seeds: vec![3, 1],
        preset: Preset::Demo,
        steps: Some(500),
        threads: 1,
        config: toml::from_str("[schedule]\neval_every = 100\n").unwrap(),
    }
}

#[test]
fn plan_orders_tasks_then_algos_then_seeds_with_fixed_directories() {
    let runs = spec().plan().unwrap();
    assert_eq!(runs.len(), 8);
    let dirs: Vec<String> = runs.iter().map(|r| r.dir.display().to_string()).collect();
    assert_eq!(dirs[0], "runs/pendulum-swingup/rfm/seed-3");
    assert_eq!(dirs[1], "runs/pendulum-swingup/rfm/seed-1");
    assert_eq!(dirs[2], "runs/pendulum-swingup/sac/seed-3");
    assert_eq!(dirs[7], "runs/cartpole-swingup/sac/seed-1");
    assert!(runs.iter().enumerate().all(|(i, r)| r.index == i));
    // The overrides and the step budget reach every run's configuration.
    assert!(runs.iter().all(|r| r.config.schedule.eval_every == 100));
    assert!(runs.iter().all(|r| r.config.schedule.total_steps == 500));
    // A spec survives its own file.
    let s = spec();
    assert_eq!(toml::from_str::<SweepSpec>(&s.to_toml()).unwrap(), s);
}

#[test]
fn bad_specs_are_refused_naming_what_is_wrong() {
    let mut s = spec();
    s.seeds = vec![];
    assert!(matches!(s.plan(), Err(SpecError::Empty("seeds"))));
    let mut s = spec();
    s.algos = vec![Algo::Sac, Algo::Sac];
    assert!(matches!(
        s.plan(),
        Err(SpecError::Duplicate { list: "algos", .. })
    ));
    let mut s = spec();
    s.tasks.push("no-such-task".into());
    let e = s.plan().unwrap_err().to_string();
    assert!(e.contains("no-such-task"), "{e}");
    let mut s = spec();
    s.config = toml::from_str("[critic]\nlr = -1.0\n").unwrap();
    let e = s.plan().unwrap_err().to_string();
    assert!(e.contains("critic.lr") && e.contains("rfm"), "{e}");
    let mut s = spec();
    s.config = toml::from_str("[schedule]\nno_such_key = 1\n").unwrap();
    assert!(matches!(s.plan(), Err(SpecError::Config { .. })));
    let mut s = spec();
    s.config = toml::from_str("algo = \"sac\"\n").unwrap();
    assert!(matches!(s.plan(), Err(SpecError::AlgoInConfig)));
}

#[test]
fn an_invalid_spec_file_starts_nothing() {
    let root = scratch("badspec");
    let file = root.join("sweep.toml");
    std::fs::write(
        &file,
        "tasks = [\"pendulum-swingup\"]\nalgos = [\"rfm\"]\nseeds = [0]\npreset = \"demo\"\nstep = 10\n",
    )
    .unwrap();
    let out = rfm()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(root.join("s"))
        .args(["--local", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("step"), "{err}");
    assert!(
        !root.join("s").exists(),
        "nothing may be created for an invalid spec"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn array_ranges_and_time_limits_are_slurm_syntax() {
    assert_eq!(array_ranges(&[0, 1, 2, 3, 5, 7, 8]), "0-3,5,7-8");
    assert_eq!(array_ranges(&[4]), "4");
    assert_eq!(time_limit(59), "0-00:59:00");
    assert_eq!(time_limit(60 * 24 + 61), "1-01:01:00");
}

#[test]
fn dry_run_prints_an_array_script_with_the_users_options() {
    let root = scratch("dryrun");
    let out = rfm()
        .args([
            "sweep",
            "--tasks",
            "pendulum-swingup",
            "--algos",
            "rfm,sac",
            "--seeds",
            "0,1,2",
        ])
        .args(["--preset", "demo", "--steps", "1000", "--threads", "2"])
        .arg("--out")
        .arg(root.join("s"))
        .args([
            "--slurm",
            "--dry-run",
            "--partition",
            "gpu-free",
            "--account",
            "lab",
        ])
        .args(["--qos", "low", "--max-running", "4", "--sbatch=--mem=4G"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    for line in [
        "#SBATCH --array=0-5%4",
        "#SBATCH --cpus-per-task=2",
        "#SBATCH --requeue",
        "#SBATCH --partition=gpu-free",
        "#SBATCH --account=lab",
        "#SBATCH --qos=low",
        "#SBATCH --mem=4G",
        "sweep --exec",
    ] {
        assert!(s.contains(line), "missing {line:?} in\n{s}");
    }
    assert!(s.contains("#SBATCH --time="), "{s}");
    assert!(!root.join("s").exists(), "a dry run writes nothing");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn every_algorithm_and_preset_has_a_measured_cost_and_the_time_limit_adds_margin_and_start_up() {
    use rfm::study::cost::{minutes_for, seconds_per_step};
    for algo in Algo::ALL {
        for preset in [Preset::Paper, Preset::Cpu, Preset::Demo] {
            let c = seconds_per_step(algo, preset);
            assert!(c.is_finite() && c > 0.0, "{algo} {preset:?}: {c}");
            for steps in [1u64, 5_000, 250_000] {
                let m = minutes_for(algo, preset, steps, 2.0) as f64;
                let exact = steps as f64 * c * 2.0 / 60.0 + 10.0;
                assert!(
                    m >= exact && m < exact + 1.0,
                    "{algo} {preset:?} {steps}: {m} min for {exact}"
                );
            }
        }
    }
    // The paper preset's flow policies are dearer per step than the cpu preset's, which are
    // dearer than the demo preset's: the table is not a copy of one column.
    for algo in Algo::ALL {
        let [p, c, d] =
            [Preset::Paper, Preset::Cpu, Preset::Demo].map(|q| seconds_per_step(algo, q));
        if algo != Algo::Sac {
            assert!(p > c && c > d, "{algo}: {p} {c} {d}");
        }
    }
}
