//! A contact-free articulated tree in reduced coordinates, integrated like MuJoCo's `Euler`
//! integrator, in f64. Used by fish, whose dm_control model disables gravity *and* all
//! constraints, so a rigid-body tree with external (fluid) forces is the whole model.
//!
//! Why not rapier's multibody: its semi-implicit Coriolis treatment (f32) does not conserve
//! linear momentum for a free-floating tree. A fish flapping its tail in a *vacuum* drifted
//! 8–16 cm in 10 s, as far as it swims in the fluid, so an agent could "swim" on integration
//! error. Here the bias forces are exact and the scheme is MuJoCo's, so the only momentum error
//! is MuJoCo's own O(dt) (see `tests/fish.rs`).
//!
//! # Model
//! Body 0 is the root, attached to the world by a free joint: `v[0..3]` is the root origin's
//! linear velocity (world frame), `v[3..6]` its angular velocity in the root's own frame
//! (MuJoCo's convention). Every other body hangs from its parent at `pos` (parent frame) through
//! zero or more hinges applied in order, each rotating the body about `axis` through `anchor`
//! (body frame), as MuJoCo's `mj_kinematics` does.
//!
//! # Dynamics
//! `M(q) q̈ = τ − c(q, v)` with `M = Σ_b m_b J_cᵀ J_c + J_ωᵀ I_b J_ω` over bodies (J_c: Jacobian of
//! the centre of mass, J_ω: of the angular velocity, I_b: world inertia about the COM) and
//! `c = Σ_b m_b J_cᵀ (J̇_c v) + J_ωᵀ (I_b J̇_ω v + ω × I_b ω)`. `J̇ v` is the derivative of `J(q(t)) v`
//! along the motion, taken by a central difference of step ε = 1e-6 s (error O(ε²) ≈ 1e-12 relative).
//! Step (MuJoCo Euler, damping implicit): `v⁺ = v + h (M + h D)⁻¹ (τ − c − D v)`, then
//! hinges `q⁺ = q + h v⁺`, root position `x⁺ = x + h v⁺_lin`, root orientation
//! `R⁺ = R · exp(h ω⁺_local)`.

// Dense linear algebra over DoF indices reads best as index loops.
#![allow(clippy::needless_range_loop)]

use rapier3d::glamx::{DMat3, DQuat, DVec3};

/// Most velocity DoFs a tree may have.
pub const MAX_DOFS: usize = 16;

/// A hinge of a body.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hinge {
    /// Rotation axis (unit, body frame).
    pub axis: DVec3,
    /// A point on the axis (body frame).
    pub anchor: DVec3,
    /// Viscous damping (N·m·s/rad).
    pub damping: f64,
}

/// A rigid body of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// Parent index (`None` for the free root, which must be body 0).
    pub parent: Option<usize>,
    /// Origin in the parent frame at zero joint angles.
    pub pos: DVec3,
    /// Hinges between parent and body, applied in order.
    pub hinges: Vec<Hinge>,
    /// Mass (kg).
    pub mass: f64,
    /// Centre of mass (body frame).
    pub com: DVec3,
    /// Principal moments about the COM, along the body axes (kg·m²).
    pub inertia: DVec3,
}

/// Positions and velocities: root pose, hinge angles, velocities (6 + hinges).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TreeState {
    /// Root origin (world).
    pub root_pos: DVec3,
    /// Root orientation.
    pub root_rot: DQuat,
    /// Hinge angles in tree order (rad).
    pub q: Vec<f64>,
    /// Velocities: root linear (world), root angular (root frame), hinge rates.
    pub v: Vec<f64>,
}

/// World kinematics of one configuration.
#[derive(Clone, Debug, Default)]
pub struct Kinematics {
    /// Body origins and orientations.
    pub pos: Vec<DVec3>,
    /// Body orientations.
    pub rot: Vec<DQuat>,
    /// Per hinge: world anchor and world axis.
    pub hinge_anchor: Vec<DVec3>,
    pub hinge_axis: Vec<DVec3>,
}

/// Scratch space of [`Tree::step`] (kinematics at the state and at ±ε along the motion).
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    k: Kinematics,
    kp: Kinematics,
    km: Kinematics,
    sp: TreeState,
    sm: TreeState,
}

/// A tree and the bookkeeping its algorithms need.
#[derive(Clone, Debug)]
pub struct Tree {
    bodies: Vec<Body>,
    /// Per hinge: its body and its index within the body.
    hinge_index: Vec<(usize, usize)>,
    /// `affects[h][b]`: hinge h moves body b (b is h's body or a descendant).
    affects: Vec<Vec<bool>>,
    nv: usize,
}

fn skew_mul(a: DVec3, m: &DMat3) -> DMat3 {
    DMat3::from_cols(a.cross(m.x_axis), a.cross(m.y_axis), a.cross(m.z_axis))
}

