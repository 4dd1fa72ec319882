//! The worker-thread count of a run: `0` means all cores; anything else is taken as given, up to
//! [`MAX_THREADS`] (a run is reproducible only at its recorded count, so a count above this
//! machine's cores is allowed, but not one that would spawn threads without limit).

/// The largest thread count accepted from a flag or a `run.json`.
pub const MAX_THREADS: usize = 1024;

/// A thread count outside `0..=MAX_THREADS`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{source_name} = {value} threads is out of range; allowed: 0 (all cores) to {MAX_THREADS}")]
pub struct ThreadsError {
    /// Where the count came from (`--threads`, `run.json threads`).
    pub source_name: &'static str,
    /// The rejected count.
    pub value: usize,
}

/// The thread count to use for `requested` (0 = all cores of this machine).
///
/// # Errors
/// [`ThreadsError`] above [`MAX_THREADS`].
pub fn resolve_threads(requested: usize, source_name: &'static str) -> Result<usize, ThreadsError> {
    match requested {
        0 => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
        n if n <= MAX_THREADS => Ok(n),
        value => Err(ThreadsError { source_name, value }),
    }
}
