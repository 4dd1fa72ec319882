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

use rapier3d::prelude::*;

use crate::world::World;

/// Index of a body added to a [`ChainBuilder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyId(usize);

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

    fn mass_properties(&self, density: f32) -> MassProperties {
        match *self {
            Shape::Capsule { a, b, radius } => MassProperties::from_capsule(density, a, b, radius),
            Shape::Cuboid { half } => MassProperties::from_cuboid(density, half),
            Shape::Sphere { center, radius } => MassProperties::from_ball(density, radius)
                .transform_by(&Pose::from_translation(center)),
        }
    }

    fn collider(&self) -> ColliderBuilder {
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

struct BodyInfo {
    handle: RigidBodyHandle,
    parent: Option<usize>,
    joint: Joint,
    link_id: usize,
    first_dof: usize,
    mass: f32,
}

/// One actuator: a motor on a body's one-DoF joint with a gear (MJCF `<motor gear>`).
#[derive(Clone, Copy, Debug)]
struct Actuator {
    body: usize,
    gear: f32,
}

/// Builds a [`Chain`]: bodies in tree order (parents first), then actuators.
pub struct ChainBuilder {
    world: World,
    anchor: RigidBodyHandle,
    bodies: Vec<BodyInfo>,
    actuators: Vec<Actuator>,
    mb: Option<MultibodyJointHandle>,
    ndofs: usize,
    damping: Vec<f32>,
    armature: Vec<f32>,
}

/// Collision group of robot geoms and of the ground.
const ROBOT: Group = Group::GROUP_1;
const GROUND: Group = Group::GROUP_2;

impl ChainBuilder {
    /// A world with physics timestep `dt` (s) and the fixed anchor at the origin.
    pub fn new(dt: f32) -> Self {
        let mut world = World::new(dt);
        let anchor = world.bodies.insert(RigidBodyBuilder::fixed());
        ChainBuilder {
            world,
            anchor,
            bodies: Vec::new(),
            actuators: Vec::new(),
            mb: None,
            ndofs: 0,
            damping: Vec::new(),
            armature: Vec::new(),
        }
    }

    /// The world being built (e.g. to change integration parameters).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Adds an infinite ground plane z = `height` with sliding `friction` (max-combined, as MuJoCo).
    pub fn ground(&mut self, height: f32, friction: f32) {
        let h = self
            .world
            .bodies
            .insert(RigidBodyBuilder::fixed().translation(Vector::new(0.0, 0.0, height)));
        let c = ColliderBuilder::halfspace(rapier3d::na::Unit::new_unchecked(Vector::Z))
            .friction(friction)
            .friction_combine_rule(CoefficientCombineRule::Max)
            .collision_groups(InteractionGroups::new(
                GROUND,
                ROBOT,
                InteractionTestMode::And,
            ));
        self.world
            .colliders
            .insert_with_parent(c, h, &mut self.world.bodies);
    }

    /// Adds a body whose frame sits at `pos` in its parent's frame (the anchor if `parent` is
    /// `None`), joined by `joint`, with `geoms`. Returns its id.
    ///
    /// # Panics
    /// If rapier refuses the joint (a loop, or a second parent).
    #[track_caller]
    pub fn body(
        &mut self,
        parent: Option<BodyId>,
        pos: Vector,
        joint: Joint,
        geoms: &[Geom],
    ) -> BodyId {
        let mut mprops = MassProperties::default();
        let mut mass = 0.0;
        for g in geoms {
            let unit = g.shape.mass_properties(1.0);
            mprops += g.shape.mass_properties(g.mass / unit.mass());
            mass += g.mass;
        }
        let handle = self.world.bodies.insert(
            RigidBodyBuilder::dynamic()
                .can_sleep(false)
                .additional_mass_properties(mprops),
        );
        for g in geoms {
            if let Some(friction) = g.friction {
                let c = g
                    .shape
                    .collider()
                    .density(0.0)
                    .friction(friction)
                    .friction_combine_rule(CoefficientCombineRule::Max)
                    .collision_groups(InteractionGroups::new(
                        ROBOT,
                        GROUND,
                        InteractionTestMode::And,
                    ));
                self.world
                    .colliders
                    .insert_with_parent(c, handle, &mut self.world.bodies);
            }
        }
        let parent_handle = parent.map_or(self.anchor, |p| self.bodies[p.0].handle);
        let (generic, dofs): (GenericJoint, Vec<(f32, f32)>) = match joint {
            Joint::Planar => (
                GenericJointBuilder::new(
                    JointAxesMask::LIN_Y | JointAxesMask::ANG_X | JointAxesMask::ANG_Z,
                )
                .local_anchor1(pos)
                .local_anchor2(Vector::ZERO)
                .contacts_enabled(false)
                .build(),
                vec![(0.0, 0.0); 3],
            ),
            Joint::Hinge(p) => {
                let mut b = RevoluteJointBuilder::new(p.axis)
                    .local_anchor1(pos + p.pos)
                    .local_anchor2(p.pos)
                    .contacts_enabled(false);
                if let Some(r) = p.range {
                    b = b.limits(r);
                }
                (b.build().into(), vec![(p.damping, p.armature)])
            }
            Joint::Slide(p) => {
                let mut b = PrismaticJointBuilder::new(p.axis)
                    .local_anchor1(pos + p.pos)
                    .local_anchor2(p.pos)
                    .contacts_enabled(false);
                if let Some(r) = p.range {
                    b = b.limits(r);
                }
                (b.build().into(), vec![(p.damping, p.armature)])
            }
        };
        let h = self
            .world
            .multibody_joints
            .insert(parent_handle, handle, generic, true)
            .expect("rapier refused the joint (loop or second parent)");
        self.mb.get_or_insert(h);
        let link_id = self.world.multibody_joints.get(h).expect("just inserted").1;
        let first_dof = self.ndofs;
        self.ndofs += dofs.len();
        for (d, a) in dofs {
            self.damping.push(d);
            self.armature.push(a);
        }
        self.bodies.push(BodyInfo {
            handle,
            parent: parent.map(|p| p.0),
            joint,
            link_id,
            first_dof,
            mass,
        });
        BodyId(self.bodies.len() - 1)
    }

    /// Adds a motor on `body`'s one-DoF joint with `gear` (force = gear · action).
    ///
    /// # Panics
    /// If the body's joint is planar.
    #[track_caller]
    pub fn actuator(&mut self, body: BodyId, gear: f32) {
        assert!(
            !matches!(self.bodies[body.0].joint, Joint::Planar),
            "actuators drive one-DoF joints"
        );
        self.actuators.push(Actuator { body: body.0, gear });
    }

    /// Total mass of the bodies added so far, kg.
    pub fn total_mass(&self) -> f32 {
        self.bodies.iter().map(|b| b.mass).sum()
    }

    /// Finishes the chain: sets damping and armature, places the bodies at q = 0.
    ///
    /// # Panics
    /// If no body was added.
    #[track_caller]
    pub fn build(mut self) -> Chain {
        let mbh = self.mb.expect("a chain needs at least one body");
        let w = &mut self.world;
        // Mass properties are otherwise only computed at the first step; the snapshot needs them.
        for b in &self.bodies {
            w.bodies[b.handle].recompute_mass_properties_from_colliders(&w.colliders);
        }
        let (mb, _) = w.multibody_joints.get_mut(mbh).expect("multibody");
        // The root type is updated lazily: run forward kinematics before sizing DoF vectors.
        mb.forward_kinematics(&w.bodies, true);
        assert_eq!(mb.ndofs(), self.ndofs, "DoF count");
        for i in 0..self.ndofs {
            mb.damping_mut()[i] = self.damping[i];
            mb.armature_mut()[i] = self.armature[i];
        }
        mb.update_rigid_bodies(&mut w.bodies, true);
        let springs = self
            .bodies
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match b.joint {
                Joint::Hinge(p) if p.stiffness != 0.0 => Some((i, p.stiffness)),
                _ => None,
            })
            .collect();
        let mut dof_link = Vec::with_capacity(self.ndofs);
        for b in &self.bodies {
            match b.joint {
                Joint::Planar => dof_link.extend([(b.link_id, 0), (b.link_id, 2), (b.link_id, 4)]),
                Joint::Hinge(_) => dof_link.push((b.link_id, 3)),
                Joint::Slide(_) => dof_link.push((b.link_id, 0)),
            }
        }
        Chain {
            template: self.world.clone(),
            world: self.world,
            pipeline: PhysicsPipeline::new(),
            mb: mbh,
            bodies: self.bodies,
            actuators: self.actuators,
            springs,
            dof_link,
            ctrl: Vec::new(),
        }
    }
}

