//! A cloneable rapier world: every set a physics step needs, Z-up gravity.
//!
//! rapier's `PhysicsWorld` is neither `Clone` nor Z-up; RL needs both (a reset clones the
//! snapshot taken right after construction, which keeps runs bit-identical).

use rapier3d::prelude::*;

/// MuJoCo's standard gravity, m/s², along −z.
pub const GRAVITY: f32 = 9.81;

/// All the state of one rapier simulation except the pipeline's scratch space.
#[derive(Clone)]
pub struct World {
    /// Integration parameters (`dt` is the physics timestep, in seconds).
    pub params: IntegrationParameters,
    /// Gravity vector, m/s² (default `(0, 0, −9.81)`).
    pub gravity: Vector,
    /// Rigid bodies (multibody links are rigid bodies too).
    pub bodies: RigidBodySet,
    /// Collision shapes.
    pub colliders: ColliderSet,
    /// Reduced-coordinate articulations.
    pub multibody_joints: MultibodyJointSet,
    islands: IslandManager,
    broad_phase: DefaultBroadPhase,
    /// Contact pairs and manifolds (read by contact sensors such as finger's `touch`).
    pub narrow_phase: NarrowPhase,
    impulse_joints: ImpulseJointSet,
    soft_bodies: SoftBodySet,
    ccd: CCDSolver,
}

impl World {
    /// An empty world with physics timestep `dt` (s) and one solver iteration per step.
    pub fn new(dt: f32) -> Self {
        let params = IntegrationParameters {
            dt,
            num_solver_iterations: 1,
            // Articulated robots with no CCD need: MuJoCo has none either.
            max_ccd_substeps: 0,
            ..IntegrationParameters::default()
        };
        World {
            params,
            gravity: Vector::new(0.0, 0.0, -GRAVITY),
            bodies: RigidBodySet::new(),
            colliders: ColliderSet::new(),
            multibody_joints: MultibodyJointSet::new(),
            islands: IslandManager::new(),
            broad_phase: DefaultBroadPhase::default(),
            narrow_phase: NarrowPhase::new(),
            impulse_joints: ImpulseJointSet::new(),
            soft_bodies: SoftBodySet::new(),
            ccd: CCDSolver::new(),
        }
    }

    /// Advances one physics step of `params.dt` seconds.
    pub fn step(&mut self, pipeline: &mut PhysicsPipeline) {
        pipeline.step(
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
}
