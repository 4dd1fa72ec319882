//! Rendering a rollout: reset, draw, step with a policy, draw every `every` steps, write a GIF.

use std::io::Write;

use rand_chacha::ChaCha8Rng;

use crate::env::{ActionError, Env};
use crate::render::gif::{GifError, GifWriter};
use crate::render::raster::{Canvas, render};
use crate::render::scene::Scene;

/// How to render a rollout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Image width in pixels (default 320).
    pub width: usize,
    /// Image height in pixels (default 240).
    pub height: usize,
    /// Control steps to run (default: the task's episode length).
    pub steps: usize,
    /// Draw a frame every this many control steps (default 1).
    pub every: usize,
    /// Anti-alias edges (default true).
    pub antialias: bool,
}

impl RenderOptions {
    /// Defaults for `env`: 320×240, the full episode, every step, anti-aliased.
    pub fn for_env(env: &Env) -> Self {
        RenderOptions {
            width: 320,
            height: 240,
            steps: env.spec().episode_length,
            every: 1,
            antialias: true,
        }
    }
    /// Checks the options: `every ≥ 1`, sides in 16..=4096 pixels.
    ///
    /// # Errors
    /// [`RenderError::BadOption`] naming the first bad option.
    pub fn validate(&self) -> Result<(), RenderError> {
        let bad = |name, value, allowed| {
            Err(RenderError::BadOption {
                name,
                value,
                allowed,
            })
        };
        if self.every == 0 {
            return bad("every", 0, "at least 1");
        }
        if !(16..=4096).contains(&self.width) {
            return bad("width", self.width, "16..=4096 pixels");
        }
        if !(16..=4096).contains(&self.height) {
            return bad("height", self.height, "16..=4096 pixels");
        }
        Ok(())
    }
    /// Frames a rollout writes: the initial state plus one every `every` steps.
    pub fn frame_count(&self) -> usize {
        1 + self.steps / self.every.max(1)
    }
}

/// A failed rendering.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// An option is out of range.
    #[error("{name} = {value} is not allowed: {allowed}")]
    BadOption {
        name: &'static str,
        value: usize,
        allowed: &'static str,
    },
    /// The policy produced an invalid action.
    #[error(transparent)]
    Action(#[from] ActionError),
    /// The GIF could not be written.
    #[error(transparent)]
    Gif(#[from] GifError),
}

/// What a rendered rollout did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RolloutSummary {
    /// Frames written.
    pub frames: usize,
    /// Sum of rewards over the steps taken.
    pub episode_return: f64,
    /// Control steps taken (fewer than requested if the episode ended).
    pub steps: usize,
}

/// Resets `env` with `rng`, runs `policy(obs, action)` for `opts.steps` control steps and writes
/// the frames to `out` as a looping GIF, each shown for the simulated time it covers
/// (`every × control_timestep`, at least 2 centiseconds, the smallest delay viewers honour).
pub fn render_rollout<W: Write>(
    env: &mut Env,
    rng: &mut ChaCha8Rng,
    mut policy: impl FnMut(&[f32], &mut [f32]),
    opts: &RenderOptions,
    out: W,
) -> Result<RolloutSummary, RenderError> {
    let bad = |name, value, allowed| {
        Err(RenderError::BadOption {
            name,
            value,
            allowed,
        })
    };
    if opts.every == 0 {
        return bad("every", 0, "at least 1");
    }
    if !(16..=4096).contains(&opts.width) {
        return bad("width", opts.width, "16..=4096 pixels");
    }
    if !(16..=4096).contains(&opts.height) {
        return bad("height", opts.height, "16..=4096 pixels");
    }
    let spec = env.spec();
    let delay = ((spec.control_timestep * opts.every as f64 * 100.0).round() as u16).max(2);
    let mut gif = GifWriter::new(out, opts.width, opts.height)?;
    let mut canvas = Canvas::new(opts.width, opts.height);
    let mut scene = Scene::default();
    let mut obs = vec![0.0; spec.obs_dim()];
    let mut action = vec![0.0; spec.action_dim()];
    let mut frame = |env: &Env, gif: &mut GifWriter<W>| -> Result<(), GifError> {
        scene.clear();
        env.draw(&mut scene);
        render(&scene, &mut canvas, opts.antialias);
        gif.write(&canvas, delay)
    };
    env.reset(rng, &mut obs);
    frame(env, &mut gif)?;
    let mut summary = RolloutSummary {
        frames: 1,
        episode_return: 0.0,
        steps: 0,
    };
    for t in 1..=opts.steps {
        policy(&obs, &mut action);
        let outcome = env.step(&action, &mut obs)?;
        summary.episode_return += outcome.reward.total;
        summary.steps = t;
        if t % opts.every == 0 {
            frame(env, &mut gif)?;
            summary.frames += 1;
        }
        if outcome.terminated || outcome.truncated {
            break;
        }
    }
    gif.finish()?;
    Ok(summary)
}
