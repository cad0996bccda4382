//! The sentence index: tantivy over the normalised sentences, one tantivy document per sentence
//! (`schema`). Three text fields are indexed: jieba words, character bigrams, and the bigrams of
//! the sentence's ±1 window (so neighbours can lend context without taking the sentence's rank).
//! Only the sentence's position in the corpus is stored; text, numbers and sources come from the
//! in-memory `Corpus`, which is rebuilt deterministically from the same files. On disk an index
//! is a generation folder named by `CURRENT` (`generations`).

mod generations;
mod schema;
mod tokenizers;

use std::path::{Path, PathBuf};

use tantivy::schema::Field;
use tantivy::{Index, IndexReader, Searcher, TantivyDocument, Term};

use crate::corpus::{Corpus, RawFile, SourcesFile};

pub use schema::{Fields, ORD_FIELD};
pub use tokenizers::{BigramTokenizer, ChineseTokenizer};

/// Why the index could not be opened or built.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The index folder cannot be created or written to.
    #[error("index folder {0} is not writable: {1}")]
    NotWritable(PathBuf, std::io::Error),
    /// tantivy failed while building or opening.
    #[error("index error in {0}: {1}")]
    Tantivy(PathBuf, tantivy::TantivyError),
}

/// An open index and the fields to query it with.
#[derive(Clone)]
pub struct SentenceIndex {
    pub reader: IndexReader,
    pub fields: Fields,
    /// Folder of the generation in use (none for an index in memory).
    pub path: Option<PathBuf>,
    /// Mean length in tokens of each text field, for BM25 in the re-ranker.
    pub mean_len: FieldLengths,
}

/// Mean tokens per sentence of the text fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldLengths {
    pub words: f32,
    pub bigrams: f32,
    pub window: f32,
}

/// What opening did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexStatus {
    /// The generation in use was built from this corpus.
    Opened,
    /// A new generation was built and swapped in.
    Built,
}

/// Document frequencies and IDFs of one searcher, the one place the formula is written.
pub struct TermStats<'s> {
    searcher: &'s Searcher,
    n_docs: f32,
}

impl<'s> TermStats<'s> {
    pub fn new(searcher: &'s Searcher) -> Self {
        TermStats {
            searcher,
            n_docs: searcher.num_docs() as f32,
        }
    }

    /// Sentences of the index whose `field` holds `token` (0 when the lookup fails).
    pub fn doc_freq(&self, field: Field, token: &str) -> u64 {
        self.searcher
            .doc_freq(&Term::from_field_text(field, token))
            .unwrap_or(0)
    }

    /// BM25's inverse document frequency, as tantivy computes it: ln(1 + (N − df + 0.5) /
    /// (df + 0.5)).
    pub fn idf(&self, field: Field, token: &str) -> f32 {
        let df = self.doc_freq(field, token) as f32;
        (1.0 + (self.n_docs - df + 0.5) / (df + 0.5)).ln()
    }
}

/// Opens the index of `dir` if it was built from this corpus, else builds a new generation
/// from `files` (`force`: builds in any case). Only one process builds at a time: one that
/// finds another building waits for it, then opens what it built if that was built from this
/// corpus. (To answer meanwhile, the engine rebuilds the corpus of the generation in use from its
/// `snapshot`.) `progress` is called with (sentences done, total) while building.
pub fn open_or_build(
    dir: &Path,
    corpus: &Corpus,
    files: &[RawFile],
    force: bool,
    progress: &dyn Fn(usize, usize),
) -> Result<(SentenceIndex, IndexStatus), IndexError> {
    let not_writable = |err| IndexError::NotWritable(dir.to_path_buf(), err);
    if !force && let Some(index) = open_fresh(dir, &corpus.fingerprint) {
        return Ok((index, IndexStatus::Opened));
    }
    std::fs::create_dir_all(dir).map_err(not_writable)?;
    let _lock = match generations::try_lock(dir).map_err(not_writable)? {
        Some(lock) => lock,
        None => {
            tracing::warn!(
                "another process is building the index in {}; waiting for it",
                dir.display()
            );
            let lock = generations::lock(dir).map_err(not_writable)?;
            // The other process may have built this very corpus.
            if !force && let Some(index) = open_fresh(dir, &corpus.fingerprint) {
                return Ok((index, IndexStatus::Opened));
            }
            lock
        }
    };
    // Folders of builds that were killed before their swap are of no use to anyone.
    let in_use = generations::current(dir).and_then(|path| {
        path.file_name()
            .map(|name| name.to_string_lossy().into_owned())
    });
    generations::remove_other_generations(dir, in_use.as_deref());
    let generation = tempfile::Builder::new()
        .prefix("gen-")
        .tempdir_in(dir)
        .map_err(not_writable)?;
    let tantivy_err = |err| IndexError::Tantivy(generation.path().to_path_buf(), err);
    let index = Index::create_in_dir(generation.path(), schema::schema()).map_err(tantivy_err)?;
    fill(&index, corpus, progress).map_err(tantivy_err)?;
    generations::write_synced(
        &generation.path().join(generations::FINGERPRINT_FILE),
        corpus.fingerprint.as_bytes(),
    )
    .map_err(not_writable)?;
    // The files the corpus was built from: a process that finds the next build in progress
    // answers from this generation with them (`snapshot`).
    let copies = generation.path().join(generations::FILES_FOLDER);
    std::fs::create_dir(&copies).map_err(not_writable)?;
    for file in files {
        generations::write_synced(&copies.join(&file.name), &file.bytes).map_err(not_writable)?;
    }
    // The descriptions the corpus was built with: the last good ones, should sources.toml
    // later be broken.
    if let Ok(sources) = toml::to_string(&corpus.sources) {
        generations::write_synced(
            &generation.path().join(generations::SOURCES_FILE),
            sources.as_bytes(),
        )
        .map_err(not_writable)?;
    }
    let generation_path = generation.keep();
    let name = generation_path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    generations::swap_current(dir, &name).map_err(not_writable)?;
    generations::remove_other_generations(dir, Some(&name));
    let opened = open_generation(&generation_path)
        .map_err(|err| IndexError::Tantivy(generation_path.clone(), err))?;
    Ok((opened, IndexStatus::Built))
}

