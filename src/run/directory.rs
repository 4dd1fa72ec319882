//! Starting a run in a directory without losing the data of another run: an existing run is
//! replaced only when asked, and temporary files left by killed writes are removed.
//!
//! Both functions expect the caller to hold the directory's [`super::RunLock`], so no other
//! process is writing there and every temporary file found is stale.

use std::path::{Path, PathBuf};

use super::RunDirError;

/// Whether a file name is one of the temporary files of an atomic write: `NAME.tmp`
/// (run record, CSV rewrite) or `.NAME.tmp-PID-N` (checkpoints).
pub fn is_temporary(name: &str) -> bool {
    name.ends_with(".tmp") || name.contains(".tmp-")
}

/// Makes `dir` ready for a new run whose files are named `run_files`.
///
/// When any of them exists, the directory holds a run: with `overwrite` those files are
/// deleted (the new run then writes fresh ones), otherwise nothing is touched and the error
/// says how to continue or replace it. Other files in `dir` are left alone.
///
/// # Errors
/// [`RunDirError::ExistingRun`] naming the directory and the files found; an I/O error naming
/// the file.
pub fn prepare_new_run(dir: &Path, run_files: &[&str], overwrite: bool) -> Result<(), RunDirError> {
    let found: Vec<&str> = run_files
        .iter()
        .copied()
        .filter(|f| dir.join(f).exists())
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    if !overwrite {
        return Err(RunDirError::ExistingRun {
            dir: dir.to_path_buf(),
            files: found.join(", "),
        });
    }
    for f in found {
        let path = dir.join(f);
        std::fs::remove_file(&path).map_err(RunDirError::io(&path))?;
    }
    Ok(())
}

/// Deletes the temporary files ([`is_temporary`]) directly inside `dir`; returns their paths.
///
/// # Errors
/// An I/O error naming the directory or the file.
pub fn remove_stale_temporaries(dir: &Path) -> Result<Vec<PathBuf>, RunDirError> {
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(RunDirError::io(dir))? {
        let entry = entry.map_err(RunDirError::io(dir))?;
        let name = entry.file_name();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && is_temporary(&name.to_string_lossy()) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(RunDirError::io(&path))?;
            removed.push(path);
        }
    }
    Ok(removed)
}
