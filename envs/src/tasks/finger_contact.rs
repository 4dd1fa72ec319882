//! The finger's contacts: the fingertip capsule against the spinner's two capsules, as
//! MuJoCo's soft contacts ([`crate::planar::SoftContact`]) computed outside rapier's solver
//! (rapier's collision groups are empty for every finger and spinner geom).
//!
//! A capsule is a segment and a radius. Two capsules touch where their segments' closest points
//! are nearer than the radius sum; the contact (as MuJoCo's capsule–capsule collision makes it)
//! has normal n from the spinner's closest point to the fingertip's, signed distance
//! r = ‖p_f − p_s‖ − (r_f + r_s), and position midway through the overlap,
//! p_s + n (r_s + r/2). Its Jacobian is the difference of the two bodies' point Jacobians
//! there: a hinge about the axis a through c moves the point at a × (p − c) per rad/s.
//!
//! Only these pairs can touch: the proximal capsule and the decorations cannot reach the
//! spinner's capsules before the fingertip is 4 cm deep in them (MuJoCo's deepest contacts are
//! about 3 cm), and the ground is out of reach.

use rapier3d::na::{DMatrix, DVector};
use rapier3d::prelude::*;

use rapier3d::parry::query;

use super::finger_model::{
    AXIS, FINGER_CONTACT, Handles, SPINNER_RADIUS, SPINNER_SEGMENTS, TIP_RADIUS, TIP_SEGMENT,
    TOUCH_SITES, TOUCH_SIZE,
};
use crate::planar::{ContactPoint, free_motion};
use crate::world::World;

/// [ENV:Eq.segment-closest-points] The closest points of segments [p₁, q₁] and [p₂, q₂]: the
/// parameters (s, t) ∈ [0, 1]² minimising ‖p₁ + s d₁ − p₂ − t d₂‖ (d = q − p), from the
/// stationarity conditions of the quadratic (Ericson, *Real-Time Collision Detection*, §5.1.9):
/// with a = d₁·d₁, e = d₂·d₂, b = d₁·d₂, c = d₁·w, f = d₂·w, w = p₁ − p₂, the unclamped
/// minimiser is s = (b f − c e)/(a e − b²); s is clamped to [0, 1], t = (b s + f)/e is then
/// clamped, and s recomputed from the clamped t, which is exact for a convex quadratic on a box.
/// Parallel segments (a e − b² ≈ 0) take s = 0. Returns the two points.
pub fn segment_closest_points(p1: Vector, q1: Vector, p2: Vector, q2: Vector) -> (Vector, Vector) {
    let (d1, d2, w) = (q1 - p1, q2 - p2, p1 - p2);
    let (a, e, f) = (d1.dot(d1), d2.dot(d2), d2.dot(w));
    const EPS: f32 = 1e-12;
    let (s, t) = if a <= EPS && e <= EPS {
        (0.0, 0.0)
    } else if a <= EPS {
        (0.0, (f / e).clamp(0.0, 1.0))
    } else {
        let c = d1.dot(w);
        if e <= EPS {
            ((-c / a).clamp(0.0, 1.0), 0.0)
        } else {
            let b = d1.dot(d2);
            let denom = a * e - b * b;
            let s = if denom > EPS * a * e {
                ((b * f - c * e) / denom).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let t = (b * s + f) / e;
            if t < 0.0 {
                ((-c / a).clamp(0.0, 1.0), 0.0)
            } else if t > 1.0 {
                (((b - c) / a).clamp(0.0, 1.0), 1.0)
            } else {
                (s, t)
            }
        }
    };
    (p1 + d1 * s, p2 + d2 * t)
}

/// One fingertip–spinner contact of a physics step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Touch {
    /// World position (midway through the overlap), m.
    pub position: Vector,
    /// Interpenetration depth −r ≥ 0, m.
    pub depth: Real,
    /// Normal force, N.
    pub normal_force: Real,
}

/// The contacts' effect on one physics step.
#[derive(Clone, Debug, Default)]
pub(super) struct ContactForces {
    /// Generalized forces on the proximal and distal hinges, N·m.
    pub(super) finger: [Real; 2],
    /// Generalized force on the spinner's hinge, N·m.
    pub(super) spinner: Real,
    /// Every contact (interpenetrating pair).
    pub(super) touches: Vec<Touch>,
}

/// One geometric contact and its Jacobian rows (normal, tangent) over (proximal, distal,
/// spinner).
struct Geometric {
    dist: Real,
    pos: Vector,
    rows: [[Real; 3]; 2],
}

/// The fingertip–spinner contacts at the bodies' current poses.
fn geometric_contacts(w: &World, h: &Handles) -> Vec<Geometric> {
    let distal = w.bodies[h.distal].position();
    let spinner = w.bodies[h.spinner].position();
    let (tip_a, tip_b) = (distal * TIP_SEGMENT[0], distal * TIP_SEGMENT[1]);
    let c0 = w.bodies[h.proximal].translation();
    let c1 = distal.translation;
    let cs = spinner.translation;
    let mut out = Vec::new();
    for seg in SPINNER_SEGMENTS {
        let (pf, ps) = segment_closest_points(tip_a, tip_b, spinner * seg[0], spinner * seg[1]);
        let gap = pf - ps;
        let len = gap.length();
        let dist = len - TIP_RADIUS - SPINNER_RADIUS;
        if dist >= 0.0 || len <= 1e-9 {
            continue;
        }
        let n = gap / len;
        let t = AXIS.cross(n);
        let pos = ps + n * (SPINNER_RADIUS + 0.5 * dist);
        let (j0, j1, js) = (
            AXIS.cross(pos - c0),
            AXIS.cross(pos - c1),
            AXIS.cross(pos - cs),
        );
        let row = |u: Vector| [u.dot(j0), u.dot(j1), -u.dot(js)];
        out.push(Geometric {
            dist,
            pos,
            rows: [row(n), row(t)],
        });
    }
    out
}

