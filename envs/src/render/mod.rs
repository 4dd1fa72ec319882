//! A small pure-Rust renderer: each task's [`Picture`] describes its geometry in a [`Scene`]
//! (the physics trait [`crate::Task`] knows nothing of it), [`raster`] projects and fills it
//! into an RGB [`Canvas`] with optional anti-aliasing, and [`gif`] writes frames to an animated
//! GIF.
//!
//! Planar tasks use an orthographic side camera ([`Camera::Side`]); fish uses a fixed pinhole
//! camera ([`Camera::Perspective`]).

pub mod episode;
pub mod gif;
pub mod picture;
pub mod planar;
pub mod raster;
pub mod scene;

pub use episode::{RenderError, RenderOptions, RolloutSummary, render_rollout};
pub use gif::{GifError, GifWriter};
pub use picture::{Picture, picture_of};
pub use planar::{PlanarView, draw_chain};
pub use raster::{Canvas, render};
pub use scene::{Camera, Primitive, Rgb, Scene, Shape};
