//! [`ChainBuilder`]: adds bodies in tree order, then actuators, and builds a [`Chain`].

use rapier3d::prelude::*;

use super::{
    Actuator, BodyId, BodyInfo, Chain, Geom, GroundCapsule, Integrator, Joint, Shape, SoftContact,
    SoftGround, SoftLimit, SoftLimited, body_inv_weight,
};
use crate::world::World;

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
    self_collisions: bool,
    soft_limits: Vec<SoftLimited>,
    soft_ground: Option<(f32, f32, SoftLimit)>,
    rapier_ground: bool,
    hard_limits: bool,
    integrator: Integrator,
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
            self_collisions: false,
            soft_limits: Vec::new(),
            soft_ground: None,
            rapier_ground: false,
            hard_limits: false,
            integrator: Integrator::default(),
        }
    }

    /// Lets robot geoms collide with each other, except a body with its parent (MuJoCo's
    /// `contype`/`conaffinity` 1/1 with parent–child filtering). Call before adding bodies.
    /// Off by default (robot geoms touch only the ground, MuJoCo `conaffinity = 0`).
    pub fn self_collisions(&mut self, enabled: bool) {
        self.self_collisions = enabled;
    }

    /// Advances the chain by `integrator` (default [`Integrator::Rapier`]).
    pub fn integrator(&mut self, integrator: Integrator) {
        self.integrator = integrator;
    }

    /// The world being built (e.g. to change integration parameters).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Adds an infinite ground plane z = `height` with sliding `friction` (max-combined, as MuJoCo).
    /// Call before adding bodies (their rapier colliders are made only if something in rapier
    /// can touch them: this ground or each other).
    ///
    /// # Panics
    /// If a body was added already.
    #[track_caller]
    pub fn ground(&mut self, height: f32, friction: f32) {
        assert!(
            self.bodies.is_empty(),
            "add the rapier ground before the bodies"
        );
        self.rapier_ground = true;
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

    /// A ground plane z = `height` with sliding `friction`, whose contacts with the chain's
    /// capsules are MuJoCo's soft contacts under `law` (`solref`/`solimp`) with its default
    /// pyramidal cone, computed outside
    /// rapier ([`super::SoftGround`]); each contact's friction is the larger of the ground's and
    /// the geom's (MuJoCo's rule), and must be the same for every geom.
    pub fn soft_ground(&mut self, height: f32, friction: f32, law: SoftLimit) {
        self.soft_ground = Some((height, friction, law));
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
        // A geom gets a rapier collider only if something in rapier can touch it: a rapier
        // ground or the other bodies. Against a soft ground alone it would only cost broad-
        // and narrow-phase time (the soft ground reads the geoms, not colliders).
        let collides = self.rapier_ground || self.self_collisions;
        for g in geoms.iter().filter(|_| collides) {
            if let Some(friction) = g.friction {
                let c = g
                    .shape
                    .collider()
                    .density(0.0)
                    .friction(friction)
                    .friction_combine_rule(CoefficientCombineRule::Max)
                    .collision_groups(InteractionGroups::new(
                        ROBOT,
                        if self.self_collisions {
                            GROUND | ROBOT
                        } else {
                            GROUND
                        },
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
                if let (Some(r), None) = (p.range, p.soft_limit) {
                    b = b.limits(r);
                    self.hard_limits = true;
                }
                (b.build().into(), vec![(p.damping, p.armature)])
            }
            Joint::Slide(p) => {
                let mut b = PrismaticJointBuilder::new(p.axis)
                    .local_anchor1(pos + p.pos)
                    .local_anchor2(p.pos)
                    .contacts_enabled(false);
                if let (Some(r), None) = (p.range, p.soft_limit) {
                    b = b.limits(r);
                    self.hard_limits = true;
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
        if let Joint::Hinge(p) | Joint::Slide(p) = joint
            && let (Some(range), Some(limit)) = (p.range, p.soft_limit)
        {
            self.soft_limits.push(SoftLimited {
                dof: first_dof,
                range,
                limit,
            });
        }
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
            geoms: geoms.to_vec(),
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
    /// If no body was added, or the integrator is [`Integrator::Euler`] and the chain has a
    /// rapier ground, self-collisions or a hard limit (which only rapier's step enforces).
    #[track_caller]
    pub fn build(mut self) -> Chain {
        let mbh = self.mb.expect("a chain needs at least one body");
        if self.integrator == Integrator::Euler {
            assert!(
                !(self.rapier_ground || self.self_collisions || self.hard_limits),
                "Integrator::Euler needs a chain without rapier ground ({}), self-collisions ({}) \
                 and hard limits ({}): only rapier's step enforces them",
                self.rapier_ground,
                self.self_collisions,
                self.hard_limits
            );
        }
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
        let ground = self.soft_ground.map(|(height, friction, law)| {
            let mut capsules = Vec::new();
            let mut inv_weight = Vec::new();
            let mut mu = None;
            for (i, b) in self.bodies.iter().enumerate() {
                for g in &b.geoms {
                    let Some(f) = g.friction else { continue };
                    let (a, e, radius) = match g.shape {
                        Shape::Capsule { a, b, radius } => (a, b, radius),
                        Shape::Sphere { center, radius } => (center, center, radius),
                        Shape::Cuboid { .. } => {
                            panic!("soft ground: body {i} has a box; only capsules and spheres are supported")
                        }
                    };
                    let combined = f.max(friction);
                    let first = *mu.get_or_insert(combined);
                    assert!(
                        first == combined,
                        "soft ground: one friction for every geom, got {first} and {combined}"
                    );
                    capsules.push(GroundCapsule {
                        body: i,
                        handle: b.handle,
                        link: b.link_id,
                        a,
                        b: e,
                        radius,
                    });
                    inv_weight.push(
                        body_inv_weight(mb, &w.bodies, b.link_id)
                            .expect("a chain's mass matrix is positive definite"),
                    );
                }
            }
            SoftGround {
                height,
                law: SoftContact {
                    law,
                    friction: mu.unwrap_or(friction),
                },
                capsules,
                inv_weight,
            }
        });
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
        Chain::new(
            self.world,
            mbh,
            self.bodies,
            self.actuators,
            springs,
            self.soft_limits,
            ground,
            dof_link,
            self.integrator,
        )
    }
}
