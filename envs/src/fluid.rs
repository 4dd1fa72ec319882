//! Fluid forces on rigid bodies: MuJoCo's inertia-based fluid model. [`Fluid::local_wrench`]
//! is the model; [`Fluid::apply`] adds it to a rapier body before a physics step, and fish's
//! articulated solver ([`crate::articulated`]) feeds it each body's velocity every step.
//!
//! rapier has no fluid. dm_control's fish swims in MuJoCo's *inertia-based* fluid model
//! (`<option density="5000"/>`, viscosity 0), which this module re-derives and documents.
//! The model is stateless: the force depends only on each body's current velocity relative to
//! a quiescent medium.
//!
//! # Equivalent inertia box
//!
//! A body of mass `M` with principal moments `I_xx, I_yy, I_zz` (about its centre of mass, in its
//! principal frame) is seen by the fluid as the solid box with the same mass and inertia. Its
//! half-extents are
//!
//! ```text
//! r_x = sqrt( 3/(2M) · (I_yy + I_zz − I_xx) )      (and cyclically for r_y, r_z)
//! ```
//!
//! (a solid box of half-extents `r` has `I_xx = M (r_y² + r_z²)/3`, which this inverts).
//!
//! # Forces and torques
//!
//! Let `v` and `ω` be the body's centre-of-mass velocity and angular velocity expressed in the
//! principal frame, `ρ` the fluid density and `β` its viscosity. For each axis `i` with the other
//! two axes `j, k`:
//!
//! ```text
//! quadratic drag   f_D,i = −½ ρ A_i |v_i| v_i ,   A_i = (2 r_j)(2 r_k)   (= −2 ρ r_j r_k |v_i| v_i)
//! angular drag     g_D,i = −½ ρ r_i (r_j⁴ + r_k⁴) |ω_i| ω_i
//! viscous force    f_V,i = −6 β π r_eq v_i ,      r_eq = (r_x + r_y + r_z)/3   (Stokes sphere)
//! viscous torque   g_V,i = −8 β π r_eq³ ω_i
//! ```
//!
//! The force acts at the centre of mass. Drag is computed per principal axis, so for an
//! anisotropic body (a fin: a thin plate) moving obliquely the force is *not* antiparallel to
//! `v`: the component normal to the plate dominates, which gives the lift-like sideways force a
//! flapping fin uses for thrust. That is the only lift in this model (as in MuJoCo's inertia
//! model; MuJoCo's separate ellipsoid model adds Kutta and Magnus lift, which dm_control's fish
//! does not use). Each per-axis term opposes its own velocity component, so the fluid never
//! adds energy: `f·v ≤ 0` and `g·ω ≤ 0`.
//!
//! # Integration
//!
//! The forces are explicit: computed from the velocities at the start of a physics step and
//! held for that step, as MuJoCo's Euler integrator does with passive forces. Buoyancy is not
//! modelled: every task using the fluid disables gravity (as dm_control's fish does).

use rapier3d::math::{Real, Vector};
use rapier3d::prelude::{MassProperties, RigidBody};

/// A quiescent fluid medium.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fluid {
    /// Density ρ in kg/m³ (dm_control's fish: 5000).
    pub density: Real,
    /// Viscosity β in Pa·s (dm_control's fish: 0).
    pub viscosity: Real,
}

/// Half-extents of a body's equivalent inertia box, in metres, along its principal axes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InertiaBox {
    /// `(r_x, r_y, r_z)`.
    pub half_extents: Vector,
}

impl InertiaBox {
    /// The box with the given mass (kg) and principal moments of inertia (kg·m², about the
    /// centre of mass).
    ///
    /// # Panics
    /// If the mass is not positive or the moments violate the triangle inequality by more than
    /// rounding (no solid body has them).
    #[track_caller]
    pub fn from_mass_inertia(mass: Real, principal_inertia: Vector) -> Self {
        assert!(mass > 0.0, "mass must be positive, got {mass}");
        let i = principal_inertia;
        let f = 1.5 / mass;
        let side = |a: Real, b: Real, c: Real| {
            let s = b + c - a;
            assert!(
                s >= -1e-6 * (a + b + c),
                "principal inertia {i:?} violates the triangle inequality"
            );
            (f * s.max(0.0)).sqrt()
        };
        InertiaBox {
            half_extents: Vector::new(
                side(i.x, i.y, i.z),
                side(i.y, i.z, i.x),
                side(i.z, i.x, i.y),
            ),
        }
    }

