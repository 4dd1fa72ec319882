//! Every task by name: [`TaskId`] (parsed from and displayed as the CLI name) and [`make`].
//!
//! Adding a task is one line in the `tasks!` invocation below: variant, spec, constructor.

use std::fmt;
use std::str::FromStr;

use crate::env::{Env, Task};
use crate::spec::EnvSpec;
use crate::tasks;

macro_rules! tasks {
    ($($variant:ident => $spec:path, $make:expr;)+) => {
        /// A task of the suite; `Display`/`FromStr` use the CLI name (e.g. `cheetah-run`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum TaskId {
            $(#[allow(missing_docs)] $variant,)+
        }

        impl TaskId {
            /// Every task, in registry order.
            pub const ALL: &'static [TaskId] = &[$(TaskId::$variant),+];

            /// The task's static specification.
            pub fn spec(self) -> &'static EnvSpec {
                match self {
                    $(TaskId::$variant => &$spec,)+
                }
            }

            /// A fresh task (physics built, not yet reset).
            pub fn task(self) -> Box<dyn Task> {
                match self {
                    $(TaskId::$variant => Box::new($make),)+
                }
            }
        }
    };
}

tasks! {
    PendulumSwingup => tasks::pendulum::SPEC, tasks::pendulum::PendulumSwingup::new();
    CartpoleSwingup => tasks::cartpole::SPEC, tasks::cartpole::CartpoleSwingup::new();
    CheetahRun => tasks::cheetah::SPEC, tasks::cheetah::CheetahRun::new();
    WalkerWalk => tasks::walker::SPEC_WALK, tasks::walker::Walker::walk();
    WalkerRun => tasks::walker::SPEC_RUN, tasks::walker::Walker::run();
    FishSwim => tasks::fish::SWIM_SPEC, tasks::fish::Fish::new(tasks::fish::FishVariant::Swim);
    FishUpright => tasks::fish::UPRIGHT_SPEC, tasks::fish::Fish::new(tasks::fish::FishVariant::Upright);
    FingerSpin => tasks::finger::SPIN_SPEC, tasks::finger::Finger::new(tasks::finger::FingerVariant::Spin);
    FingerTurnHard => tasks::finger::TURN_HARD_SPEC, tasks::finger::Finger::new(tasks::finger::FingerVariant::TurnHard);
}

impl TaskId {
    /// Every task, in registry order.
    pub fn all() -> &'static [TaskId] {
        Self::ALL
    }

    /// The CLI name (`spec().name`).
    pub fn name(self) -> &'static str {
        self.spec().name
    }
}

/// An unknown task name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown task '{got}'; allowed: {}", allowed_names())]
pub struct UnknownTask {
    /// The name that was given.
    pub got: String,
}

fn allowed_names() -> String {
    TaskId::ALL
        .iter()
        .map(|t| t.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromStr for TaskId {
    type Err = UnknownTask;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TaskId::ALL
            .iter()
            .copied()
            .find(|t| t.name() == s)
            .ok_or_else(|| UnknownTask { got: s.to_owned() })
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A ready-to-reset episode of `task`.
pub fn make(task: TaskId) -> Env {
    Env::new(task.task())
}