/// What the generation in use was built from: its files, descriptions and fingerprint.
pub struct Snapshot {
    pub files: Vec<RawFile>,
    pub sources: SourcesFile,
    pub fingerprint: String,
    path: PathBuf,
}

/// True while another process holds the build lock of `dir`.
pub fn build_in_progress(dir: &Path) -> bool {
    matches!(generations::try_lock(dir), Ok(None))
}

/// The files, descriptions and fingerprint of the generation in use, if it kept them.
pub fn snapshot(dir: &Path) -> Option<Snapshot> {
    let path = generations::current(dir)?;
    let fingerprint = generations::fingerprint_of(&path)?;
    let sources = last_sources(dir).unwrap_or_default();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path.join(generations::FILES_FOLDER)).ok()? {
        let entry = entry.ok()?;
        files.push(RawFile {
            name: entry.file_name().to_string_lossy().into_owned(),
            bytes: std::fs::read(entry.path()).ok()?,
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Some(Snapshot {
        files,
        sources,
        fingerprint,
        path,
    })
}

/// Opens the generation a snapshot was read from, for a corpus rebuilt from it whose
/// fingerprint matches.
pub fn open_snapshot(snapshot: &Snapshot, corpus: &Corpus) -> Option<SentenceIndex> {
    if corpus.fingerprint != snapshot.fingerprint {
        return None;
    }
    open_generation(&snapshot.path).ok()
}

/// The descriptions of the corpus the generation in use was built from.
pub fn last_sources(dir: &Path) -> Option<SourcesFile> {
    let path = generations::current(dir)?.join(generations::SOURCES_FILE);
    toml::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// The generation in use, if it was built from `fingerprint` and opens.
pub fn open_fresh(dir: &Path, fingerprint: &str) -> Option<SentenceIndex> {
    let path = generations::current(dir)?;
    if generations::fingerprint_of(&path)? != fingerprint {
        return None;
    }
    open_generation(&path).ok()
}

/// Builds an index in memory (evaluation over data sets that are not the corpus).
pub fn build_in_ram(corpus: &Corpus) -> tantivy::Result<SentenceIndex> {
    let index = Index::create_in_ram(schema::schema());
    fill(&index, corpus, &|_, _| {})?;
    wrap(index, None)
}

fn fill(index: &Index, corpus: &Corpus, progress: &dyn Fn(usize, usize)) -> tantivy::Result<()> {
    /// Memory for the writer; the shipped corpus needs a fraction of it.
    const WRITER_MEMORY: usize = 100_000_000;
    schema::register_tokenizers(index);
    let fields = schema::fields(&index.schema())?;
    let mut writer = index.writer(WRITER_MEMORY)?;
    let total = corpus.sentences.len();
    for (ord, sentence) in corpus.sentences.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_u64(fields.ord, ord as u64);
        doc.add_text(fields.words, &sentence.normalized);
        doc.add_text(fields.bigrams, &sentence.normalized);
        doc.add_text(fields.window, window_text(corpus, ord));
        writer.add_document(doc)?;
        if ord % 1000 == 0 {
            progress(ord, total);
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    progress(total, total);
    Ok(())
}

/// The sentence with its neighbours in the same paragraph.
fn window_text(corpus: &Corpus, ord: usize) -> String {
    let mut parts: Vec<&str> = corpus
        .neighbours_of(ord)
        .map(|other| corpus.sentences[other].normalized.as_str())
        .collect();
    // Order does not matter to a bag of bigrams, but the sentence's own bigrams must not run
    // into a neighbour's: the space keeps them apart.
    parts.push(&corpus.sentences[ord].normalized);
    parts.join(" ")
}

fn open_generation(path: &Path) -> tantivy::Result<SentenceIndex> {
    let index = Index::open_in_dir(path)?;
    schema::register_tokenizers(&index);
    wrap(index, Some(path.to_path_buf()))
}

fn wrap(index: Index, path: Option<PathBuf>) -> tantivy::Result<SentenceIndex> {
    let fields = schema::fields(&index.schema())?;
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let n_docs = searcher.num_docs().max(1) as f32;
    let mean = |field: Field| -> tantivy::Result<f32> {
        let mut total = 0;
        for segment in searcher.segment_readers() {
            total += segment.inverted_index(field)?.total_num_tokens();
        }
        Ok(total as f32 / n_docs)
    };
    let mean_len = FieldLengths {
        words: mean(fields.words)?,
        bigrams: mean(fields.bigrams)?,
        window: mean(fields.window)?,
    };
    Ok(SentenceIndex {
        reader,
        fields,
        path,
        mean_len,
    })
}
