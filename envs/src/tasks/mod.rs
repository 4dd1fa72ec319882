//! One file per task; each carries the doc template (spaces, reward, termination, initial
//! state, differences from dm_control, version history).

pub mod cartpole;
pub mod cheetah;
mod cheetah_model;
pub mod finger;
pub mod finger_contact;
mod finger_model;
mod finger_spec;
pub mod fish;
mod fish_model;
mod fish_spec;
pub mod pendulum;
pub mod walker;
