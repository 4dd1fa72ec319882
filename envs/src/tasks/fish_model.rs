//! dm_control's `fish.xml` as an articulated tree ([`crate::articulated`]): masses from density
//! 1000 (geoms marked `mass="0"` are visual only), hinges with damping 2e-5 in `_JOINTS` order.
//! The task (actuators, fluid, observations, reward) is in [`super::fish`].

use rapier3d::glamx::DVec3;

use crate::articulated::{Body, Hinge, Tree};

const DENSITY: f64 = 1000.0;
const JOINT_DAMPING: f64 = 2e-5;

fn ellipsoid_body(parent: usize, pos: DVec3, hinges: Vec<Hinge>, r: DVec3, com: DVec3) -> Body {
    let mass = DENSITY * 4.0 / 3.0 * std::f64::consts::PI * r.x * r.y * r.z;
    let inertia = mass / 5.0
        * DVec3::new(
            r.y * r.y + r.z * r.z,
            r.z * r.z + r.x * r.x,
            r.x * r.x + r.y * r.y,
        );
    Body {
        parent: Some(parent),
        pos,
        hinges,
        mass,
        com,
        inertia,
    }
}

/// dm_control's fish.xml as a tree: torso, tail1, tail2, finright, finleft.
pub(super) fn build() -> Tree {
    let hinge = |axis: DVec3, anchor: DVec3| Hinge {
        axis,
        anchor,
        damping: JOINT_DAMPING,
    };
    let (x, y, z) = (DVec3::X, DVec3::Y, DVec3::Z);
    // Only `torso_massive` (a box) has mass in the torso; the other torso geoms are `mass="0"`.
    let h = DVec3::new(0.002, 0.06, 0.03);
    let m = DENSITY * 8.0 * h.x * h.y * h.z;
    let torso = Body {
        parent: None,
        pos: DVec3::ZERO,
        hinges: vec![],
        mass: m,
        com: DVec3::ZERO,
        inertia: m / 3.0
            * DVec3::new(
                h.y * h.y + h.z * h.z,
                h.z * h.z + h.x * h.x,
                h.x * h.x + h.y * h.y,
            ),
    };
    let joint_tail = DVec3::new(0.0, 0.01, 0.0);
    let fin = |side: f64| {
        let pitch = DVec3::new(0.0, 0.005, 0.0);
        ellipsoid_body(
            0,
            DVec3::new(0.01 * side, 0.0, 0.0),
            vec![hinge(y, DVec3::ZERO), hinge(x, pitch)],
            DVec3::new(0.02, 0.015, 0.001),
            DVec3::new(0.015 * side, 0.0, 0.0),
        )
    };
    Tree::new(vec![
        torso,
        ellipsoid_body(
            0,
            DVec3::new(0.0, -0.09, 0.0),
            vec![hinge(z, joint_tail), hinge(y, joint_tail)],
            DVec3::new(0.001, 0.008, 0.016),
            DVec3::ZERO,
        ),
        ellipsoid_body(
            1,
            DVec3::new(0.0, -0.028, 0.0),
            vec![hinge(z, DVec3::new(0.0, 0.02, 0.0))],
            DVec3::new(0.001, 0.018, 0.035),
            DVec3::ZERO,
        ),
        fin(1.0),
        fin(-1.0),
    ])
}
