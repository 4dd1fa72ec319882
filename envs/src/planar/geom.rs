//! Bodies, joints and geoms of a planar chain, with MJCF's meaning and units.

use rapier3d::prelude::*;

use super::SoftLimit;

/// Index of a body added to a [`super::ChainBuilder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyId(pub(crate) usize);

/// The joint connecting a body to its parent.
#[derive(Clone, Copy, Debug)]
pub enum Joint {
    /// Three DoFs: slide x, slide z, hinge about +y. `qpos` x and z are measured from the
    /// body's initial position (MuJoCo slide joints without `ref`).
    Planar,
    /// One rotational DoF about `axis` (body frame) through `pos` (body frame).
    Hinge(DofParams),
    /// One translational DoF along `axis`.
    Slide(DofParams),
}

/// Parameters of a one-DoF joint, with MJCF's meaning.
#[derive(Clone, Copy, Debug)]
pub struct DofParams {
    /// Joint axis in the body frame (MJCF `axis`; its sign sets the sign of q).
    pub axis: Vector,
    /// Joint position in the body frame (MJCF joint `pos`).
    pub pos: Vector,
    /// Limits `[min, max]` in radians or metres (MJCF `range`), if limited.
    pub range: Option<[f32; 2]>,
    /// Viscous damping, N·m·s/rad or N·s/m (MJCF `damping`).
    pub damping: f32,
    /// Reflected rotor inertia, kg·m² or kg (MJCF `armature`).
    pub armature: f32,
    /// Spring stiffness towards q = 0, N·m/rad (MJCF `stiffness`, `springref` 0).
    pub stiffness: f32,
    /// MuJoCo's soft limit for `range` ([`SoftLimit`]); `None` uses rapier's hard limit.
    pub soft_limit: Option<SoftLimit>,
}

impl DofParams {
    /// A joint about/along `axis` at the body origin with no limit, damping, armature or spring.
    pub fn new(axis: Vector) -> Self {
        DofParams {
            axis,
            pos: Vector::ZERO,
            range: None,
            damping: 0.0,
            armature: 0.0,
            stiffness: 0.0,
            soft_limit: None,
        }
    }
}

/// A geometric primitive in its body's frame.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// A capsule from `a` to `b` with `radius` (MJCF `fromto`).
    Capsule { a: Vector, b: Vector, radius: f32 },
    /// A box centred at the body origin with half-extents `half`.
    Cuboid { half: Vector },
    /// A sphere at `center`.
    Sphere { center: Vector, radius: f32 },
}

impl Shape {
    /// A capsule given MJCF-style by centre `pos`, half-length `half_len` of its segment and a
    /// unit `axis` (MJCF `zaxis`, or the rotated z axis of `euler`).
    pub fn capsule_along(pos: Vector, axis: Vector, half_len: f32, radius: f32) -> Shape {
        Shape::Capsule {
            a: pos - axis * half_len,
            b: pos + axis * half_len,
            radius,
        }
    }

    /// The z axis rotated by `deg` degrees about +y (MJCF `euler="0 deg 0"`).
    pub fn z_rotated_about_y(deg: f32) -> Vector {
        let r = deg.to_radians();
        Vector::new(r.sin(), 0.0, r.cos())
    }

    /// The shape's lowest point (least world z) when its body has world pose `pose`.
    pub fn lowest_point(&self, pose: &Pose) -> Vector {
        let down = |p: Vector, r: f32| p - Vector::Z * r;
        match *self {
            Shape::Capsule { a, b, radius } => {
                let (a, b) = (pose * a, pose * b);
                down(if a.z <= b.z { a } else { b }, radius)
            }
            Shape::Sphere { center, radius } => down(pose * center, radius),
            Shape::Cuboid { half } => (0..8)
                .map(|i| {
                    let s = |bit: i32, h: f32| if i & bit == 0 { -h } else { h };
                    pose * Vector::new(s(1, half.x), s(2, half.y), s(4, half.z))
                })
                .min_by(|p, q| p.z.total_cmp(&q.z))
                .expect("eight corners"),
        }
    }

    /// Volume in m³.
    pub fn volume(&self) -> f32 {
        use std::f32::consts::PI;
        match *self {
            Shape::Capsule { a, b, radius } => {
                PI * radius * radius * (b - a).length() + 4.0 / 3.0 * PI * radius.powi(3)
            }
            Shape::Cuboid { half } => 8.0 * half.x * half.y * half.z,
            Shape::Sphere { radius, .. } => 4.0 / 3.0 * PI * radius.powi(3),
        }
    }

    pub(crate) fn mass_properties(&self, density: f32) -> MassProperties {
        match *self {
            Shape::Capsule { a, b, radius } => MassProperties::from_capsule(density, a, b, radius),
            Shape::Cuboid { half } => MassProperties::from_cuboid(density, half),
            Shape::Sphere { center, radius } => MassProperties::from_ball(density, radius)
                .transform_by(&Pose::from_translation(center)),
        }
    }

    pub(crate) fn collider(&self) -> ColliderBuilder {
        match *self {
            Shape::Capsule { a, b, radius } => {
                ColliderBuilder::capsule_from_endpoints(a, b, radius)
            }
            Shape::Cuboid { half } => ColliderBuilder::cuboid(half.x, half.y, half.z),
            Shape::Sphere { center, radius } => ColliderBuilder::ball(radius).translation(center),
        }
    }
}

/// A geom: a shape, how its mass is set, and whether it touches the ground.
#[derive(Clone, Copy, Debug)]
pub struct Geom {
    /// The shape, in the body frame.
    pub shape: Shape,
    /// Mass in kg (MJCF `mass`, or density × volume).
    pub mass: f32,
    /// Sliding friction coefficient for ground contact (MJCF `friction[0]`); `None` means the
    /// geom has no collider (MJCF contacts disabled).
    pub friction: Option<f32>,
}

impl Geom {
    /// A geom of `density` kg/m³.
    pub fn with_density(shape: Shape, density: f32, friction: Option<f32>) -> Geom {
        Geom {
            shape,
            mass: density * shape.volume(),
            friction,
        }
    }
}
