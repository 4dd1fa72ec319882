//! Re-enacting the episode a stop cut: how a resumed run brings a fresh env back to the exact
//! state it had at the checkpoint.

use super::replay::ReplayBuffer;
use crate::run::state::{LoopState, OpenEpisode};

/// Brings a fresh `env` to the state it had when a stop cut episode `ep`: resets it from the
/// stream position the episode began at, then replays the episode's actions, the last
/// `ep.steps` transitions of `replay`. Every observation must come out bit-identical to the
/// stored one and the env stream must end where the checkpoint left it; otherwise the physics
/// is not deterministic and the run cannot continue exactly.
pub(super) fn reenact(
    env: &mut rfm_envs::Env,
    st: &mut LoopState,
    ep: OpenEpisode,
    replay: &ReplayBuffer<f32>,
    obs: &mut [f32],
) -> Result<(), String> {
    let steps = usize::try_from(ep.steps).unwrap_or(usize::MAX);
    if replay.recent(steps).is_none() {
        return Err(format!(
            "the checkpoint was taken {steps} steps into an episode, but the replay memory holds only {} transitions (capacity {}), too few to re-enact it",
            replay.len(),
            replay.capacity()
        ));
    }
    let rng_env = st.env_rng.get_word_pos();
    st.env_rng.set_word_pos(ep.rng_env_at_reset);
    env.reset(&mut st.env_rng, obs);
    if st.env_rng.get_word_pos() != rng_env {
        return Err("re-enacting the cut episode: its reset did not end at the checkpoint's env stream position".into());
    }
    let mut action = vec![0f32; replay.action_dim()];
    for back in (1..=steps).rev() {
        let (a, stored) = replay.recent(back).expect("checked above");
        for (d, &s) in action.iter_mut().zip(a.iter()) {
            *d = s;
        }
        env.step(&action, obs).map_err(|e| {
            format!("re-enacting the cut episode: a stored action was rejected: {e}")
        })?;
        if obs
            .iter()
            .zip(stored.iter())
            .any(|(x, y)| x.to_bits() != y.to_bits())
        {
            return Err(format!(
                "re-enacting the cut episode: step {} of {steps} gave another observation than the stored one (non-deterministic physics?)",
                steps + 1 - back
            ));
        }
    }
    Ok(())
}
