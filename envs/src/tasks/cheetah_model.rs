//! cheetah.xml's legs: each segment's body position, capsule, range, spring, damping and gear,
//! as the MJCF gives them (read by [`super::cheetah::CheetahRun::new`]).

use rapier3d::prelude::Vector;

use crate::planar::Shape;

/// Capsule radius of every cheetah geom, m.
pub(super) const RADIUS: f32 = 0.046;

/// One leg segment: (name, body pos in parent, geom pos, geom euler-y deg, geom half-length,
/// range deg, stiffness, damping, gear).
pub(super) type Segment = (
    &'static str,
    [f32; 3],
    [f32; 3],
    f32,
    f32,
    [f32; 2],
    f32,
    f32,
    f32,
);

/// Back leg then front leg, each thigh → shin → foot, as in the MJCF.
pub(super) const LEGS: [[Segment; 3]; 2] = [
    [
        (
            "bthigh",
            [-0.5, 0.0, 0.0],
            [0.1, 0.0, -0.13],
            -218.0,
            0.145,
            [-30.0, 60.0],
            240.0,
            6.0,
            120.0,
        ),
        (
            "bshin",
            [0.16, 0.0, -0.25],
            [-0.14, 0.0, -0.07],
            -116.0,
            0.15,
            [-50.0, 50.0],
            180.0,
            4.5,
            90.0,
        ),
        (
            "bfoot",
            [-0.28, 0.0, -0.14],
            [0.03, 0.0, -0.097],
            -15.0,
            0.094,
            [-230.0, 50.0],
            120.0,
            3.0,
            60.0,
        ),
    ],
    [
        (
            "fthigh",
            [0.5, 0.0, 0.0],
            [-0.07, 0.0, -0.12],
            30.0,
            0.133,
            [-57.0, 0.4],
            180.0,
            4.5,
            90.0,
        ),
        (
            "fshin",
            [-0.14, 0.0, -0.24],
            [0.065, 0.0, -0.09],
            -34.0,
            0.106,
            [-70.0, 50.0],
            120.0,
            3.0,
            60.0,
        ),
        (
            "ffoot",
            [0.13, 0.0, -0.18],
            [0.045, 0.0, -0.07],
            -34.0,
            0.07,
            [-28.0, 28.0],
            60.0,
            1.5,
            30.0,
        ),
    ],
];

pub(super) fn v3(a: [f32; 3]) -> Vector {
    Vector::new(a[0], a[1], a[2])
}

pub(super) fn capsule(pos: [f32; 3], euler_y_deg: f32, half_len: f32) -> Shape {
    Shape::capsule_along(
        v3(pos),
        Shape::z_rotated_about_y(euler_y_deg),
        half_len,
        RADIUS,
    )
}
