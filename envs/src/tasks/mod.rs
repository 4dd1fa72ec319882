//! One file per task family.

pub mod finger;
pub mod fish;
