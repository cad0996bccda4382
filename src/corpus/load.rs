//! Reading the corpus folder: the documents (every `.txt`, `.md`, `.html`, `.pdf` and `.docx`
//! file that is not hidden, in name order) and `sources.toml`, or only their stamp (names, sizes, times) when the index may
//! already hold what they make. The one place the folder is listed, for the engine and the
//! benchmark alike.

use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{
    BATCH, CleaningRules, Corpus, CorpusBuilder, CorpusError, Fingerprint, PIPELINE_VERSION,
    RawFile, SkippedFile, SourcesFile,
};

/// Paths of documents with their metadata.
type Listed = Vec<(PathBuf, Metadata)>;

/// The documents of `dir` (paths with their metadata, in name order) and the entries that
/// cannot be documents, with why.
fn list_paths(dir: &Path) -> Result<(Listed, Vec<SkippedFile>), CorpusError> {
    if !dir.is_dir() {
        return Err(CorpusError::MissingDir(dir.to_path_buf()));
    }
    let entries = std::fs::read_dir(dir).map_err(|err| CorpusError::Io(dir.to_path_buf(), err))?;
    let mut paths = Vec::new();
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
            Ok(meta) if meta.is_file() && meta.len() > super::MAX_DOCUMENT_BYTES => {
                unreadable.push(skip(super::formats::too_big(meta.len())))
            }
            Ok(meta) if meta.is_file() => paths.push((path, meta)),
            Ok(_) => unreadable.push(skip("not a regular file (a pipe or a device)".to_string())),
            Err(err) => unreadable.push(skip(format!("cannot be read: {err}"))),
        }
    }
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    unreadable.sort_by(|a, b| a.file.cmp(&b.file));
    Ok((paths, unreadable))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The documents of `dir`, read, in name order; files that could not be read, with why.