/// A built planar chain: its world, the construction-time snapshot, and the DoF layout.
pub struct Chain {
    world: World,
    template: World,
    pipeline: PhysicsPipeline,
    mb: MultibodyJointHandle,
    bodies: Vec<BodyInfo>,
    actuators: Vec<Actuator>,
    springs: Vec<(usize, f32)>,
    dof_link: Vec<(usize, usize)>,
    ctrl: Vec<f32>,
}

impl Chain {
    /// Number of generalized coordinates (= velocities; no quaternions in planar chains).
    pub fn ndofs(&self) -> usize {
        self.dof_link.len()
    }

    /// The world (read access, e.g. for contacts or rendering).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Physics timestep, s.
    pub fn dt(&self) -> f32 {
        self.world.params.dt
    }

    fn multibody(&self) -> &Multibody {
        self.world
            .multibody_joints
            .get(self.mb)
            .expect("multibody")
            .0
    }

    /// Restores the construction-time state (q = 0, v = 0, controls 0).
    pub fn reset(&mut self) {
        self.world.clone_from(&self.template);
        self.ctrl.clear();
    }

    /// Generalized coordinate `i` (MuJoCo's qpos for a planar chain).
    pub fn qpos(&self, i: usize) -> f32 {
        let (link, c) = self.dof_link[i];
        self.multibody().link(link).expect("link").joint().coords()[c]
    }

