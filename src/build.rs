//! Embeds the git commit of the source tree into the build as `RFM_GIT_COMMIT`, so a run
//! records the commit of the binary that ran it, wherever it is run from. Outside a git
//! checkout (a crates.io tarball, no `git` on PATH) the commit is `unknown`.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8(out.stdout).ok()?.trim().to_string())
}

fn main() {
    println!("cargo:rerun-if-changed=src/build.rs");
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=RFM_GIT_COMMIT={commit}");
    // Re-run when HEAD moves: HEAD itself (a branch switch) and the branch's ref (a commit).
    let watch = |p: &Path| {
        if p.exists() {
            println!("cargo:rerun-if-changed={}", p.display());
        }
    };
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        watch(&Path::new(&dir).join("HEAD"));
    }
    if let (Some(common), Some(head_ref)) = (
        git(&["rev-parse", "--git-common-dir"]),
        git(&["symbolic-ref", "-q", "HEAD"]),
    ) {
        watch(&Path::new(&common).join(&head_ref));
        watch(&Path::new(&common).join("packed-refs"));
    }
}
