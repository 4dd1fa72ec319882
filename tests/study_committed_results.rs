//! The reduced reproduction committed in `paper-notes/results/reduced/` is what its README says:
//! every algorithm × cartpole-swingup and cheetah-run × seeds 0–2, each run finished at its
//! 5,000-step budget, readable from the committed `run.json` and `eval.csv` alone (so that
//! `rfm report paper-notes/results/reduced/runs` regenerates the committed report).

use std::collections::BTreeSet;
use std::path::Path;

use rfm::config::Algo;
use rfm::study::run_outcome::{RunState, find_runs, read_outcome};

#[test]
fn the_committed_reduced_study_is_every_algorithm_on_two_tasks_times_three_finished_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("paper-notes/results/reduced/runs");
    let runs = find_runs(&root).expect("list the committed runs");
    let mut cells = BTreeSet::new();
    for dir in &runs {
        let o = read_outcome(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        assert_eq!(o.state, RunState::Finished, "{}", dir.display());
        assert_eq!(o.total_steps, 5_000, "{}", dir.display());
        assert!(
            o.final_return().is_some_and(f64::is_finite),
            "{}",
            dir.display()
        );
        assert!(
            cells.insert((o.task.clone(), o.algo, o.seed)),
            "{} repeats a cell",
            dir.display()
        );
    }
    let algos: BTreeSet<Algo> = cells.iter().map(|c| c.1).collect();
    assert_eq!(
        algos.len(),
        Algo::ALL.len(),
        "algorithms present: {algos:?}"
    );
    let tasks: BTreeSet<&str> = cells.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(tasks, BTreeSet::from(["cartpole-swingup", "cheetah-run"]));
    assert_eq!(cells.len(), Algo::ALL.len() * 2 * 3);
}
