//! [`SoftLimit`]: MuJoCo's soft joint limit (`solreflimit`, `solimplimit`) for one DoF.
//!
//! rapier's multibody limits are hard and reactive: a limit row appears once q is past the
//! range and stops the joint within a step (cartpole's cart stopped at 1.804 m where MuJoCo's
//! travels to 1.89 m). MuJoCo's limit is a soft constraint. For one scalar constraint with
//! distance r (negative past the limit), constraint-space velocity v and unconstrained
//! acceleration a₀, MuJoCo's solver returns the force
//!
//! ```text
//!   f = max(0, (a_ref − a₀) / (A + R)),   R = A (1 − d)/d,   so  f = max(0, d (a_ref − a₀) / A)
//!   a_ref = −b v − k r,   b = 2 / (d_max τ),   k = d(r) / (d_max² τ² ζ²)
//! ```
//!
//! where A = J M⁻¹ Jᵀ is the constraint's inverse inertia, (τ, ζ) = `solref` (time constant,
//! damping ratio) and d(r) ∈ (0, 1) the impedance of `solimp` = (d₀, d_max, width, mid,
//! power): d rises from d₀ at r = 0 to d_max at |r| ≥ width along MuJoCo's two-piece power
//! sigmoid. The joint then moves as r̈ = (1 − d) a₀ + d a_ref: past the limit a fraction d of
//! the applied acceleration is cancelled and a damped spring of natural frequency √(d k)
//! pushes back (critically damped for ζ = 1).
//!
//! Here the force is applied explicitly once per rapier step, with a₀ estimated from the
//! DoF's own applied generalized force (actuator and spring) as A·τ: coupling to the other
//! DoFs and gravity are left out of a₀ (they still act on the motion). With the explicit
//! force, the step must resolve the spring: √(d k)·dt ≪ 2 (cartpole: 12.6 rad/s × 10 ms).

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
            return dmax;
        }
        let y = if power == 1.0 {
            x
        } else if x <= mid {
            x.powf(power) / mid.powf(power - 1.0)
        } else {
            1.0 - (1.0 - x).powf(power) / (1.0 - mid).powf(power - 1.0)
        };
        d0 + y * (dmax - d0)
    }

    /// The constraint force (≥ 0, along the constraint's direction) for distance `r` (< 0
    /// past the limit), constraint velocity `v`, unconstrained acceleration `a0` and inverse
    /// inertia `inv_mass`; zero when `r ≥ 0`.
    pub fn force(&self, r: f32, v: f32, a0: f32, inv_mass: f32) -> f32 {
        if r >= 0.0 {
            return 0.0;
        }
        let [timeconst, dampratio] = self.solref;
        let d = self.impedance(r);
        let dmax = self.solimp[1];
        let b = 2.0 / (dmax * timeconst);
        let k = d / (dmax * dmax * timeconst * timeconst * dampratio * dampratio);
        let a_ref = -b * v - k * r;
        (d * (a_ref - a0) / inv_mass).max(0.0)
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
        assert_eq!(s.force(0.01, 0.0, 5.0, 1.0), 0.0, "inside the range");
        assert_eq!(s.force(-0.01, 10.0, 0.0, 1.0), 0.0, "leaving fast: no pull");
        // At rest past the limit, r̈ = (1 − d) a₀ + d a_ref = 0 at r = −(1 − d) a₀ / (d k).
        let (a0, dmax) = (9.0f32, 0.95f32);
        let k = dmax / (dmax * dmax * 0.08 * 0.08);
        let r = -(1.0 - dmax) * a0 / (dmax * k);
        let f = s.force(r, 0.0, -a0, 1.0);
        assert!(
            (f - a0).abs() < 1e-3 * a0,
            "force {f} balances the push {a0}"
        );
    }
}
