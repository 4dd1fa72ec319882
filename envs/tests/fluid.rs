//! The inertia-box fluid model (`rfm_envs::fluid`): the documented equations, their signs and
//! scalings, and a body coasting in rapier against the analytic quadratic-drag solution.

#[path = "../../tests/common/seeded.rs"]
mod seeded;

use proptest::prelude::*;
use rapier3d::prelude::*;
use rfm_envs::fluid::{Fluid, InertiaBox};
use rfm_envs::world::World;

#[path = "common/tolerance.rs"]
#[allow(dead_code)] // shared presets: each test file uses a few
mod tolerance;
use tolerance::{ENVS_FLUID_COAST_REL, ENVS_FLUID_FORMULA_REL};

fn vec3(r: f32) -> impl Strategy<Value = Vector> {
    (-r..r, -r..r, -r..r).prop_map(|(x, y, z)| Vector::new(x, y, z))
}
fn half_extents() -> impl Strategy<Value = InertiaBox> {
    (1e-3f32..0.5, 1e-3f32..0.5, 1e-3f32..0.5).prop_map(|(x, y, z)| InertiaBox {
        half_extents: Vector::new(x, y, z),
    })
}
fn fluid() -> impl Strategy<Value = Fluid> {
    (1.0f32..5000.0, 0.0f32..1.0).prop_map(|(density, viscosity)| Fluid { density, viscosity })
}

#[test]
fn fluid_zero_force_and_torque_at_rest() {
    let f = Fluid {
        density: 5000.0,
        viscosity: 0.3,
    };
    let b = InertiaBox {
        half_extents: Vector::new(0.02, 0.015, 0.001),
    };
    let w = f.local_wrench(&b, Vector::ZERO, Vector::ZERO);
    assert_eq!(w.force, Vector::ZERO);
    assert_eq!(w.torque, Vector::ZERO);
}

#[test]
fn fluid_axis_aligned_drag_equals_half_rho_area_v_squared() {
    // f_x = −½ ρ (2 r_y)(2 r_z) v_x², g_z = −½ ρ r_z (r_x⁴ + r_y⁴) ω_z², checked in f64.
    let (rho, r) = (5000.0f64, [0.02f64, 0.015, 0.001]);
    let f = Fluid {
        density: rho as f32,
        viscosity: 0.0,
    };
    let b = InertiaBox {
        half_extents: Vector::new(r[0] as f32, r[1] as f32, r[2] as f32),
    };
    let (v, w) = (0.3f64, 2.0f64);
    let out = f.local_wrench(
        &b,
        Vector::new(v as f32, 0.0, 0.0),
        Vector::new(0.0, 0.0, w as f32),
    );
    let fx = -0.5 * rho * (2.0 * r[1]) * (2.0 * r[2]) * v * v;
    let gz = -0.5 * rho * r[2] * (r[0].powi(4) + r[1].powi(4)) * w * w;
    assert!(
        (f64::from(out.force.x) - fx).abs() <= ENVS_FLUID_FORMULA_REL * fx.abs(),
        "{out:?} vs {fx}"
    );
    assert!(
        (f64::from(out.torque.z) - gz).abs() <= ENVS_FLUID_FORMULA_REL * gz.abs(),
        "{out:?} vs {gz}"
    );
    assert_eq!(
        (out.force.y, out.force.z, out.torque.x, out.torque.y),
        (0.0, 0.0, 0.0, 0.0)
    );
}

#[test]
fn fluid_viscous_terms_are_stokes_sphere_of_mean_radius() {
    // With ρ = 0: f = −6 β π r_eq v and g = −8 β π r_eq³ ω, r_eq = mean half-extent.
    let f = Fluid {
        density: 0.0,
        viscosity: 0.5,
    };
    let b = InertiaBox {
        half_extents: Vector::new(0.1, 0.2, 0.3),
    };
    let r_eq = 0.2f64;
    let out = f.local_wrench(&b, Vector::new(0.0, 2.0, 0.0), Vector::new(1.0, 0.0, 0.0));
    let fy = -6.0 * 0.5 * std::f64::consts::PI * r_eq * 2.0;
    let gx = -8.0 * 0.5 * std::f64::consts::PI * r_eq.powi(3);
    assert!((f64::from(out.force.y) - fy).abs() <= ENVS_FLUID_FORMULA_REL * fy.abs());
    assert!((f64::from(out.torque.x) - gx).abs() <= ENVS_FLUID_FORMULA_REL * gx.abs());
}