/// The soft contact forces of the fingertip on the spinner for one physics step, from the
/// bodies' current state, under the finger's applied generalized forces `tau`; `inv_weight` is
/// the distal link's and the spinner's summed `body_invweight0`.
pub(super) fn contact_forces(
    w: &mut World,
    h: &Handles,
    tau: [Real; 2],
    inv_weight: Real,
) -> ContactForces {
    let geo = geometric_contacts(w, h);
    if geo.is_empty() {
        return ContactForces::default();
    }
    let (fmb, _) = w.multibody_joints.get_mut(h.finger_joint).expect("finger");
    fmb.forward_kinematics(&w.bodies, false);
    let (a0_f, inv_f) = free_motion(fmb, &w.bodies, w.gravity, &tau).expect("finger mass matrix");
    let vf = fmb.generalized_velocity().clone_owned();
    let (smb, _) = w
        .multibody_joints
        .get_mut(h.spinner_joint)
        .expect("spinner");
    smb.forward_kinematics(&w.bodies, false);
    let (a0_s, inv_s) = free_motion(smb, &w.bodies, w.gravity, &[0.0]).expect("spinner mass");
    let v = DVector::from_vec(vec![vf[0], vf[1], smb.generalized_velocity()[0]]);
    let a0 = DVector::from_vec(vec![a0_f[0], a0_f[1], a0_s[0]]);
    let mut inv = DMatrix::<Real>::zeros(3, 3);
    inv.view_mut((0, 0), (2, 2)).copy_from(&inv_f);
    inv[(2, 2)] = inv_s[(0, 0)];
    let m = geo.len();
    let j = DMatrix::from_fn(2 * m, 3, |r, c| geo[r / 2].rows[r % 2][c]);
    let delassus = &j * &inv * j.transpose();
    let (jv, ja) = (&j * &v, &j * &a0);
    let points: Vec<ContactPoint> = (0..m)
        .map(|i| ContactPoint {
            dist: geo[i].dist,
            velocity: [jv[2 * i], jv[2 * i + 1]],
            free_acceleration: [ja[2 * i], ja[2 * i + 1]],
        })
        .collect();
    let f = FINGER_CONTACT.forces(&points, &delassus, inv_weight);
    let lambda = DVector::from_fn(2 * m, |r, _| f[r / 2][r % 2]);
    let tau_c = j.transpose() * lambda;
    ContactForces {
        finger: [tau_c[0], tau_c[1]],
        spinner: tau_c[2],
        touches: (0..m)
            .map(|i| Touch {
                position: geo[i].pos,
                depth: -geo[i].dist,
                normal_force: f[i][0],
            })
            .collect(),
    }
}

/// The `touchtop` and `touchbottom` sensors: the normal forces (N) of the contacts whose
/// position lies inside each site's ellipsoid in the distal frame (`distal`: its world pose),
/// as MuJoCo's touch sensor sums them.
pub(super) fn touch_sensors(touches: &[Touch], distal: &Pose) -> [Real; 2] {
    let frame = distal.inverse();
    let mut out = [0.0; 2];
    for t in touches {
        let x = frame * t.position;
        for (site, o) in TOUCH_SITES.iter().zip(out.iter_mut()) {
            if ((x - *site) / TOUCH_SIZE).length_squared() <= 1.0 {
                *o += t.normal_force;
            }
        }
    }
    out
}

/// A collider's world pose (from its body's current pose) and shape.
fn collider_pose(w: &World, h: ColliderHandle) -> (Pose, &dyn Shape) {
    let c = &w.colliders[h];
    let parent = c.parent().expect("attached collider");
    (
        *w.bodies[parent].position() * *c.position_wrt_parent().expect("attached"),
        c.shape(),
    )
}

/// Signed distance (m) between the fingertip and the nearest spinner geom (parry's, for any
/// shape), `None` if further apart than `within`.
pub(super) fn tip_gap(w: &World, h: &Handles, within: Real) -> Option<Real> {
    let (pt, st) = collider_pose(w, h.fingertip);
    h.spinner_colliders
        .iter()
        .filter_map(|&s| {
            let (ps, ss) = collider_pose(w, s);
            query::contact(&pt, st, &ps, ss, within)
                .ok()
                .flatten()
                .map(|c| c.dist)
        })
        .min_by(Real::total_cmp)
}

/// Whether any finger geom overlaps any spinner geom (dm_control's `ncon == 0` test of a reset).
pub(super) fn in_collision(w: &World, h: &Handles) -> bool {
    h.finger_colliders.iter().any(|&f| {
        let (pf, sf) = collider_pose(w, f);
        h.spinner_colliders.iter().any(|&s| {
            let (ps, ss) = collider_pose(w, s);
            query::intersection_test(&pf, sf, &ps, ss).is_ok_and(|i| i.intersecting)
        })
    })
}
