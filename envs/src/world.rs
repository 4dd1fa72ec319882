//! A cloneable rapier world: every set a physics step needs, plus gravity and the
//! integration parameters. Tasks build one, keep a pristine copy as a template, and reset by
//! cloning the template (all rapier sets are `Clone`; the pipeline is only workspace and is
//! rebuilt fresh, which gives bit-identical results).

use rapier3d::prelude::*;

/// The state of one rapier simulation. Units are SI; z is up (MuJoCo's convention).
pub struct World {
    /// Gravity in m/s² (zero for the tasks that disable it in dm_control).
    pub gravity: Vector,
    /// Timestep and solver settings; `params.dt` is the MuJoCo physics timestep.
    pub params: IntegrationParameters,
    pub islands: IslandManager,
    pub broad_phase: DefaultBroadPhase,
    pub narrow_phase: NarrowPhase,
    pub bodies: RigidBodySet,
    pub colliders: ColliderSet,
    pub impulse_joints: ImpulseJointSet,
    pub multibody_joints: MultibodyJointSet,
    pub soft_bodies: SoftBodySet,
    pub ccd: CCDSolver,
    pipeline: PhysicsPipeline,
}

impl World {
    /// An empty world with the given gravity and physics timestep (s), one solver iteration and
    /// CCD off (the tasks' bodies are slow relative to their size at MuJoCo's timesteps).
    pub fn new(gravity: Vector, dt: Real) -> Self {
        let params = IntegrationParameters {
            dt,
            num_solver_iterations: 1,
            max_ccd_substeps: 0,
            ..IntegrationParameters::default()
        };
        World {
            gravity,
            params,
            islands: IslandManager::new(),
            broad_phase: DefaultBroadPhase::new(),
            narrow_phase: NarrowPhase::new(),
            bodies: RigidBodySet::new(),
            colliders: ColliderSet::new(),
            impulse_joints: ImpulseJointSet::new(),
            multibody_joints: MultibodyJointSet::new(),
            soft_bodies: SoftBodySet::new(),
            ccd: CCDSolver::new(),
            pipeline: PhysicsPipeline::new(),
        }
    }

    /// Advances the simulation by one physics timestep `params.dt`.
    pub fn step(&mut self) {
        self.pipeline.step(
            self.gravity,
            &self.params,
            &mut self.islands,
            &mut self.broad_phase,
            &mut self.narrow_phase,
            &mut self.bodies,
            &mut self.colliders,
            &mut self.impulse_joints,
            &mut self.multibody_joints,
            &mut self.soft_bodies,
            &mut self.ccd,
            &(),
            &(),
        );
    }

    /// Copies every set of `other` into `self`, reusing `self`'s pipeline workspace.
    pub fn copy_from(&mut self, other: &World) {
        self.gravity = other.gravity;
        self.params = other.params;
        self.islands.clone_from(&other.islands);
        self.broad_phase.clone_from(&other.broad_phase);
        self.narrow_phase.clone_from(&other.narrow_phase);
        self.bodies.clone_from(&other.bodies);
        self.colliders.clone_from(&other.colliders);
        self.impulse_joints.clone_from(&other.impulse_joints);
        self.multibody_joints.clone_from(&other.multibody_joints);
        self.soft_bodies.clone_from(&other.soft_bodies);
        self.ccd.clone_from(&other.ccd);
    }
}

impl Clone for World {
    fn clone(&self) -> Self {
        World {
            gravity: self.gravity,
            params: self.params,
            islands: self.islands.clone(),
            broad_phase: self.broad_phase.clone(),
            narrow_phase: self.narrow_phase.clone(),
            bodies: self.bodies.clone(),
            colliders: self.colliders.clone(),
            impulse_joints: self.impulse_joints.clone(),
            multibody_joints: self.multibody_joints.clone(),
            soft_bodies: self.soft_bodies.clone(),
            ccd: self.ccd.clone(),
            pipeline: PhysicsPipeline::new(),
        }
    }
}
