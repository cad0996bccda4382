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
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && is_document(path))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
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

/// Reads the documents of `dir` and `sources.toml` and builds the corpus. Unreadable or
/// undecodable files are listed in [`Corpus::skipped`]; a folder with no usable document is an
/// error. A `sources.toml` that cannot be read is reported in [`Corpus::warnings`] and
/// `last_good` descriptions are used instead (those of the index in use; none if there are
/// none), so that one typo does not stop a corpus that has a good index.
pub fn load_corpus(
    dir: &Path,
    rules: &CleaningRules,
    last_good: impl FnOnce() -> Option<SourcesFile>,
) -> Result<Corpus, CorpusError> {
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
    Ok(corpus)
}

fn is_document(path: &Path) -> bool {
    let hidden = path
        .file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with('.'));
    let extension = path
        .extension()
        .map(|ext| ext.to_string_lossy().to_lowercase());
    !hidden && matches!(extension.as_deref(), Some("txt" | "md"))
}
