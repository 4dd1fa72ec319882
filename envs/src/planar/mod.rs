//! Planar articulated bodies in the x–z plane, built as one rapier reduced-coordinate multibody.
//!
//! A fixed anchor at the world origin is the multibody root. Each body is added with the joint
//! that connects it to its parent, as in an MJCF `<body>`: a [`Joint::Planar`] root (slide x,
//! slide z, hinge y — MuJoCo's `rootx`/`rootz`/`rooty`), a [`Joint::Hinge`] or a [`Joint::Slide`].
//! A body's rigid-body frame is its MJCF body frame (all suite bodies have identity orientation
//! at q = 0), so geoms are given in that frame with MJCF's numbers.
//!
//! Generalized coordinates follow insertion order (a planar root contributes x, z, pitch).
//! Actuator torques are applied as body-torque pairs (+τ on the child, −τ on the parent), which
//! is exactly a generalized force on that DoF; joint springs are explicit torques
//! (MuJoCo's Euler integrator treats stiffness explicitly); damping and armature are rapier's
//! per-DoF implicit damping and reflected inertia, as in MuJoCo.
//!
//! Units: metres, kilograms, seconds, radians.

mod bias_force;
mod builder;
mod chain;
mod free_acceleration;
mod geom;
mod ground_contact;
mod integrator;
mod nonnegative_blocks;
mod pyramidal_contact;
mod soft_constraints;
mod soft_contact;
mod soft_limit;

pub use bias_force::bias_force;
pub use builder::ChainBuilder;
pub use chain::Chain;
pub(crate) use free_acceleration::{SmoothDynamics, body_inv_weight, free_acceleration};
pub use free_acceleration::{free_motion, mass_matrix};
pub use geom::{BodyId, DofParams, Geom, Joint, Shape};
pub(crate) use ground_contact::{GroundCapsule, SoftGround};
pub use ground_contact::{GroundTouch, capsule_plane_contacts};
pub use integrator::Integrator;
pub use soft_contact::{ContactPoint, MAX_SWEEPS, SoftContact};
pub use soft_limit::SoftLimit;

/// What the chain keeps about each body.
pub(crate) struct BodyInfo {
    pub(crate) handle: rapier3d::prelude::RigidBodyHandle,
    pub(crate) parent: Option<usize>,
    pub(crate) joint: Joint,
    pub(crate) link_id: usize,
    pub(crate) first_dof: usize,
    pub(crate) mass: f32,
    pub(crate) geoms: Vec<Geom>,
}

/// A DoF whose range is enforced by a [`SoftLimit`] instead of rapier's hard limit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SoftLimited {
    pub(crate) dof: usize,
    pub(crate) range: [f32; 2],
    pub(crate) limit: SoftLimit,
}

/// One actuator: a motor on a body's one-DoF joint with a gear (MJCF `<motor gear>`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Actuator {
    pub(crate) body: usize,
    pub(crate) gear: f32,
}
