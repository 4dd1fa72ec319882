//! One writer per run directory: `DIR/rfm.lock` holds the PID of the process writing the run.
//!
//! The lock is taken with an exclusive create (`O_EXCL`), so two processes racing for the same
//! directory cannot both win. A lock whose process is gone (the writer was killed with SIGKILL
//! or the machine rebooted) is stale: it is replaced, with a note on stderr. The lock is removed
//! when the guard is dropped.
//!
//! Limits: liveness is checked with `kill(pid, 0)` on this machine only, so a lock written by
//! another host on a shared file system counts as held while a process with that PID runs here;
//! a recycled PID keeps a stale lock held until that process ends (delete the file by hand).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::RunDirError;

/// File name of the lock inside a run directory.
pub const LOCK_FILE: &str = "rfm.lock";

/// The held lock of a run directory; dropping it releases the lock.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
}

/// Tries to create the lock file; `Ok(false)` when it already exists.
fn try_create(path: &Path) -> Result<bool, RunDirError> {
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut f) => {
            writeln!(f, "{}", std::process::id())
                .and_then(|()| f.sync_all())
                .map_err(RunDirError::io(path))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(RunDirError::io(path)(e)),
    }
}

/// Whether a process with this PID runs on this machine.
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 performs the permission and existence checks only; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

impl RunLock {
    /// Takes the lock of `dir` (which must exist).
    ///
    /// # Errors
    /// [`RunDirError::Locked`] naming the PID when a live process holds it (this process
    /// included: one process never writes a run twice at once); an I/O error naming the file.
    pub fn acquire(dir: &Path) -> Result<Self, RunDirError> {
        let path = dir.join(LOCK_FILE);
        // Two rounds: the second follows the removal of a stale lock.
        for _ in 0..2 {
            if try_create(&path)? {
                return Ok(RunLock { path });
            }
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                // Released between our create and our read: try again.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(RunDirError::io(&path)(e)),
            };
            match text.trim().parse::<u32>() {
                Ok(pid) if alive(pid) => {
                    return Err(RunDirError::Locked {
                        dir: dir.to_path_buf(),
                        pid,
                        lock: path,
                    });
                }
                holder => {
                    let who = holder.map_or_else(
                        |_| "its content is not a PID".to_string(),
                        |pid| format!("PID {pid}, no longer running"),
                    );
                    eprintln!("removing the stale lock {} ({who})", path.display());
                    match std::fs::remove_file(&path) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(RunDirError::io(&path)(e)),
                    }
                }
            }
        }
        Err(RunDirError::Contended { lock: path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