#[test]
fn fluid_equivalent_box_of_a_solid_ellipsoid_is_sqrt_three_fifths_of_its_semi_axes() {
    // Ellipsoid I_xx = m (b² + c²)/5, box I_xx = m (r_y² + r_z²)/3 ⇒ r = a·√(3/5).
    let (m, a) = (0.7f32, Vector::new(0.01, 0.08, 0.04));
    let i = m / 5.0
        * Vector::new(
            a.y * a.y + a.z * a.z,
            a.z * a.z + a.x * a.x,
            a.x * a.x + a.y * a.y,
        );
    let b = InertiaBox::from_mass_inertia(m, i);
    let expect = a * (0.6f32).sqrt();
    assert!((b.half_extents - expect).abs().max_element() <= 1e-5 * expect.max_element());
}

proptest! {

    #![proptest_config(seeded::cases(256))]
    #[test]
    fn fluid_force_opposes_each_velocity_component(fl in fluid(), b in half_extents(), v in vec3(3.0), w in vec3(30.0)) {
        let out = fl.local_wrench(&b, v, w);
        for i in 0..3 {
            prop_assert!(out.force[i] * v[i] <= 0.0, "axis {i}: {out:?}");
            prop_assert!(out.torque[i] * w[i] <= 0.0, "axis {i}: {out:?}");
        }
        prop_assert!(out.force.dot(v) <= 0.0);
        prop_assert!(out.torque.dot(w) <= 0.0);
    }

    #[test]
    fn fluid_quadratic_drag_scales_with_density_and_speed_squared(
        rho in 1.0f32..5000.0, b in half_extents(), v in vec3(3.0), w in vec3(30.0),
    ) {
        let base = Fluid { density: rho, viscosity: 0.0 }.local_wrench(&b, v, w);
        let dense = Fluid { density: 2.0 * rho, viscosity: 0.0 }.local_wrench(&b, v, w);
        let fast = Fluid { density: rho, viscosity: 0.0 }.local_wrench(&b, 2.0 * v, 2.0 * w);
        let close = |a: Vector, e: Vector| {
            (a - e).abs().max_element() <= ENVS_FLUID_FORMULA_REL as f32 * e.abs().max_element().max(1e-30)
        };
        prop_assert!(close(dense.force, 2.0 * base.force) && close(dense.torque, 2.0 * base.torque));
        prop_assert!(close(fast.force, 4.0 * base.force) && close(fast.torque, 4.0 * base.torque));
    }

    #[test]
    fn fluid_viscous_drag_is_linear_in_velocity(beta in 1e-3f32..1.0, b in half_extents(), v in vec3(3.0), w in vec3(30.0)) {
        let f = Fluid { density: 0.0, viscosity: beta };
        let (one, two) = (f.local_wrench(&b, v, w), f.local_wrench(&b, 3.0 * v, 3.0 * w));
        let tol = ENVS_FLUID_FORMULA_REL as f32;
        prop_assert!((two.force - 3.0 * one.force).abs().max_element() <= tol * two.force.abs().max_element().max(1e-30));
        prop_assert!((two.torque - 3.0 * one.torque).abs().max_element() <= tol * two.torque.abs().max_element().max(1e-30));
    }
}

/// A 1 kg box coasting along its x axis decelerates as v(t) = v0 / (1 + k v0 t / m), k = 2 ρ r_y r_z.
#[test]
fn fluid_coasting_body_in_rapier_follows_quadratic_drag_solution() {
    let (rho, r, m, v0, dt) = (
        1000.0f32,
        Vector::new(0.1, 0.05, 0.02),
        1.0f32,
        1.0f32,
        1e-3f32,
    );
    let i = m / 3.0
        * Vector::new(
            r.y * r.y + r.z * r.z,
            r.z * r.z + r.x * r.x,
            r.x * r.x + r.y * r.y,
        );
    let mut world = World::new(dt);
    world.gravity = Vector::ZERO;
    let h = world.bodies.insert(
        RigidBodyBuilder::dynamic()
            .additional_mass_properties(MassProperties::new(Vector::ZERO, m, i))
            .linvel(Vector::new(v0, 0.0, 0.0))
            .can_sleep(false),
    );
    let shape = InertiaBox::from_mass_inertia(m, i);
    let fl = Fluid {
        density: rho,
        viscosity: 0.0,
    };
    let mut pipeline = PhysicsPipeline::new();
    world.step(&mut pipeline); // rapier computes the mass properties on the first step
    let steps = 1000;
    for _ in 0..steps {
        let b = &mut world.bodies[h];
        b.reset_forces(false);
        b.reset_torques(false);
        fl.apply(b, &shape);
        world.step(&mut pipeline);
    }
    let k = 2.0 * f64::from(rho * r.y * r.z);
    let t = f64::from(dt) * steps as f64;
    let expected = f64::from(v0) / (1.0 + k * f64::from(v0) * t / f64::from(m));
    let v = world.bodies[h].linvel();
    let rel = (f64::from(v.x) - expected).abs() / expected;
    assert!(
        rel <= ENVS_FLUID_COAST_REL,
        "v {v:?} vs {expected} (rel {rel})"
    );
    assert!(v.y.abs() < 1e-6 && v.z.abs() < 1e-6);
}
