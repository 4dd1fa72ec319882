//! Putting a [`Params`] store on an autodiff tape, and reading its gradients back.

use super::{ParamId, Params};
use crate::Scalar;
use crate::autodiff::{Tape, Var};

/// Whether the parameters receive gradients on the tape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamMode {
    /// Leaves: the backward sweep computes their gradients (a training step).
    Trainable,
    /// Constants: no gradient flows into them and the sweep skips their GEMMs (e.g. the
    /// critic inside `∇ₐQ`, target networks).
    Frozen,
}

/// The tape handles of one store, indexed by [`ParamId`]; valid until the tape is cleared.
#[derive(Clone, Debug)]
pub struct ParamVars {
    vars: Vec<Var>,
}

impl ParamVars {
    /// Wraps handles already on a tape, one per array of a store, in the store's order (e.g. the
    /// inputs a gradient checker recorded). [`Params::bind`] is the usual way to get them.
    pub fn from_vars(vars: Vec<Var>) -> Self {
        Self { vars }
    }

    /// The handle of parameter `id`.
    pub fn get(&self, id: ParamId) -> Var {
        self.vars[id.index()]
    }

    /// All handles, in the store's order.
    pub fn vars(&self) -> &[Var] {
        &self.vars
    }

    /// Copies the gradients of the last backward sweep into `grads` (same layout as the bound
    /// store); a parameter the swept output does not depend on gets zeros.
    ///
    /// # Panics
    /// If `grads` has a different number of arrays or shapes than the bound store, or the
    /// handles are stale (the tape was cleared since binding).
    #[track_caller]
    pub fn grads_into<T: Scalar>(&self, tape: &Tape<T>, grads: &mut Params<T>) {
        assert_eq!(
            grads.len(),
            self.vars.len(),
            "gradient store has {} arrays, the bound store {}",
            grads.len(),
            self.vars.len()
        );
        for (var, g) in self.vars.iter().zip(grads.values_mut()) {
            match tape.grad(*var) {
                Some(src) => {
                    assert_eq!(src.dim(), g.dim(), "gradient shape differs from the store");
                    g.assign(&src);
                }
                None => g.fill(T::zero()),
            }
        }
    }
}

impl<T: Scalar> Params<T> {
    /// Records every array on `tape` (copied into pooled buffers) as a leaf or a constant.
    pub fn bind(&self, tape: &mut Tape<T>, mode: ParamMode) -> ParamVars {
        let vars = self
            .values()
            .iter()
            .map(|v| match mode {
                ParamMode::Trainable => tape.leaf_view(v.view()),
                ParamMode::Frozen => tape.constant_view(v.view()),
            })
            .collect();
        ParamVars { vars }
    }
}
