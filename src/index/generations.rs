//! Generations on disk: each build goes to a new `gen-*` folder beside the one in use, with the
//! corpus it was built from (`corpus/`), the frequency tables (`index::frequencies`), its
//! fingerprint and the folder stamp; `CURRENT` names the folder in use and is replaced by an
//! atomic rename only after the build committed and was synced, so a half-built index is never
//! opened. One builder at a time: a builder holds `build.lock`, and a process
//! that finds it held answers from the generation in use rather than racing it.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

pub const CURRENT_FILE: &str = "CURRENT";
pub const FINGERPRINT_FILE: &str = "quotebot-fingerprint";
pub const SOURCES_FILE: &str = "sources.toml";
/// The stamp of the corpus folder (names, sizes, times) the generation's corpus was read under.
pub const STAMP_FILE: &str = "quotebot-stamp";
/// The folder of a generation holding the corpus it was built from (`corpus::stored`).
pub const CORPUS_FOLDER: &str = "corpus";
const LOCK_FILE: &str = "build.lock";
const GENERATION_PREFIX: &str = "gen-";

/// The generation folder `CURRENT` names, if it names one that exists.
pub fn current(dir: &Path) -> Option<PathBuf> {
    let name = std::fs::read_to_string(dir.join(CURRENT_FILE)).ok()?;
    let name = name.trim();
    let path = dir.join(name);
    (name.starts_with(GENERATION_PREFIX) && path.is_dir()).then_some(path)
}

/// The fingerprint a generation was built from.
pub fn fingerprint_of(generation: &Path) -> Option<String> {
    let stored = std::fs::read_to_string(generation.join(FINGERPRINT_FILE)).ok()?;
    Some(stored.trim().to_string())
}

/// The build lock of an index folder, held while it is alive.
pub struct BuildLock {
    _file: File,
}

/// Takes the build lock of `dir` if no other builder holds it: `Ok(None)` when one does.
pub fn try_lock(dir: &Path) -> std::io::Result<Option<BuildLock>> {
    let file = File::create(dir.join(LOCK_FILE))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(BuildLock { _file: file })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(err)) => Err(err),
    }
}

/// Waits for the build lock of `dir`.
pub fn lock(dir: &Path) -> std::io::Result<BuildLock> {
    let file = File::create(dir.join(LOCK_FILE))?;
    file.lock()?;
    Ok(BuildLock { _file: file })
}

/// Writes `contents` to `path` and syncs it to disk.
pub fn write_synced(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = File::create(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Points `CURRENT` at `name` with write-then-rename, which is atomic on one file system; the
/// staged file and the folder are synced so that a crash leaves the old or the new name, never
/// an empty file. A `CURRENT` that is not a file (a folder left by hand) is removed first.
pub fn swap_current(dir: &Path, name: &str) -> std::io::Result<()> {
    let current = dir.join(CURRENT_FILE);
    if current.is_dir() {
        tracing::warn!(
            "{} is a folder, not a file: replacing it",
            current.display()
        );
        std::fs::remove_dir_all(&current)?;
    }
    let staged = dir.join(format!("{CURRENT_FILE}.staged"));
    write_synced(&staged, name.as_bytes())?;
    std::fs::rename(staged, current)?;
    File::open(dir)?.sync_all()
}

/// Removes generations other than `keep` (under the build lock, so none is being built). Best
/// effort: a process still reading an old generation keeps its open files (they vanish when it
/// closes them).
pub fn remove_other_generations(dir: &Path, keep: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(GENERATION_PREFIX)
            && Some(name.as_str()) != keep
            && let Err(err) = std::fs::remove_dir_all(entry.path())
        {
            tracing::warn!(
                "could not remove old index {}: {err}",
                entry.path().display()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_builder_at_a_time() {
        let dir = tempfile::TempDir::new().unwrap();
        let held = try_lock(dir.path()).unwrap();
        assert!(held.is_some());
        assert!(try_lock(dir.path()).unwrap().is_none());
        drop(held);
        assert!(try_lock(dir.path()).unwrap().is_some());
    }

    #[test]
    fn repairs_and_swaps_current() {
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::create_dir(dir.path().join(CURRENT_FILE)).unwrap();
        assert_eq!(current(dir.path()), None);
        std::fs::create_dir(dir.path().join("gen-a")).unwrap();
        std::fs::create_dir(dir.path().join("gen-b")).unwrap();
        swap_current(dir.path(), "gen-b").unwrap();
        assert_eq!(current(dir.path()), Some(dir.path().join("gen-b")));
        remove_other_generations(dir.path(), Some("gen-b"));
        assert!(!dir.path().join("gen-a").exists());
        assert!(dir.path().join("gen-b").exists());
        // A name that is no generation, or one whose folder is gone, is no index.
        swap_current(dir.path(), "gen-c").unwrap();
        assert_eq!(current(dir.path()), None);
    }
}
