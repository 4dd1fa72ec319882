//! Why a run directory cannot be written: in use, holding another run, or an I/O failure.

use std::path::{Path, PathBuf};

/// A run directory that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum RunDirError {
    /// Another live process writes this run.
    #[error(
        "{dir} is in use by process {pid} (lock file {lock}); wait for it to finish or stop it. If no such run is going on, delete the lock file"
    )]
    Locked {
        /// The run directory.
        dir: PathBuf,
        /// The PID written in the lock file.
        pid: u32,
        /// The lock file.
        lock: PathBuf,
    },
    /// The lock kept changing hands while we tried to take it.
    #[error("could not take the lock {lock}: other processes keep taking and releasing it")]
    Contended {
        /// The lock file.
        lock: PathBuf,
    },
    /// A new run would replace an existing one.
    #[error(
        "{dir} already holds a run ({files}); continue it with `rfm train --resume {dir}`, replace it with --overwrite, or choose another --out"
    )]
    ExistingRun {
        /// The run directory.
        dir: PathBuf,
        /// The run files found.
        files: String,
    },
    /// A file of the directory could not be read, written or removed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl RunDirError {
    /// Wraps an I/O error on `path`.
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RunDirError + '_ {
        move |source| RunDirError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
