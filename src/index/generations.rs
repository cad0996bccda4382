//! Generations on disk: each build goes to a new `gen-*` folder beside the one in use, with the
//! fingerprint of the corpus it was built from; `CURRENT` names the folder in use and is
//! replaced by an atomic rename only after the build committed, so a half-built index is never
//! opened.

use std::path::{Path, PathBuf};

pub const CURRENT_FILE: &str = "CURRENT";
pub const FINGERPRINT_FILE: &str = "quotebot-fingerprint";

/// The folder `CURRENT` names, if it holds an index built from `fingerprint`.
pub fn current_for(dir: &Path, fingerprint: &str) -> Option<PathBuf> {
    let name = std::fs::read_to_string(dir.join(CURRENT_FILE)).ok()?;
    let path = dir.join(name.trim());
    let stored = std::fs::read_to_string(path.join(FINGERPRINT_FILE)).ok()?;
    (stored.trim() == fingerprint).then_some(path)
}

/// Points `CURRENT` at `name` with write-then-rename, which is atomic on one file system.
pub fn swap_current(dir: &Path, name: &str) -> std::io::Result<()> {
    let staged = dir.join(format!("{CURRENT_FILE}.staged"));
    std::fs::write(&staged, name)?;
    std::fs::rename(staged, dir.join(CURRENT_FILE))
}

/// Removes generations other than `keep`. Best effort: a process still reading an old
/// generation keeps its open files (they vanish when it closes them).
pub fn remove_old_generations(dir: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("gen-")
            && name != keep
            && let Err(err) = std::fs::remove_dir_all(entry.path())
        {
            tracing::warn!(
                "could not remove old index {}: {err}",
                entry.path().display()
            );
        }
    }
}
