//! [`Chain`]: a built planar chain, stepped and read in generalized coordinates.

use rapier3d::prelude::*;

use super::integrator::{euler_step, place_bodies};
use super::soft_constraints::{LimitRow, SoftForces, solve_soft_constraints};
use super::soft_limit::violation;
use super::{
    Actuator, BodyId, BodyInfo, Geom, GroundTouch, Integrator, Joint, SmoothDynamics, SoftGround,
    SoftLimited, free_acceleration,
};
use crate::state::PhysicsState;
use crate::world::World;

/// A built planar chain: its world, the construction-time snapshot, and the DoF layout.
pub struct Chain {
    world: World,
    template: World,
    pipeline: PhysicsPipeline,
    mb: MultibodyJointHandle,
    bodies: Vec<BodyInfo>,
    actuators: Vec<Actuator>,
    springs: Vec<(usize, f32)>,
    soft_limits: Vec<SoftLimited>,
    ground: Option<SoftGround>,
    touches: Vec<(BodyId, GroundTouch)>,
    inv_weight0: Vec<f32>,
    dof_link: Vec<(usize, usize)>,
    ctrl: Vec<f32>,
    integrator: Integrator,
}

impl Chain {
    pub(crate) fn new(
        world: World,
        mb: MultibodyJointHandle,
        bodies: Vec<BodyInfo>,
        actuators: Vec<Actuator>,
        springs: Vec<(usize, f32)>,
        soft_limits: Vec<SoftLimited>,
        ground: Option<SoftGround>,
        dof_link: Vec<(usize, usize)>,
        integrator: Integrator,
    ) -> Self {
        let (m, _) = world.multibody_joints.get(mb).expect("multibody");
        let zero = vec![0.0; m.ndofs()];
        let (_, inv_weight0) = free_acceleration(m, &world.bodies, world.gravity, &zero)
            .expect("a chain's mass matrix is positive definite");
        Chain {
            inv_weight0: inv_weight0.iter().copied().collect(),
            template: world.clone(),
            world,
            pipeline: PhysicsPipeline::new(),
            mb,
            bodies,
            actuators,
            springs,
            soft_limits,
            ground,
            touches: Vec::new(),
            dof_link,
            ctrl: Vec::new(),
            integrator,
        }
    }

    /// Number of generalized coordinates (= velocities; no quaternions in planar chains).
    pub fn ndofs(&self) -> usize {
        self.dof_link.len()
    }

