//! Reading the corpus folder: the documents (every `.txt` and `.md` file that is not hidden, in
//! name order) and `sources.toml`. The one place the folder is listed, for the engine and the
//! benchmark alike.

use std::path::{Path, PathBuf};

use super::{CleaningRules, Corpus, CorpusError, RawFile, SkippedFile, SourcesFile};

/// The documents of `dir`, read, in name order; files that could not be read, with why.
pub fn list_documents(dir: &Path) -> Result<(Vec<RawFile>, Vec<SkippedFile>), CorpusError> {
    if !dir.is_dir() {
        return Err(CorpusError::MissingDir(dir.to_path_buf()));
    }
    let entries = std::fs::read_dir(dir).map_err(|err| CorpusError::Io(dir.to_path_buf(), err))?;
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut unreadable = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let skip = |reason: String| SkippedFile {
            file: name.clone(),
            reason,
        };
        if path.is_dir() {
            unreadable.push(skip(
                "a folder: documents in subfolders are not read".to_string(),
            ));
            continue;
        }
        if !is_document(&path) {
            continue;
        }
        // `metadata` follows links: a dangling or looping link, a pipe or a device is named
        // rather than passed over.
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => paths.push(path),
            Ok(_) => unreadable.push(skip("not a regular file (a pipe or a device)".to_string())),
            Err(err) => unreadable.push(skip(format!("cannot be read: {err}"))),
        }
    }
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        match std::fs::read(&path) {
            Ok(bytes) => files.push(RawFile { name, bytes }),
            Err(err) => unreadable.push(SkippedFile {
                file: name,
                reason: err.to_string(),
            }),
        }
    }
    Ok((files, unreadable))
}

/// `dir/sources.toml`, or no descriptions when there is none.
pub fn read_sources(dir: &Path) -> Result<SourcesFile, CorpusError> {
    let path = dir.join("sources.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(SourcesFile::default()),
        Err(err) => return Err(CorpusError::Io(path, err)),
    };
    toml::from_str(&text).map_err(|err| CorpusError::Sources(path, err.to_string()))
}

/// Reads the documents of `dir` and `sources.toml` and builds the corpus; returns it with the
/// files it was built from (an index generation keeps a copy of them). Unreadable or
/// undecodable files are listed in [`Corpus::skipped`]; a folder with no usable document is an
/// error. A `sources.toml` that cannot be read is reported in [`Corpus::warnings`] and
/// `last_good` descriptions are used instead (those of the index in use; none if there are
/// none), so that one typo does not stop a corpus that has a good index.
pub fn load_corpus(
    dir: &Path,
    rules: &CleaningRules,
    last_good: impl FnOnce() -> Option<SourcesFile>,
) -> Result<(Corpus, Vec<RawFile>), CorpusError> {
    let (files, unreadable) = list_documents(dir)?;
    let (sources, problem) = match read_sources(dir) {
        Ok(sources) => (sources, None),
        Err(err) => {
            let fallback = last_good();
            let used = if fallback.is_some() {
                "the descriptions of the index in use are used"
            } else {
                "no descriptions are used"
            };
            (fallback.unwrap_or_default(), Some(format!("{err}; {used}")))
        }
    };
    let mut corpus = Corpus::build(&files, &sources, rules);
    corpus.warnings.extend(problem);
    corpus.skipped.extend(unreadable);
    if corpus.documents.is_empty() {
        let skipped = corpus
            .skipped
            .iter()
            .map(|skip| format!("{} ({})", skip.file, skip.reason))
            .collect::<Vec<_>>();
        let detail = if skipped.is_empty() {
            String::new()
        } else {
            format!("; skipped: {}", skipped.join(", "))
        };
        return Err(CorpusError::Empty(dir.to_path_buf(), detail));
    }
    Ok((corpus, files))
}

fn is_document(path: &Path) -> bool {
    let extension = path
        .extension()
        .map(|ext| ext.to_string_lossy().to_lowercase());
    matches!(extension.as_deref(), Some("txt" | "md"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_what_it_does_not_read() {
        let scratch = tempfile::TempDir::new().unwrap();
        let dir = scratch.path();
        std::fs::write(dir.join("b.txt"), "乙。").unwrap();
        std::fs::write(dir.join("a.md"), "甲。").unwrap();
        std::fs::write(dir.join(".hidden.txt"), "丙。").unwrap();
        std::fs::write(dir.join("photo.jpg"), [0xFF, 0xD8]).unwrap();
        std::fs::create_dir(dir.join("older")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.join("loop.txt"), dir.join("loop.txt")).unwrap();
        let (files, skipped) = list_documents(dir).unwrap();
        let names: Vec<&str> = files.iter().map(|file| file.name.as_str()).collect();
        assert_eq!(names, ["a.md", "b.txt"]);
        let mut skipped: Vec<&str> = skipped.iter().map(|skip| skip.file.as_str()).collect();
        skipped.sort_unstable();
        #[cfg(unix)]
        assert_eq!(skipped, ["loop.txt", "older"]);
    }
}