pub fn list_documents(dir: &Path) -> Result<(Vec<RawFile>, Vec<SkippedFile>), CorpusError> {
    let (paths, mut unreadable) = list_paths(dir)?;
    let mut files = Vec::new();
    for (path, _) in paths {
        let name = file_name(&path);
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

/// What the corpus folder looks like from its listing alone: file names, sizes and
/// modification times, `sources.toml`, the cleaning rules and the pipeline version, hashed.
/// Cheap at any corpus size; equal stamps mean the index built with the same stamp can be
/// opened without reading a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderStamp {
    pub hash: String,
    /// False when a file was modified a moment ago: a later change within the same tick of
    /// the file system's clock could keep size and time, so such a stamp is not kept.
    pub settled: bool,
}

/// The stamp of `dir` (see [`FolderStamp`]).
pub fn folder_stamp(dir: &Path, rules: &CleaningRules) -> Result<FolderStamp, CorpusError> {
    /// Files modified this recently do not make a settled stamp.
    const SETTLE: Duration = Duration::from_secs(2);
    let (paths, unreadable) = list_paths(dir)?;
    let mut hasher = blake3::Hasher::new();
    hasher.update(PIPELINE_VERSION.as_bytes());
    let now = SystemTime::now();
    let mut settled = true;
    for (path, meta) in &paths {
        let modified = meta.modified().unwrap_or(UNIX_EPOCH);
        settled &= now.duration_since(modified).is_ok_and(|age| age >= SETTLE);
        let nanos = modified
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        hasher.update(format!("{}\0{}\0{nanos}\0", file_name(path), meta.len()).as_bytes());
    }
    for skipped in &unreadable {
        hasher.update(format!("{}\0{}\0", skipped.file, skipped.reason).as_bytes());
    }
    match std::fs::read(dir.join("sources.toml")) {
        Ok(bytes) => hasher.update(&bytes),
        Err(err) => hasher.update(err.kind().to_string().as_bytes()),
    };
    for pattern in rules.patterns() {
        hasher.update(&(pattern.len() as u64).to_le_bytes());
        hasher.update(pattern.as_bytes());
    }
    Ok(FolderStamp {
        hash: hasher.finalize().to_hex().to_string(),
        settled,
    })
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

/// The corpus folder listed, with its descriptions: what a build reads, one batch of files at a
/// time.
pub struct Folder {
    pub dir: PathBuf,
    /// The documents, in name order.
    paths: Vec<PathBuf>,
    pub sources: SourcesFile,
    unreadable: Vec<SkippedFile>,
    /// Why `sources.toml` could not be used, if it could not.
    pub problem: Option<String>,
}

impl Folder {
    /// Lists the documents of `dir` and reads `sources.toml`. A `sources.toml` that cannot be
    /// read becomes a warning of the corpus and `last_good` descriptions are used instead
    /// (those of the index in use; none if there are none), so that one typo does not stop a
    /// corpus that has a good index.
    pub fn read(
        dir: &Path,
        last_good: impl FnOnce() -> Option<SourcesFile>,
    ) -> Result<Folder, CorpusError> {
        let (listed, unreadable) = list_paths(dir)?;
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
        Ok(Folder {
            dir: dir.to_path_buf(),
            paths: listed.into_iter().map(|(path, _)| path).collect(),
            sources,
            unreadable,
            problem,
        })
    }

    /// The number of documents listed.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The fingerprint the corpus built from this folder will have: every document read once,
    /// one at a time (a file that cannot be read is left out, as the build leaves it out).
    pub fn fingerprint(&self, rules: &CleaningRules) -> String {
        let mut fingerprint = Fingerprint::default();
        for path in &self.paths {
            if let Ok(bytes) = std::fs::read(path) {
                fingerprint.add_file(&file_name(path), &bytes);
            }
        }
        fingerprint.finish(&self.sources, rules)
    }

    /// Builds the corpus into the folder `into` (see [`CorpusBuilder::writing`]), reading
    /// [`BATCH`] files at a time; `on_part` sees each document as it is added, with the
    /// position of its first sentence. Unreadable or undecodable files are listed in
    /// [`Corpus::skipped`]; a folder with no usable document is an error.
    pub fn build_stored(
        &self,
        rules: &CleaningRules,
        into: &Path,
        on_part: &mut dyn FnMut(&Corpus, usize),
    ) -> Result<Corpus, CorpusError> {
        let io = |err| CorpusError::Io(into.to_path_buf(), err);
        let names: Vec<String> = self.paths.iter().map(|path| file_name(path)).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut builder = CorpusBuilder::writing(into, &names, &self.sources, rules).map_err(io)?;
        builder.warn_all(self.problem.iter().cloned());
        for batch in self.paths.chunks(BATCH) {
            let mut files = Vec::with_capacity(batch.len());
            for path in batch {
                match std::fs::read(path) {
                    Ok(bytes) => files.push(RawFile {
                        name: file_name(path),
                        bytes,
                    }),
                    Err(err) => builder.skip(SkippedFile {
                        file: file_name(path),
                        reason: err.to_string(),
                    }),
                }
            }
            builder.add_batch(&files, on_part);
        }
        for skipped in &self.unreadable {
            builder.skip(skipped.clone());
        }
        if builder.n_documents() == 0 {
            let skipped = builder
                .skipped()
                .iter()
                .map(|skip| format!("{} ({})", skip.file, skip.reason))
                .collect::<Vec<_>>();
            let detail = if skipped.is_empty() {
                String::new()
            } else {
                format!("; skipped: {}", skipped.join(", "))
            };
            return Err(CorpusError::Empty(self.dir.clone(), detail));
        }
        builder.finish().map_err(io)
    }
}

fn is_document(path: &Path) -> bool {
    let extension = path
        .extension()
        .map(|ext| ext.to_string_lossy().to_lowercase());
    extension.is_some_and(|ext| super::DOCUMENT_EXTENSIONS.contains(&ext.as_str()))
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

    #[test]
    fn a_corpus_written_batch_by_batch_is_the_one_built_in_memory() {
        let scratch = tempfile::TempDir::new().unwrap();
        let dir = scratch.path().join("corpus");
        std::fs::create_dir(&dir).unwrap();
        // More files than one batch, a bad one among them, and a description.
        for i in 0..(BATCH + 5) {
            let text = format!("第{i}篇。大同市今年种树{i}万棵，比上年多。\n\n张强在北京说：好。");
            std::fs::write(dir.join(format!("{i:03}_doc.txt")), text).unwrap();
        }
        std::fs::write(dir.join("999_empty.txt"), "").unwrap();
        std::fs::write(
            dir.join("sources.toml"),
            "[[document]]\nfile = \"001_doc.txt\"\ntitle = \"大同日报\"\ndate = \"2022\"\n",
        )
        .unwrap();
        let rules = CleaningRules::default();
        let folder = Folder::read(&dir, || None).unwrap();
        let mut seen = Vec::new();
        let written = folder
            .build_stored(
                &rules,
                &scratch.path().join("stored"),
                &mut |part, first| {
                    seen.push((first, part.n_sentences()));
                },
            )
            .unwrap();
        let (files, _) = list_documents(&dir).unwrap();
        let built = Corpus::build(&files, &read_sources(&dir).unwrap(), &rules);
        assert_eq!(written.fingerprint, built.fingerprint);
        assert_eq!(written.fingerprint, folder.fingerprint(&rules));
        crate::corpus::tests::assert_same(&written, &built);
        // Each document was handed over once, at the place its sentences take.
        let mut next = 0;
        for (first, n) in &seen {
            assert_eq!(*first, next);
            next += n;
        }
        assert_eq!(seen.len(), built.documents.len());
        // A folder with nothing usable is an error, and leaves nothing to open.
        let empty = scratch.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        std::fs::write(empty.join("a.txt"), "").unwrap();
        let folder = Folder::read(&empty, || None).unwrap();
        let result = folder.build_stored(&rules, &scratch.path().join("none"), &mut |_, _| {});
        assert!(matches!(result, Err(CorpusError::Empty(..))));
    }
}
