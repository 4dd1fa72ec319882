//! [`SoftLimit`]: MuJoCo's soft joint limit (`solreflimit`, `solimplimit`) for one DoF.
//!
//! rapier's multibody limits are hard and reactive: a limit row appears once q is past the
//! range and stops the joint within a step (cartpole's cart stopped at 1.804 m where MuJoCo's
//! travels to 1.89 m). MuJoCo's limit is a soft constraint. For one scalar constraint with
//! distance r (negative past the limit), constraint-space velocity v and unconstrained
//! acceleration a₀, MuJoCo's solver returns the force
//!
//! ```text
//!   f = max(0, (a_ref − a₀) / (A + R)),   R = A₀ (1 − d)/d
//!   a_ref = −b v − k r,   b = 2 / (d_max τ),   k = d(r) / (d_max² τ² ζ²)
//! ```
//!
//! where A = J M⁻¹ Jᵀ is the constraint's inverse inertia, A₀ its value at the model's
//! reference pose (MuJoCo's `dof_invweight0`, q = 0), (τ, ζ) = `solref` (time constant,
//! damping ratio) and d(r) ∈ (0, 1) the impedance of `solimp` = (d₀, d_max, width, mid,
//! power): d rises from d₀ at r = 0 to d_max at |r| ≥ width along MuJoCo's two-piece power
//! sigmoid, clamped to [10⁻⁴, 1 − 10⁻⁴] as MuJoCo does. Where A = A₀ the joint moves as
//! r̈ = (1 − d) a₀ + d a_ref: past the limit a fraction d of the applied acceleration is
//! cancelled and a damped spring of natural frequency √(d k) pushes back (critically damped
//! for ζ = 1). Where A differs from A₀ (a two-link finger's distal DoF, whose inverse inertia
//! depends on the elbow angle) the fraction is A/(A + R), not d.
//!
//! Here the force is applied explicitly once per rapier step, from the state at its start, as
//! MuJoCo's Euler step does. a₀ and A come from [`super::free_acceleration`] (applied forces,
//! damping, gravity and velocity-product forces through the mass matrix); a chain solves its
//! limits jointly with its ground contacts (`[ENV:Eq.soft-constraints]`). With the explicit
//! force, the step must resolve the spring: √(d k)·dt ≪ 2 (cartpole: 12.6 rad/s × 10 ms, finger and cheetah
//! 50 rad/s × 10 ms).

/// MuJoCo's bounds on a constraint's impedance (`mjMINIMP`, 1 − `mjMAXIMP`).
const MIN_IMPEDANCE: f32 = 1e-4;

/// MuJoCo's `solref` and `solimp` of one joint limit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SoftLimit {
    /// `solreflimit` (time constant τ in s, damping ratio ζ).
    pub solref: [f32; 2],
    /// `solimplimit` (d₀, d_max, width in m or rad, mid, power).
    pub solimp: [f32; 5],
}

impl SoftLimit {
    /// MuJoCo's defaults: solref (0.02, 1), solimp (0.9, 0.95, 0.001, 0.5, 2).
    pub const MUJOCO_DEFAULT: SoftLimit = SoftLimit {
        solref: [0.02, 1.0],
        solimp: [0.9, 0.95, 0.001, 0.5, 2.0],
    };

    /// MuJoCo's defaults with another `solref` (e.g. cartpole's rail, `solreflimit=".08 1"`).
    pub const fn with_solref(timeconst: f32, dampratio: f32) -> SoftLimit {
        SoftLimit {
            solref: [timeconst, dampratio],
            ..Self::MUJOCO_DEFAULT
        }
    }

    /// The impedance d(r) of MuJoCo's `getimpedance` (for a violation depth |r|).
    pub fn impedance(&self, r: f32) -> f32 {
        let [d0, dmax, width, mid, power] = self.solimp;
        let x = r.abs() / width;
        if x >= 1.0 || width <= 0.0 {
            return dmax.clamp(MIN_IMPEDANCE, 1.0 - MIN_IMPEDANCE);
        }
        let y = if power == 1.0 {
            x
        } else if x <= mid {
            x.powf(power) / mid.powf(power - 1.0)
        } else {
            1.0 - (1.0 - x).powf(power) / (1.0 - mid).powf(power - 1.0)
        };
        (d0 + y * (dmax - d0)).clamp(MIN_IMPEDANCE, 1.0 - MIN_IMPEDANCE)
    }

    /// The constraint force (≥ 0, along the constraint's direction) for distance `r` (< 0
    /// past the limit), constraint velocity `v`, unconstrained acceleration `a0`, inverse
    /// inertia `inv_mass` and its reference value `inv_weight0`; zero when `r ≥ 0`.
    pub fn force(&self, r: f32, v: f32, a0: f32, inv_mass: f32, inv_weight0: f32) -> f32 {
        if r >= 0.0 {
            return 0.0;
        }
        let a_ref = self.reference_acceleration(r, r, v);
        let regulariser = self.regulariser(r, inv_weight0);
        ((a_ref - a0) / (inv_mass + regulariser)).max(0.0)
    }

