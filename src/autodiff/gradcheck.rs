//! Public gradient checker: central differences and the adjoint (dot-product) test, for any
//! function `Fn(&mut Tape<f64>, &[Var]) -> Var` of one or more matrix inputs.
//!
//! **What is compared.** The output `Y = f(X₁, …, X_p)` may have any shape. A random cotangent
//! `U` (entries uniform in `[−1, 1]`, from the configured seed) turns it into the scalar
//! `L(X) = ⟨U, f(X)⟩`, whose gradient the tape gives by one VJP, `∇L = Jᵀ U`
//! ([`Tape::backward_with`]).
//!
//! 1. *Central differences*, per input element `x_e`: `n_e = (L(x_e + h) − L(x_e − h)) / (2h)` with
//!    `h = step · max(1, |x_e|)` (the divisor is the representable difference
//!    `(x_e + h) − (x_e − h)`, so no extra rounding enters). The error of `n_e` is truncation
//!    `h² |∂³L| / 6` plus rounding `≈ ε |L| / h`; they balance at `h ∝ ε^{1/3}`, hence the default
//!    `step = ε^{1/3} ≈ 6.06e-6` in f64, where both terms are `O(ε^{2/3}) ≈ 4e-11` times the scale
//!    of `L` and of its third derivative.
//! 2. *Adjoint test*: for random directions `V` (uniform in `[−1, 1]`, one block per input),
//!    `⟨J V, U⟩` (with `J V` by one central difference along `V`) must equal `⟨V, Jᵀ U⟩`
//!    (from the VJP). It checks the whole Jacobian at once, and stays cheap for large inputs.
//!
//! **Error measure** (both tests): `err(a, n) = |a − n| / max(1, |a|, |n|)`: absolute for
//! entries of magnitude below 1, relative above. A report is returned; the caller compares it
//! with a tolerance ([`GradcheckReport::passes`]); nothing panics on a mismatch.
//!
//! The function must be deterministic and smooth near the inputs (keep inputs of `relu`,
//! `minimum`, `maximum`, … farther than `h` from their kinks).

use ndarray::{Array2, Zip};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Tape, Var};

/// Tolerance of [`GradcheckReport::passes`] for `f64` checks at the default step, used by
/// `rfm selfcheck` and (through `tests/common/tolerance.rs`) by the property tests.
///
/// Derivation: at `h = ε^{1/3}·max(1, |x|)` the central-difference error is at most about
/// `ε^{2/3} (s² |∂³L| / 6 + |L|)` with `ε^{2/3} ≈ 3.7e-11` and `s = max(1, |x|)`. The checked
/// inputs have `|x| ≤ 3` (so `s² ≤ 9`), at most ~100 output entries weighted by `|U| ≤ 1`, and
/// values and third derivatives bounded by ~`e³ ≈ 20` (exp), `2/x³ ≤ 250` (log at 0.2): the bound
/// is ≲ `3.7e-11 · (9·250/6 + 100·20) ≈ 9e-8`. `1e-6` keeps a 10× margin, and a wrong gradient
/// (a dropped term, a factor 2, a sign) gives errors of order 1.
pub const DEFAULT_TOLERANCE: f64 = 1e-6;

/// Settings of [`check`].
#[derive(Clone, Debug, PartialEq)]
pub struct GradcheckConfig {
    /// Relative finite-difference step: `h = step · max(1, |x|)`. Default `ε^{1/3}` (f64).
    pub step: f64,
    /// Seed of the cotangent `U` and of the adjoint-test directions. Default 0.
    pub seed: u64,
    /// Number of random directions for the adjoint test. Default 2.
    pub adjoint_directions: usize,
    /// Whether to run the per-element central differences (cost: 2 evaluations per input
    /// element). Default true; turn off for large inputs and rely on the adjoint test.
    pub elementwise: bool,
}

impl Default for GradcheckConfig {
    fn default() -> Self {
        Self {
            step: f64::EPSILON.cbrt(),
            seed: 0,
            adjoint_directions: 2,
            elementwise: true,
        }
    }
}

/// Outcome of [`check`]: the largest errors found.
#[derive(Clone, Debug, PartialEq)]
pub struct GradcheckReport {
    /// Shape of `f`'s output.
    pub output_shape: (usize, usize),
    /// Number of input elements compared by central differences.
    pub elements_checked: usize,
    /// Largest `|a − n|` over checked elements.
    pub max_abs_err: f64,
    /// Largest `|a − n| / max(1, |a|, |n|)` over checked elements.
    pub max_rel_err: f64,
    /// `(input, row, col)` of the element with the largest relative error.
    pub worst_element: Option<(usize, usize, usize)>,
    /// Largest `|⟨JV, U⟩ − ⟨V, JᵀU⟩| / max(1, |⟨JV, U⟩|, |⟨V, JᵀU⟩|)` over the directions.
    pub adjoint_rel_err: f64,
    /// Whether the output and every analytic gradient were finite.
    pub finite: bool,
}

impl GradcheckReport {
    /// All values finite and both error measures at most `tolerance`.
    pub fn passes(&self, tolerance: f64) -> bool {
        self.finite && self.max_rel_err <= tolerance && self.adjoint_rel_err <= tolerance
    }

    /// The larger of the two error measures.
    pub fn max_err(&self) -> f64 {
        self.max_rel_err.max(self.adjoint_rel_err)
    }
}

fn mixed_err(a: f64, n: f64) -> f64 {
    (a - n).abs() / 1f64.max(a.abs()).max(n.abs())
}

