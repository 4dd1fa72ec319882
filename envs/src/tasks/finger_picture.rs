//! How a finger task looks: a side view of the spinner, the two-link finger and, for
//! turn_hard, the target (`finger.xml`'s geoms).

use rapier3d::prelude::*;

use super::{Finger, FingerVariant};
use crate::render::Picture;
use crate::render::scene::{Camera, Rgb, Scene};
use crate::tasks::finger_model::TIP;

impl Picture for Finger {
    fn draw(&self, scene: &mut Scene) {
        draw(self, scene);
    }
}

/// Draws `finger` into `scene`.
fn draw(finger: &Finger, scene: &mut Scene) {
    scene.camera = Camera::Side {
        center: [0.0, 0.35],
        half_width: 0.5,
    };
    scene.polygon(
        &[
            [-0.6, 0.0, 0.0],
            [0.6, 0.0, 0.0],
            [0.6, 0.0, -0.1],
            [-0.6, 0.0, -0.1],
        ],
        Rgb::GROUND,
    );
    let b = &finger.world.bodies;
    let at = |h: RigidBodyHandle, p: Vector| (b[h].position() * p).to_array();
    let s = finger.h.spinner;
    let z = Vector::new(0.0, 0.0, 0.09);
    let x = Vector::new(0.02, 0.0, 0.0);
    scene.capsule(at(s, x - z), at(s, x + z), 0.04, Rgb::SELF);
    scene.capsule(at(s, -x - z), at(s, -x + z), 0.04, Rgb::SELF);
    scene.sphere(at(s, Vector::ZERO), 0.02, Rgb::DECORATION);
    if finger.variant == FingerVariant::TurnHard {
        scene.sphere(at(s, TIP), 0.02, Rgb::TARGET);
        let t = [finger.target[0], -0.05, finger.target[1]];
        scene.sphere(t, finger.target_radius, Rgb::TARGET);
    }
    let (p, d) = (finger.h.proximal, finger.h.distal);
    scene.capsule(
        at(p, Vector::ZERO),
        at(p, Vector::new(0.17, 0.0, 0.0)),
        0.03,
        Rgb::SELF,
    );
    scene.sphere(at(p, Vector::ZERO), 0.034, Rgb::DECORATION);
    scene.capsule(
        at(d, Vector::ZERO),
        at(d, Vector::new(0.16, 0.0, 0.0)),
        0.028,
        Rgb::SELF,
    );
    let tip = (Vector::new(0.13, 0.0, 0.0), Vector::new(0.161, 0.0, 0.0));
    scene.capsule(at(d, tip.0), at(d, tip.1), 0.03, Rgb::EFFECTOR);
}