    /// MuJoCo's reference acceleration a_ref = −b v − k d(r_imp) r of a constraint row at
    /// distance `r` and velocity `v`, the impedance taken at depth `r_imp` (a contact's
    /// friction rows have r = 0 and the impedance of their normal's depth).
    pub fn reference_acceleration(&self, r_imp: f32, r: f32, v: f32) -> f32 {
        let [timeconst, dampratio] = self.solref;
        let dmax = self.solimp[1];
        let b = 2.0 / (dmax * timeconst);
        let k = 1.0 / (dmax * dmax * timeconst * timeconst * dampratio * dampratio);
        -b * v - k * self.impedance(r_imp) * r
    }

    /// MuJoCo's regulariser R = A₀ (1 − d)/d at depth `r` for the reference inverse inertia
    /// `inv_weight0` (A₀: `dof_invweight0` of a limit, the bodies' `body_invweight0` of a
    /// contact).
    pub fn regulariser(&self, r: f32, inv_weight0: f32) -> f32 {
        let d = self.impedance(r);
        inv_weight0 * (1.0 - d) / d
    }
}

impl SoftLimit {
    /// The generalized force on a DoF at coordinate `q` and rate `v` kept in `range`
    /// (`[min, max]`) by this limit, given its unconstrained acceleration `a0` and inverse
    /// inertia `inv_mass` ([`super::free_acceleration`]) and its reference value
    /// `inv_weight0` (at q = 0): [`SoftLimit::force`] along the constraint direction (+ at the
    /// lower stop, − at the upper). Zero inside the range.
    pub fn generalized_force(
        &self,
        range: [f32; 2],
        q: f32,
        v: f32,
        a0: f32,
        inv_mass: f32,
        inv_weight0: f32,
    ) -> f32 {
        let Some((r, sign)) = violation(range, q) else {
            return 0.0;
        };
        sign * self.force(r, sign * v, sign * a0, inv_mass, inv_weight0)
    }
}

/// How far `q` is past `range` (`[min, max]`): the signed distance r < 0 and the constraint's
/// direction, +1 at the lower stop (the force pushes q up) and −1 at the upper; `None` inside.
pub(crate) fn violation(range: [f32; 2], q: f32) -> Option<(f32, f32)> {
    if q < range[0] {
        Some((q - range[0], 1.0))
    } else if q > range[1] {
        Some((range[1] - q, -1.0))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impedance_ramps_from_d0_to_dmax_over_the_width() {
        let s = SoftLimit::MUJOCO_DEFAULT;
        assert_eq!(s.impedance(0.0), 0.9);
        assert!(
            (s.impedance(0.0005) - 0.925).abs() < 1e-6,
            "midpoint is halfway"
        );
        assert_eq!(s.impedance(0.002), 0.95);
        assert!(s.impedance(0.0002) < s.impedance(0.0004));
    }

    #[test]
    fn force_is_one_sided_and_balances_a_steady_push() {
        let s = SoftLimit::with_solref(0.08, 1.0);
        assert_eq!(s.force(0.01, 0.0, 5.0, 1.0, 1.0), 0.0, "inside the range");
        assert_eq!(
            s.force(-0.01, 10.0, 0.0, 1.0, 1.0),
            0.0,
            "leaving fast: no pull"
        );
        // At rest past the limit, r̈ = (1 − d) a₀ + d a_ref = 0 at r = −(1 − d) a₀ / (d k).
        let (a0, dmax) = (9.0f32, 0.95f32);
        let k = dmax / (dmax * dmax * 0.08 * 0.08);
        let r = -(1.0 - dmax) * a0 / (dmax * k);
        let f = s.force(r, 0.0, -a0, 1.0, 1.0);
        assert!(
            (f - a0).abs() < 1e-3 * a0,
            "force {f} balances the push {a0}"
        );
    }

    /// Where the inverse inertia A differs from its reference A₀, the fraction of a₀ the
    /// limit cancels at rest with no spring (r at the limit's full impedance, v = 0, k r
    /// negligible) is A/(A + R) with R = A₀(1 − d)/d: a lighter pose yields less.
    #[test]
    fn force_regularises_with_the_reference_inverse_inertia() {
        let s = SoftLimit::MUJOCO_DEFAULT;
        let r = -1e-9;
        let d = s.impedance(r);
        for (a, a_ref0) in [(1.0f32, 1.0f32), (0.5, 1.0), (2.0, 1.0)] {
            let f = s.force(r, 0.0, -1.0, a, a_ref0);
            let expected = 1.0 / (a + a_ref0 * (1.0 - d) / d);
            assert!(
                (f - expected).abs() < 1e-4 * expected,
                "A {a}: {f} vs {expected}"
            );
        }
        assert!(s.force(r, 0.0, -1.0, 0.5, 1.0) * 0.5 < s.force(r, 0.0, -1.0, 1.0, 1.0));
    }
}