/// Evaluates `f` on `inputs` (as leaves) and returns a copy of its value.
fn eval<F>(tape: &mut Tape<f64>, f: &F, inputs: &[Array2<f64>]) -> Array2<f64>
where
    F: Fn(&mut Tape<f64>, &[Var]) -> Var,
{
    tape.clear();
    let vars: Vec<Var> = inputs.iter().map(|x| tape.leaf_view(x.view())).collect();
    let y = f(tape, &vars);
    tape.value(y).to_owned()
}

fn dot(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    Zip::from(a).and(b).fold(0.0, |s, &x, &y| s + x * y)
}

fn uniform(rng: &mut ChaCha8Rng, shape: (usize, usize)) -> Array2<f64> {
    Array2::from_shape_simple_fn(shape, || rng.random_range(-1.0..=1.0))
}

/// Checks the reverse-mode gradient of `f` at `inputs` (see the module doc for the method).
///
/// # Panics
/// Only if `f` itself panics (e.g. on a shape mismatch).
pub fn check<F>(f: F, inputs: &[Array2<f64>], config: &GradcheckConfig) -> GradcheckReport
where
    F: Fn(&mut Tape<f64>, &[Var]) -> Var,
{
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut tape = Tape::<f64>::new();
    let vars: Vec<Var> = inputs.iter().map(|x| tape.leaf_view(x.view())).collect();
    let y = f(&mut tape, &vars);
    let y0 = tape.value(y).to_owned();
    let u = uniform(&mut rng, y0.dim());
    tape.backward_with(y, u.view());
    let analytic: Vec<Array2<f64>> = vars
        .iter()
        .zip(inputs)
        .map(|(&v, x)| match tape.grad(v) {
            Some(g) => g.to_owned(),
            None => Array2::zeros(x.dim()),
        })
        .collect();
    let finite = y0.iter().all(|v| v.is_finite())
        && analytic.iter().all(|g| g.iter().all(|v| v.is_finite()));
    let mut report = GradcheckReport {
        output_shape: y0.dim(),
        elements_checked: 0,
        max_abs_err: 0.0,
        max_rel_err: 0.0,
        worst_element: None,
        adjoint_rel_err: 0.0,
        finite,
    };
    let mut xs: Vec<Array2<f64>> = inputs.to_vec();
    if config.elementwise {
        for k in 0..xs.len() {
            let (m, n) = xs[k].dim();
            for (r, c) in (0..m).flat_map(|r| (0..n).map(move |c| (r, c))) {
                let x0 = xs[k][[r, c]];
                let h = config.step * x0.abs().max(1.0);
                let (xp, xm) = (x0 + h, x0 - h);
                xs[k][[r, c]] = xp;
                let lp = dot(&u, &eval(&mut tape, &f, &xs));
                xs[k][[r, c]] = xm;
                let lm = dot(&u, &eval(&mut tape, &f, &xs));
                xs[k][[r, c]] = x0;
                let numeric = (lp - lm) / (xp - xm);
                let a = analytic[k][[r, c]];
                let abs = (a - numeric).abs();
                let rel = mixed_err(a, numeric);
                report.elements_checked += 1;
                report.max_abs_err = report.max_abs_err.max(abs);
                if rel.is_nan() || rel > report.max_rel_err {
                    report.max_rel_err = rel;
                    report.worst_element = Some((k, r, c));
                }
            }
        }
    }
    let scale = inputs
        .iter()
        .flat_map(|x| x.iter())
        .fold(1f64, |s, v| s.max(v.abs()));
    let h = config.step * scale;
    for _ in 0..config.adjoint_directions {
        let dirs: Vec<Array2<f64>> = inputs.iter().map(|x| uniform(&mut rng, x.dim())).collect();
        let shifted = |sign: f64| -> Vec<Array2<f64>> {
            inputs
                .iter()
                .zip(&dirs)
                .map(|(x, d)| x + &(d * (sign * h)))
                .collect()
        };
        let yp = eval(&mut tape, &f, &shifted(1.0));
        let ym = eval(&mut tape, &f, &shifted(-1.0));
        let jv_u = (dot(&u, &yp) - dot(&u, &ym)) / (2.0 * h);
        let v_jtu: f64 = dirs.iter().zip(&analytic).map(|(d, g)| dot(d, g)).sum();
        let e = mixed_err(jv_u, v_jtu);
        if e.is_nan() || e > report.adjoint_rel_err {
            report.adjoint_rel_err = e;
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn gradcheck_accepts_a_correct_gradient_and_flags_a_wrong_one() {
        let x = array![[0.3, -1.2], [2.0, 0.7]];
        let ok = check(
            |t, v| {
                let e = t.exp(v[0]);
                t.mul(e, v[0])
            },
            std::slice::from_ref(&x),
            &GradcheckConfig::default(),
        );
        assert!(ok.passes(1e-7), "{ok:?}");
        // detach drops the gradient of one factor: x·stop(x) has true derivative 2x, tape gives x.
        let wrong = check(
            |t, v| {
                let d = t.detach(v[0]);
                t.mul(v[0], d)
            },
            std::slice::from_ref(&x),
            &GradcheckConfig::default(),
        );
        assert!(
            wrong.max_rel_err > 0.1 && wrong.adjoint_rel_err > 1e-3,
            "{wrong:?}"
        );
        assert!(!wrong.passes(1e-3));
    }
}