    /// The box of a rapier body's current mass properties (colliders and additional mass
    /// included; rapier computes them when the body first enters a step).
    ///
    /// # Panics
    /// If the body has no mass.
    #[track_caller]
    pub fn of_body(body: &RigidBody) -> Self {
        Self::of_mass_properties(&body.mass_properties().local_mprops)
    }

    /// The box of the given mass properties.
    ///
    /// # Panics
    /// If the mass is zero.
    #[track_caller]
    pub fn of_mass_properties(mp: &MassProperties) -> Self {
        let inv = mp.inv_principal_inertia;
        let inertia = Vector::new(inv_or_zero(inv.x), inv_or_zero(inv.y), inv_or_zero(inv.z));
        Self::from_mass_inertia(inv_or_zero(mp.inv_mass), inertia)
    }
}

fn inv_or_zero(x: Real) -> Real {
    if x > 0.0 { 1.0 / x } else { 0.0 }
}

/// A force and a torque, in whichever frame the caller states.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Wrench {
    /// Force in N.
    pub force: Vector,
    /// Torque in N·m.
    pub torque: Vector,
}

impl Fluid {
    /// The fluid's force and torque on a box moving with centre-of-mass velocity `v` and angular
    /// velocity `w`, all in the box's principal frame (the equations of the module doc).
    pub fn local_wrench(&self, shape: &InertiaBox, v: Vector, w: Vector) -> Wrench {
        let r = shape.half_extents;
        let rho = self.density;
        let r_eq = (r.x + r.y + r.z) / 3.0;
        let lin_visc = 6.0 * self.viscosity * std::f32::consts::PI * r_eq;
        let ang_visc = 8.0 * self.viscosity * std::f32::consts::PI * r_eq * r_eq * r_eq;
        // Face areas A_i = (2 r_j)(2 r_k); quadratic coefficient ½ ρ A_i.
        let area = Vector::new(4.0 * r.y * r.z, 4.0 * r.z * r.x, 4.0 * r.x * r.y);
        let force = -0.5 * rho * area * v.abs() * v - lin_visc * v;
        let r4 = r * r * r * r;
        let ang = Vector::new(
            r.x * (r4.y + r4.z),
            r.y * (r4.z + r4.x),
            r.z * (r4.x + r4.y),
        );
        let torque = -0.5 * rho * ang * w.abs() * w - ang_visc * w;
        Wrench { force, torque }
    }

    /// Adds the fluid's force (at the centre of mass) and torque to `body`, from its current
    /// velocity. The forces persist until the caller resets them (rapier's convention), so call
    /// this after `reset_forces`/`reset_torques` once per physics step.
    pub fn apply(&self, body: &mut RigidBody, shape: &InertiaBox) {
        let frame = *body.rotation()
            * body
                .mass_properties()
                .local_mprops
                .principal_inertia_local_frame;
        let inv = frame.inverse();
        let local = self.local_wrench(shape, inv * body.linvel(), inv * body.angvel());
        body.add_force(frame * local.force, false);
        body.add_torque(frame * local.torque, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_inertia_round_trips_to_half_extents() {
        let (m, r) = (2.0, Vector::new(0.1, 0.3, 0.05));
        let i = Vector::new(
            m * (r.y * r.y + r.z * r.z) / 3.0,
            m * (r.z * r.z + r.x * r.x) / 3.0,
            m * (r.x * r.x + r.y * r.y) / 3.0,
        );
        let b = InertiaBox::from_mass_inertia(m, i);
        assert!((b.half_extents - r).abs().max_element() < 1e-6, "{b:?}");
    }
}