    /// Generalized velocity `i` (MuJoCo's qvel).
    pub fn qvel(&self, i: usize) -> f32 {
        self.multibody().generalized_velocity()[i]
    }

    /// Sets the generalized coordinates and velocities (both of length [`Chain::ndofs`]) and
    /// updates the bodies' poses and velocities.
    ///
    /// # Panics
    /// If a slice has the wrong length.
    #[track_caller]
    pub fn set_state(&mut self, qpos: &[f32], qvel: &[f32]) {
        let n = self.ndofs();
        assert_eq!(qpos.len(), n, "qpos length");
        assert_eq!(qvel.len(), n, "qvel length");
        let disp: Vec<f32> = (0..n).map(|i| qpos[i] - self.qpos(i)).collect();
        let w = &mut self.world;
        let (mb, _) = w.multibody_joints.get_mut(self.mb).expect("multibody");
        mb.apply_displacements(&disp);
        mb.generalized_velocity_mut().copy_from_slice(qvel);
        mb.forward_kinematics(&w.bodies, false);
        mb.update_rigid_bodies(&mut w.bodies, false);
    }

    /// Sets the actuator controls (held until changed); each is multiplied by its gear.
    ///
    /// # Panics
    /// If `ctrl` does not have one entry per actuator.
    #[track_caller]
    pub fn set_ctrl(&mut self, ctrl: &[f32]) {
        assert_eq!(ctrl.len(), self.actuators.len(), "one control per actuator");
        self.ctrl.clear();
        self.ctrl.extend_from_slice(ctrl);
    }

    /// Advances one physics step with the current controls and spring torques.
    pub fn step(&mut self) {
        for b in &self.bodies {
            let rb = &mut self.world.bodies[b.handle];
            rb.reset_torques(false);
            rb.reset_forces(false);
        }
        for i in 0..self.actuators.len() {
            let a = self.actuators[i];
            let u = self.ctrl.get(i).copied().unwrap_or(0.0);
            self.apply_generalized(a.body, a.gear * u);
        }
        for i in 0..self.springs.len() {
            let (body, k) = self.springs[i];
            let q = self.qpos(self.bodies[body].first_dof);
            self.apply_generalized(body, -k * q);
        }
        self.world.step(&mut self.pipeline);
    }

    /// Applies generalized force `f` on `body`'s one-DoF joint as a world-frame force or
    /// torque pair on the child and its parent.
    fn apply_generalized(&mut self, body: usize, f: f32) {
        let b = &self.bodies[body];
        let (axis, rot) = match b.joint {
            Joint::Hinge(p) => (p.axis, true),
            Joint::Slide(p) => (p.axis, false),
            Joint::Planar => return,
        };
        let parent = b.parent.map(|p| self.bodies[p].handle);
        // The joint axis is fixed in the parent frame (and in the child frame: it is the axis).
        let frame = self.world.bodies[b.handle].rotation();
        let w = *frame * axis * f;
        let child = &mut self.world.bodies[b.handle];
        if rot {
            child.add_torque(w, false);
        } else {
            child.add_force(w, false);
        }
        if let Some(ph) = parent {
            let p = &mut self.world.bodies[ph];
            if rot {
                p.add_torque(-w, false);
            } else {
                p.add_force(-w, false);
            }
        }
    }

    /// World pose of `body`'s frame.
    pub fn pose(&self, body: BodyId) -> &Pose {
        self.world.bodies[self.bodies[body.0].handle].position()
    }

    /// Mass of `body`, kg.
    pub fn mass(&self, body: BodyId) -> f32 {
        self.bodies[body.0].mass
    }

    /// Linear velocity of the centre of mass of all bodies (MuJoCo's `subtreelinvel` of the
    /// root), m/s.
    pub fn com_velocity(&self) -> Vector {
        let mut p = Vector::ZERO;
        let mut m = 0.0;
        for b in &self.bodies {
            p += self.world.bodies[b.handle].linvel() * b.mass;
            m += b.mass;
        }
        p / m
    }

    /// Kinetic plus gravitational potential energy of all bodies, J (potential relative to z = 0).
    pub fn energy(&self) -> f64 {
        let g = -self.world.gravity.z as f64;
        let mut e = 0.0;
        for b in &self.bodies {
            let rb = &self.world.bodies[b.handle];
            let m = rb.mass() as f64;
            let v = rb.linvel();
            let w = rb.angvel();
            let w_local = rb.rotation().inverse() * w;
            let i_local = rb
                .mass_properties()
                .local_mprops
                .reconstruct_inertia_matrix();
            e += 0.5 * m * v.length_squared() as f64 + 0.5 * w_local.dot(i_local * w_local) as f64;
            e += m * g * rb.center_of_mass().z as f64;
        }
        e
    }
}
