//! [`Var`]: a `Copy` handle to one node of a [`Tape`](super::Tape).

/// A handle to a value recorded on a [`Tape`](super::Tape): the index of its node plus the
/// tape's generation, so that a handle used on another tape, or after
/// [`Tape::clear`](super::Tape::clear), panics instead of silently reading another node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Var {
    pub(crate) index: u32,
    pub(crate) generation: u32,
}

impl Var {
    /// Position of the node in evaluation order (0 = first node recorded).
    pub fn index(self) -> usize {
        self.index as usize
    }
}