/// Column-major Jacobian rows: `lin[k]`, `ang[k]` are the columns for DoF k.
#[derive(Clone, Copy)]
struct Jac {
    lin: [DVec3; MAX_DOFS],
    ang: [DVec3; MAX_DOFS],
}

impl Tree {
    /// A tree of `bodies` (body 0 the free root, parents before children).
    ///
    /// # Panics
    /// If body 0 has a parent, a parent comes after its child, or there are more than
    /// [`MAX_DOFS`] DoFs.
    #[track_caller]
    pub fn new(bodies: Vec<Body>) -> Self {
        assert!(bodies[0].parent.is_none(), "body 0 must be the free root");
        let mut hinge_index = Vec::new();
        for (b, body) in bodies.iter().enumerate() {
            if b > 0 {
                assert!(body.parent.is_some_and(|p| p < b), "parents come first");
            }
            hinge_index.extend((0..body.hinges.len()).map(|k| (b, k)));
        }
        let nv = 6 + hinge_index.len();
        assert!(nv <= MAX_DOFS, "{nv} DoFs exceed {MAX_DOFS}");
        let descends = |mut b: usize, from: usize| loop {
            if b == from {
                return true;
            }
            match bodies[b].parent {
                Some(p) => b = p,
                None => return false,
            }
        };
        let affects = hinge_index
            .iter()
            .map(|&(hb, _)| (0..bodies.len()).map(|b| descends(b, hb)).collect())
            .collect();
        Tree {
            bodies,
            hinge_index,
            affects,
            nv,
        }
    }

    /// Velocity DoFs (6 + hinges).
    pub fn nv(&self) -> usize {
        self.nv
    }
    /// The bodies.
    pub fn bodies(&self) -> &[Body] {
        &self.bodies
    }
    /// The rest state at the given root pose.
    pub fn rest(&self, root_pos: DVec3, root_rot: DQuat) -> TreeState {
        TreeState {
            root_pos,
            root_rot,
            q: vec![0.0; self.nv - 6],
            v: vec![0.0; self.nv],
        }
    }

    /// Body poses and hinge frames of `s` (MuJoCo's `mj_kinematics`).
    pub fn kinematics(&self, s: &TreeState, k: &mut Kinematics) {
        let n = self.bodies.len();
        k.pos.resize(n, DVec3::ZERO);
        k.rot.resize(n, DQuat::IDENTITY);
        k.hinge_anchor.resize(self.nv - 6, DVec3::ZERO);
        k.hinge_axis.resize(self.nv - 6, DVec3::ZERO);
        k.pos[0] = s.root_pos;
        k.rot[0] = s.root_rot;
        let mut h = 0;
        for (b, body) in self.bodies.iter().enumerate().skip(1) {
            let p = body.parent.expect("non-root");
            let mut rot = k.rot[p];
            let mut pos = k.pos[p] + rot * body.pos;
            for hinge in &body.hinges {
                let anchor = pos + rot * hinge.anchor;
                k.hinge_anchor[h] = anchor;
                k.hinge_axis[h] = rot * hinge.axis;
                rot = (rot * DQuat::from_axis_angle(hinge.axis, s.q[h])).normalize();
                pos = anchor - rot * hinge.anchor;
                h += 1;
            }
            k.pos[b] = pos;
            k.rot[b] = rot;
        }
    }

    /// World centre of mass of body `b`.
    pub fn com(&self, k: &Kinematics, b: usize) -> DVec3 {
        k.pos[b] + k.rot[b] * self.bodies[b].com
    }

    /// Jacobian of body b's COM velocity and angular velocity.
    fn jacobian(&self, k: &Kinematics, b: usize) -> Jac {
        let mut j = Jac {
            lin: [DVec3::ZERO; MAX_DOFS],
            ang: [DVec3::ZERO; MAX_DOFS],
        };
        let x = self.com(k, b);
        let r0 = DMat3::from_quat(k.rot[0]);
        let arm = skew_mul(-(x - k.pos[0]), &r0);
        for i in 0..3 {
            j.lin[i] = DVec3::AXES[i];
            j.lin[3 + i] = arm.col(i);
            j.ang[3 + i] = r0.col(i);
        }
        for h in 0..self.nv - 6 {
            if self.affects[h][b] {
                let u = k.hinge_axis[h];
                j.lin[6 + h] = u.cross(x - k.hinge_anchor[h]);
                j.ang[6 + h] = u;
            }
        }
        j
    }

    /// Advances positions by `dt` with velocities `v` (Euler's position update).
    pub fn integrate_positions(&self, s: &mut TreeState, v: &[f64], dt: f64) {
        s.root_pos += dt * DVec3::new(v[0], v[1], v[2]);
        let w = DVec3::new(v[3], v[4], v[5]) * dt;
        let angle = w.length();
        if angle > 0.0 {
            s.root_rot = (s.root_rot * DQuat::from_axis_angle(w / angle, angle)).normalize();
        }
        for (q, qd) in s.q.iter_mut().zip(&v[6..]) {
            *q += dt * qd;
        }
    }

