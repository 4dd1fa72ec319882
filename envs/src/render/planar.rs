//! Drawing a planar [`Chain`] (pendulum, cartpole, cheetah, walker) from the side: every geom
//! of every body at its world pose, the ground, and a side camera that can follow the root.

use rapier3d::math::Vector;

use crate::planar::{Chain, Shape};
use crate::render::scene::{Camera, Rgb, Scene};

/// Where the side camera looks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlanarView {
    /// World half-width of the image, m.
    pub half_width: f32,
    /// World height at the image centre, m.
    pub center_z: f32,
    /// Follow the first body's x (running tasks) instead of staying at x = 0.
    pub track: bool,
    /// Draw the ground plane z = 0.
    pub ground: bool,
}

/// Adds `chain`'s geoms (and the ground) to `scene` and sets the side camera.
pub fn draw_chain(chain: &Chain, view: PlanarView, scene: &mut Scene) {
    let mut center_x = 0.0;
    let mut first = true;
    for (_, pose, geom) in chain.geoms() {
        if first {
            center_x = if view.track { pose.translation.x } else { 0.0 };
            first = false;
        }
        let at = |p: Vector| (pose * p).to_array();
        match geom.shape {
            Shape::Capsule { a, b, radius } => scene.capsule(at(a), at(b), radius, Rgb::SELF),
            Shape::Sphere { center, radius } => scene.sphere(at(center), radius, Rgb::SELF),
            Shape::Cuboid { half } => {
                let corner = |sx: f32, sz: f32| at(Vector::new(sx * half.x, 0.0, sz * half.z));
                let quad = [
                    corner(-1.0, -1.0),
                    corner(1.0, -1.0),
                    corner(1.0, 1.0),
                    corner(-1.0, 1.0),
                ];
                scene.polygon(&quad, Rgb::EFFECTOR);
            }
        }
    }
    if view.ground {
        let (x0, x1) = (
            center_x - 2.0 * view.half_width,
            center_x + 2.0 * view.half_width,
        );
        // Behind the robot (larger y is farther from the camera) and below z = 0.
        scene.polygon(
            &[
                [x0, 1.0, 0.0],
                [x1, 1.0, 0.0],
                [x1, 1.0, -10.0],
                [x0, 1.0, -10.0],
            ],
            Rgb::GROUND,
        );
    }
    scene.camera = Camera::Side {
        center: [center_x, view.center_z],
        half_width: view.half_width,
    };
}