    /// The world (read access, e.g. for contacts or rendering).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// diag(M⁻¹) at the construction pose q = 0, per DoF: MuJoCo's `dof_invweight0`, the
    /// reference inverse inertia of a [`super::SoftLimit`].
    pub fn inv_weight0(&self) -> &[f32] {
        &self.inv_weight0
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
        self.touches.clear();
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
    /// updates the bodies' poses and velocities. Everything else starts afresh from the
    /// construction-time snapshot: contact manifolds and their warm-start impulses, broad-phase
    /// pairs and joint-limit rows of earlier steps are gone (a kept manifold applied phantom
    /// contact forces in the first step after a reset). Controls are kept.
    ///
    /// # Panics
    /// If a slice has the wrong length.
    #[track_caller]
    pub fn set_state(&mut self, qpos: &[f32], qvel: &[f32]) {
        let n = self.ndofs();
        assert_eq!(qpos.len(), n, "qpos length");
        assert_eq!(qvel.len(), n, "qvel length");
        self.world.clone_from(&self.template);
        self.touches.clear();
        let disp: Vec<f32> = (0..n).map(|i| qpos[i] - self.qpos(i)).collect();
        let w = &mut self.world;
        let (mb, _) = w.multibody_joints.get_mut(self.mb).expect("multibody");
        mb.apply_displacements(&disp);
        mb.generalized_velocity_mut().copy_from_slice(qvel);
        place_bodies(mb, &mut w.bodies);
    }

    /// The state in dm_control's order: coordinate `k` of the result is chain DoF `order[k]`
    /// (a permutation of `0..ndofs`; planar chains have no quaternions, so qpos and qvel share it).
    pub fn physics_state(&self, order: &[usize]) -> PhysicsState {
        PhysicsState {
            qpos: order.iter().map(|&i| f64::from(self.qpos(i))).collect(),
            qvel: order.iter().map(|&i| f64::from(self.qvel(i))).collect(),
        }
    }

    /// [`Chain::set_state`] from dm_control's order (see [`Chain::physics_state`]); values are
    /// rounded to the simulation's f32.
    ///
    /// # Panics
    /// If `state` or `order` do not have [`Chain::ndofs`] entries.
    #[track_caller]
    pub fn set_physics_state(&mut self, order: &[usize], state: &PhysicsState) {
        let n = self.ndofs();
        assert_eq!(order.len(), n, "order length");
        let (mut qpos, mut qvel) = (vec![0.0; n], vec![0.0; n]);
        for (k, &i) in order.iter().enumerate() {
            qpos[i] = state.qpos[k] as f32;
            qvel[i] = state.qvel[k] as f32;
        }
        self.set_state(&qpos, &qvel);
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

    /// Advances one physics step with the current controls, spring torques, soft ground
    /// contacts and soft limits, by the chain's [`Integrator`].
    pub fn step(&mut self) {
        let mut tau = self.applied_forces();
        // Ground contacts and soft limits together, from the applied forces (one program).
        let limits = self.limit_rows();
        let w = &mut self.world;
        let (mb, _) = w.multibody_joints.get_mut(self.mb).expect("multibody");
        let ground = self.ground.as_ref();
        let contacts = ground.map_or_else(Vec::new, |g| g.touching(&w.bodies));
        let solve = |mb: &Multibody, dynamics: &SmoothDynamics| {
            solve_soft_constraints(mb, &w.bodies, dynamics, ground, &contacts, &limits)
        };
        let forces = match self.integrator {
            Integrator::Euler => {
                // Forward kinematics is current: the last step or `set_state` placed the bodies.
                let dynamics = SmoothDynamics::new(mb, &w.bodies, w.gravity, &tau);
                let forces = solve(mb, &dynamics);
                euler_step(
                    mb,
                    &mut w.bodies,
                    &dynamics,
                    &forces.generalized,
                    w.params.dt,
                );
                forces
            }
            Integrator::Rapier if contacts.is_empty() && limits.is_empty() => SoftForces::default(),
            Integrator::Rapier => {
                mb.forward_kinematics(&w.bodies, false);
                solve(mb, &SmoothDynamics::new(mb, &w.bodies, w.gravity, &tau))
            }
        };
        self.touches.clear();
        if self.integrator == Integrator::Euler {
            self.touches
                .extend(forces.touches.into_iter().map(|(b, t)| (BodyId(b), t)));
            return;
        }
        for b in &self.bodies {
            let rb = &mut self.world.bodies[b.handle];
            rb.reset_torques(false);
            rb.reset_forces(false);
        }
        for &(dof, f) in &forces.limits {
            tau[dof] += f;
        }
        for (body, t) in forces.touches {
            let force = Vector::new(t.force[1], 0.0, t.force[0]);
            let rb = &mut self.world.bodies[self.bodies[body].handle];
            rb.add_force_at_point(force, t.position, false);
            self.touches.push((BodyId(body), t));
        }
        for i in 0..self.bodies.len() {
            let f = tau[self.bodies[i].first_dof];
            if f != 0.0 {
                // (a planar root has no generalized force applied: apply_generalized skips it)
                self.apply_generalized(i, f);
            }
        }
        self.world.step(&mut self.pipeline);
    }

    /// The soft ground contacts that acted in the last step (empty after a reset or
    /// `set_state`, and for a chain without a soft ground).
    pub fn ground_touches(&self) -> &[(BodyId, GroundTouch)] {
        &self.touches
    }

    /// Each soft-ground capsule's body and its `body_invweight0` (the regulariser's scale of
    /// its contacts), in geom order; empty without a soft ground.
    pub fn ground_inv_weights(&self) -> Vec<(BodyId, f32)> {
        self.ground
            .iter()
            .flat_map(|g| {
                g.capsules
                    .iter()
                    .zip(&g.inv_weight)
                    .map(|(c, &w)| (BodyId(c.body), w))
            })
            .collect()
    }

    /// The generalized forces of the actuators (controls × gears) and joint springs in the
    /// current state.
    pub(crate) fn applied_forces(&self) -> Vec<f32> {
        let mut tau = vec![0.0; self.ndofs()];
        for (i, a) in self.actuators.iter().enumerate() {
            let u = self.ctrl.get(i).copied().unwrap_or(0.0);
            tau[self.bodies[a.body].first_dof] += a.gear * u;
        }
        for &(body, k) in &self.springs {
            let dof = self.bodies[body].first_dof;
            tau[dof] -= k * self.qpos(dof);
        }
        tau
    }

    /// The soft ground, if the chain has one.
    #[cfg(test)]
    pub(crate) fn soft_ground(&self) -> Option<&SoftGround> {
        self.ground.as_ref()
    }

    /// The rapier multibody of the chain in [`Chain::world`].
    #[cfg(test)]
    pub(crate) fn multibody_handle(&self) -> MultibodyJointHandle {
        self.mb
    }

    /// The soft-limited DoFs past their ranges in the current state.
    pub(crate) fn limit_rows(&self) -> Vec<LimitRow> {
        self.soft_limits
            .iter()
            .filter_map(|s| {
                let (dist, sign) = violation(s.range, self.qpos(s.dof))?;
                Some(LimitRow {
                    dof: s.dof,
                    dist,
                    sign,
                    limit: s.limit,
                    inv_weight0: self.inv_weight0[s.dof],
                })
            })
            .collect()
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

    /// Every geom with its body's world pose (the shape is in the body frame), bodies in
    /// insertion order: what a renderer draws.
    pub fn geoms(&self) -> impl Iterator<Item = (BodyId, &Pose, &Geom)> + '_ {
        self.bodies.iter().enumerate().flat_map(move |(i, b)| {
            let pose = self.world.bodies[b.handle].position();
            b.geoms.iter().map(move |g| (BodyId(i), pose, g))
        })
    }

    /// The lowest point of `body`'s colliding geoms, in the world frame and in the body frame
    /// (m): where a foot touches the ground. Tracking the body-frame point from one state to the
    /// next gives the velocity of the foot's material there (slip), not of the rolling contact.
    /// `None` if the body has no colliding geom.
    pub fn lowest_point(&self, body: BodyId) -> Option<(Vector, Vector)> {
        let pose = self.pose(body);
        let p = self.bodies[body.0]
            .geoms
            .iter()
            .filter(|g| g.friction.is_some())
            .map(|g| g.shape.lowest_point(pose))
            .min_by(|p, q| p.z.total_cmp(&q.z))?;
        Some((p, pose.inverse() * p))
    }

    /// The rapier rigid body simulating `body` (mass properties, velocities).
    pub fn rigid_body(&self, body: BodyId) -> &RigidBody {
        &self.world.bodies[self.bodies[body.0].handle]
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
