//! How a task looks, kept out of its physics: each task's [`Picture`] adds its current state's
//! geometry (and camera) to a [`Scene`]. The [`Task`] trait knows nothing of rendering; the
//! renderer finds a task's picture from the task itself ([`picture_of`]).

use crate::env::{Env, Task};
use crate::render::scene::Scene;
use crate::tasks::cartpole::CartpoleSwingup;
use crate::tasks::cheetah::CheetahRun;
use crate::tasks::finger::Finger;
use crate::tasks::fish::Fish;
use crate::tasks::pendulum::PendulumSwingup;
use crate::tasks::walker::Walker;

/// The drawable view of a task's current state.
pub trait Picture {
    /// Adds the current state's geometry (and camera) to `scene`.
    fn draw(&self, scene: &mut Scene);
}

/// The picture of `task`, or `None` for a task type that has none (it then draws nothing).
pub fn picture_of(task: &dyn Task) -> Option<&dyn Picture> {
    let any = task.as_any();
    macro_rules! first_of {
        ($($t:ty),+) => {
            None$(.or_else(|| any.downcast_ref::<$t>().map(|p| p as &dyn Picture)))+
        };
    }
    first_of!(
        PendulumSwingup,
        CartpoleSwingup,
        CheetahRun,
        Walker,
        Fish,
        Finger
    )
}

impl Env {
    /// Adds the current state's drawable geometry to `scene` (the task's [`Picture`]; nothing
    /// for a task without one).
    pub fn draw(&self, scene: &mut Scene) {
        if let Some(picture) = picture_of(self.task()) {
            picture.draw(scene);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::picture_of;
    use crate::registry::TaskId;

    #[test]
    fn every_task_of_the_registry_has_a_picture() {
        for &id in TaskId::ALL {
            assert!(
                picture_of(id.task().as_ref()).is_some(),
                "{id} has no picture"
            );
        }
    }
}