    /// World angular velocity and COM velocity of every body.
    pub fn body_velocities(&self, k: &Kinematics, v: &[f64]) -> Vec<(DVec3, DVec3)> {
        (0..self.bodies.len())
            .map(|b| {
                let j = self.jacobian(k, b);
                let (mut lin, mut ang) = (DVec3::ZERO, DVec3::ZERO);
                for i in 0..self.nv {
                    lin += j.lin[i] * v[i];
                    ang += j.ang[i] * v[i];
                }
                (lin, ang)
            })
            .collect()
    }

    /// One Euler step of `dt` under generalized forces `tau` (damping excluded: it is applied
    /// implicitly here). `external(b, rotation, com_velocity, angular_velocity)` returns the
    /// external (force at COM, torque) on body b, world frame, from its current motion.
    pub fn step(
        &self,
        s: &mut TreeState,
        tau: &[f64],
        ws: &mut Workspace,
        dt: f64,
        mut external: impl FnMut(usize, DQuat, DVec3, DVec3) -> (DVec3, DVec3),
    ) {
        const EPS: f64 = 1e-6;
        let nv = self.nv;
        self.kinematics(s, &mut ws.k);
        ws.sp.clone_from(s);
        self.integrate_positions(&mut ws.sp, &s.v, EPS);
        self.kinematics(&ws.sp, &mut ws.kp);
        ws.sm.clone_from(s);
        self.integrate_positions(&mut ws.sm, &s.v, -EPS);
        self.kinematics(&ws.sm, &mut ws.km);
        let mut m = [[0.0f64; MAX_DOFS]; MAX_DOFS];
        let mut f = [0.0f64; MAX_DOFS];
        f[..nv].copy_from_slice(&tau[..nv]);
        let dot = |j: &[DVec3; MAX_DOFS]| -> DVec3 {
            let mut acc = DVec3::ZERO;
            for i in 0..nv {
                acc += j[i] * s.v[i];
            }
            acc
        };
        for (b, body) in self.bodies.iter().enumerate() {
            let j = self.jacobian(&ws.k, b);
            let (jp, jm) = (self.jacobian(&ws.kp, b), self.jacobian(&ws.km, b));
            let rot = DMat3::from_quat(ws.k.rot[b]);
            let inertia = rot * DMat3::from_diagonal(body.inertia) * rot.transpose();
            let (v, w) = (dot(&j.lin), dot(&j.ang));
            let acc_lin = (dot(&jp.lin) - dot(&jm.lin)) / (2.0 * EPS);
            let acc_ang = (dot(&jp.ang) - dot(&jm.ang)) / (2.0 * EPS);
            let (fe, te) = external(b, ws.k.rot[b], v, w);
            // Generalized force of the external wrench and the velocity-product (bias) terms.
            let force = fe - body.mass * acc_lin;
            let torque = te - inertia * acc_ang - w.cross(inertia * w);
            for r in 0..nv {
                f[r] += j.lin[r].dot(force) + j.ang[r].dot(torque);
                let (ml, ia) = (body.mass * j.lin[r], inertia * j.ang[r]);
                for c in r..nv {
                    m[r][c] += ml.dot(j.lin[c]) + ia.dot(j.ang[c]);
                }
            }
        }
        for (h, &(b, k)) in self.hinge_index.iter().enumerate() {
            let d = self.bodies[b].hinges[k].damping;
            f[6 + h] -= d * s.v[6 + h];
            m[6 + h][6 + h] += dt * d;
        }
        cholesky_solve(&m, &mut f, nv);
        for (v, a) in s.v.iter_mut().zip(&f[..nv]) {
            *v += dt * a;
        }
        ws.sp.v.clone_from(&s.v);
        self.integrate_positions(s, &ws.sp.v, dt);
    }
}

/// Solves `M x = f` for symmetric positive-definite `M` (upper triangle of the leading `n × n`
/// block given); `x` replaces `f`. nalgebra's Cholesky on a fixed-size matrix (no allocation),
/// with the unused trailing block set to the identity so that it factors trivially.
///
/// # Panics
/// If `M` is not positive definite (a broken model, never a user input).
fn cholesky_solve(m: &[[f64; MAX_DOFS]; MAX_DOFS], f: &mut [f64; MAX_DOFS], n: usize) {
    use rapier3d::na::{Cholesky, SMatrix, SVector};
    let full = SMatrix::<f64, MAX_DOFS, MAX_DOFS>::from_fn(|r, c| match (r < n, c < n) {
        (true, true) => m[r.min(c)][r.max(c)],
        _ if r == c => 1.0,
        _ => 0.0,
    });
    let chol = Cholesky::new(full).expect("mass matrix not positive definite");
    let x = chol.solve(&SVector::<f64, MAX_DOFS>::from_column_slice(&f[..]));
    f[..n].copy_from_slice(&x.as_slice()[..n]);
}
