//! How a fish task looks: a fixed perspective camera, the ground, the target (swim) and the
//! fish's bodies as ellipsoids (`fish.xml`'s visual geoms).

use rapier3d::glamx::DVec3;

use super::{Fish, FishVariant};
use crate::render::Picture;
use crate::render::scene::{Camera, Rgb, Scene};

impl Picture for Fish {
    fn draw(&self, scene: &mut Scene) {
        draw(self, scene);
    }
}

/// Draws `fish` into `scene`.
fn draw(fish: &Fish, scene: &mut Scene) {
    scene.camera = Camera::Perspective {
        eye: [0.0, -0.75, 0.55],
        target: [0.0, 0.0, 0.12],
        up: [0.0, 0.0, 1.0],
        fovy: 50.0,
    };
    scene.polygon(
        &[
            [-0.6, -0.6, 0.0],
            [0.6, -0.6, 0.0],
            [0.6, 0.6, 0.0],
            [-0.6, 0.6, 0.0],
        ],
        Rgb::GROUND,
    );
    if fish.variant == FishVariant::Swim {
        scene.sphere(fish.target.as_vec3().to_array(), 0.04, Rgb::TARGET);
    }
    let k = &fish.kin;
    let ell = |scene: &mut Scene, b: usize, c: DVec3, r: DVec3, color: Rgb| {
        let rot = k.rot[b];
        let axes = [
            rot * (r.x * DVec3::X),
            rot * (r.y * DVec3::Y),
            rot * (r.z * DVec3::Z),
        ];
        let center = (k.pos[b] + rot * c).as_vec3().to_array();
        scene.ellipsoid(center, axes.map(|a| a.as_vec3().to_array()), color);
    };
    ell(
        scene,
        0,
        DVec3::ZERO,
        DVec3::new(0.01, 0.08, 0.04),
        Rgb::SELF,
    );
    ell(
        scene,
        0,
        DVec3::new(0.0, -0.03, 0.03),
        DVec3::new(0.001, 0.03, 0.015),
        Rgb::EFFECTOR,
    );
    ell(
        scene,
        1,
        DVec3::ZERO,
        DVec3::new(0.001, 0.008, 0.016),
        Rgb::SELF,
    );
    ell(
        scene,
        2,
        DVec3::ZERO,
        DVec3::new(0.001, 0.018, 0.035),
        Rgb::SELF,
    );
    ell(
        scene,
        3,
        DVec3::new(0.015, 0.0, 0.0),
        DVec3::new(0.02, 0.015, 0.001),
        Rgb::SELF,
    );
    ell(
        scene,
        4,
        DVec3::new(-0.015, 0.0, 0.0),
        DVec3::new(0.02, 0.015, 0.001),
        Rgb::SELF,
    );
    let at = |p: DVec3| (k.pos[0] + k.rot[0] * p).as_vec3().to_array();
    scene.capsule(
        at(DVec3::new(0.0, 0.079, 0.0)),
        at(DVec3::new(0.0, 0.07, 0.0)),
        0.005,
        Rgb::EFFECTOR,
    );
    scene.sphere(at(DVec3::new(0.0, 0.055, 0.015)), 0.008, Rgb(20, 20, 20));
}
