//! The sentence index: tantivy over the normalised sentences, one tantivy document per sentence
//! (`schema`) holding its character bigrams, the one field queries search. The re-ranker also
//! weighs each sentence's jieba words and the bigrams of its ±1 window (so neighbours can lend
//! context without taking the sentence's rank); of those it needs only document frequencies and
//! mean lengths, which are counted while the index is built and kept beside it as two tables
//! (`frequencies`). `stats` reads the three kinds alike. Only the sentence's position in the
//! corpus is stored in tantivy; text, numbers and sources come from the `Corpus`, which each
//! generation keeps beside its index (`corpus::stored`) and maps when it is opened. On disk an
//! index is a generation folder named by `CURRENT` (`generations`).

mod frequencies;
mod generations;
mod schema;
mod stats;
mod tokenizers;

use std::path::{Path, PathBuf};

use tantivy::columnar::Column;
use tantivy::{DocAddress, Index, Searcher, TantivyDocument};

use crate::corpus::{CleaningRules, Corpus, CorpusError, Folder, SourcesFile, open_stored};
use frequencies::Counter;

pub use frequencies::{Frequencies, Table};
pub use schema::{Fields, ORD_FIELD};
pub use stats::{TermStats, TokenKind};
pub use tokenizers::BigramTokenizer;

/// Why the index could not be opened or built.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The index folder cannot be created or written to.
    #[error("index folder {0} is not writable: {1}")]
    NotWritable(PathBuf, std::io::Error),
    /// tantivy failed while building or opening.
    #[error("index error in {0}: {1}")]
    Tantivy(PathBuf, tantivy::TantivyError),
    /// The corpus could not be built (no usable document, or its files not written).
    #[error(transparent)]
    Corpus(#[from] CorpusError),
}

/// An open index and the fields to query it with.
#[derive(Clone)]
pub struct SentenceIndex {
    /// The generation is never written once in use, so one searcher serves it for its life.
    pub searcher: Searcher,
    /// Each segment's column of sentence positions, opened once: opening one reads a block
    /// header per 512 documents, which at 8 million sentences cost more than the search.
    ord_columns: Vec<Column<u64>>,
    pub fields: Fields,
    /// Folder of the generation in use (none for an index in memory).
    pub path: Option<PathBuf>,
    /// Document frequencies of the words and of the windows' bigrams.
    pub frequencies: Frequencies,
    /// Mean length in tokens of each kind of token, for BM25 in the re-ranker.
    pub mean_len: FieldLengths,
}

impl SentenceIndex {
    /// The corpus position of the sentence a hit of [`SentenceIndex::searcher`] found, if
    /// it has one.
    pub fn sentence_position(&self, address: DocAddress) -> Option<usize> {
        let column = self.ord_columns.get(address.segment_ord as usize)?;
        column.first(address.doc_id).map(|ord| ord as usize)
    }
}

/// Mean tokens per sentence of each kind of token (`TokenKind`).
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

/// Builds a new generation of `dir` from `folder`: the index and the corpus written together,
/// one batch of files at a time, and the frequency tables counted as they go; the corpus kept
/// in the generation with `stamp`, the folder stamp it was read under (none when it should not
/// be trusted). Only one process builds at a time: one that finds another building waits for
/// it, then opens what it built if that was built from `reuse` (the folder's fingerprint; none
/// to build in any case). `progress` is
/// called with (documents done, documents in the folder) while building.
pub fn open_or_build(
    dir: &Path,
    folder: &Folder,
    rules: &CleaningRules,
    reuse: Option<&str>,
    stamp: Option<&str>,
    progress: &dyn Fn(usize, usize),
) -> Result<(Corpus, SentenceIndex, IndexStatus), IndexError> {
    let not_writable = |err| IndexError::NotWritable(dir.to_path_buf(), err);
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
            if let Some((corpus, index)) =
                reuse.and_then(|fingerprint| open_fresh(dir, fingerprint))
            {
                return Ok((corpus, index, IndexStatus::Opened));
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
    schema::register_tokenizers(&index);
    let fields = schema::fields(&index.schema()).map_err(tantivy_err)?;
    let mut writer = index.writer(WRITER_MEMORY).map_err(tantivy_err)?;
    let mut failed: Option<tantivy::TantivyError> = None;
    let mut counter = Counter::default();
    let mut documents = 0;
    let corpus = folder.build_stored(
        rules,
        &generation.path().join(generations::CORPUS_FOLDER),
        // Each part is one whole document, seen once: no window reaches beyond it.
        &mut |part, first| {
            if failed.is_none() {
                match add_sentences(&writer, fields, part, first) {
                    Ok(()) => counter.add(part),
                    Err(err) => failed = Some(err),
                }
            }
            documents += 1;
            progress(documents, folder.len());
        },
    )?;
    if let Some(err) = failed {
        return Err(tantivy_err(err));
    }
    writer.commit().map_err(tantivy_err)?;
    writer.wait_merging_threads().map_err(tantivy_err)?;
    merge_into_one(&index).map_err(tantivy_err)?;
    counter.write(generation.path()).map_err(not_writable)?;
    generations::write_synced(
        &generation.path().join(generations::FINGERPRINT_FILE),
        corpus.fingerprint.as_bytes(),
    )
    .map_err(not_writable)?;
    if let Some(stamp) = stamp {
        generations::write_synced(
            &generation.path().join(generations::STAMP_FILE),
            stamp.as_bytes(),
        )
        .map_err(not_writable)?;
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
    drop(corpus);
    let generation_path = generation.keep();
    let name = generation_path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    generations::swap_current(dir, &name).map_err(not_writable)?;
    generations::remove_other_generations(dir, Some(&name));
    let (corpus, opened) = open_with_corpus(&generation_path).ok_or_else(|| {
        IndexError::Tantivy(
            generation_path.clone(),
            tantivy::TantivyError::InvalidArgument("the new generation does not open".into()),
        )
    })?;
    Ok((corpus, opened, IndexStatus::Built))
}

/// True while another process holds the build lock of `dir`.
pub fn build_in_progress(dir: &Path) -> bool {
    matches!(generations::try_lock(dir), Ok(None))
}

/// The descriptions of the corpus the generation in use was built from.
pub fn last_sources(dir: &Path) -> Option<SourcesFile> {
    let path = generations::current(dir)?.join(generations::SOURCES_FILE);
    toml::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// The generation in use with the corpus it keeps, if the corpus folder had `stamp` when it
/// was built (or last checked): nothing of the folder needs reading.
pub fn open_stamped(dir: &Path, stamp: &str) -> Option<(Corpus, SentenceIndex)> {
    let path = generations::current(dir)?;
    let stored = std::fs::read_to_string(path.join(generations::STAMP_FILE)).ok()?;
    (stored.trim() == stamp)
        .then(|| open_with_corpus(&path))
        .flatten()
}

/// The generation in use with its corpus, if it was built from `fingerprint`.
pub fn open_fresh(dir: &Path, fingerprint: &str) -> Option<(Corpus, SentenceIndex)> {
    let path = generations::current(dir)?;
    if generations::fingerprint_of(&path)? != fingerprint {
        return None;
    }
    open_with_corpus(&path)
}

/// The generation in use with its corpus, whatever it was built from.
pub fn open_current(dir: &Path) -> Option<(Corpus, SentenceIndex)> {
    open_with_corpus(&generations::current(dir)?)
}

/// Records that the folder with `stamp` holds what the generation in use was built from (its
/// files were touched but not changed), so the next opening need not read them. Best effort.
pub fn restamp(dir: &Path, stamp: &str) {
    let Some(path) = generations::current(dir) else {
        return;
    };
    let staged = path.join(format!("{}.staged", generations::STAMP_FILE));
    let written = generations::write_synced(&staged, stamp.as_bytes())
        .and_then(|()| std::fs::rename(&staged, path.join(generations::STAMP_FILE)));
    if let Err(err) = written {
        tracing::warn!("could not record the corpus folder's stamp: {err}");
    }
}

/// A generation's index and the corpus it keeps, if both open and agree.
fn open_with_corpus(path: &Path) -> Option<(Corpus, SentenceIndex)> {
    let corpus = match open_stored(&path.join(generations::CORPUS_FOLDER)) {
        Ok(corpus) => corpus,
        Err(err) => {
            tracing::warn!("{err}; the index is rebuilt");
            return None;
        }
    };
    // A generation of an older version has no tables: it is rebuilt like a damaged one.
    let frequencies = match Frequencies::map(path) {
        Ok(frequencies) => frequencies,
        Err(err) => {
            tracing::warn!("{err}; the index is rebuilt");
            return None;
        }
    };
    let index = open_generation(path, frequencies).ok()?;
    let n_docs = index.searcher.num_docs();
    if n_docs != corpus.n_sentences() as u64 {
        tracing::warn!(
            "the index in {} has {n_docs} sentences, its corpus {}; the index is rebuilt",
            path.display(),
            corpus.n_sentences()
        );
        return None;
    }
    Some((corpus, index))
}

/// Builds an index in memory (evaluation over data sets that are not the corpus).
pub fn build_in_ram(corpus: &Corpus) -> tantivy::Result<SentenceIndex> {
    let index = Index::create_in_ram(schema::schema());
    fill(&index, corpus, &|_, _| {})?;
    wrap(index, None, Frequencies::of(corpus))
}

/// Memory for the writer, shared by its threads. Measured on a 50 MB corpus (BENCHMARKS.md):
/// 200 MB builds in 26 s against 32 s at 100 MB (fewer segments to merge), for 14 MB more at
/// the peak. Whatever segments it leaves are merged into one at the end (`merge_into_one`).
const WRITER_MEMORY: usize = 200_000_000;

fn fill(index: &Index, corpus: &Corpus, progress: &dyn Fn(usize, usize)) -> tantivy::Result<()> {
    schema::register_tokenizers(index);
    let fields = schema::fields(&index.schema())?;
    let mut writer = index.writer(WRITER_MEMORY)?;
    add_sentences(&writer, fields, corpus, 0)?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    merge_into_one(index)?;
    progress(corpus.n_sentences(), corpus.n_sentences());
    Ok(())
}

/// Merges the committed segments into one: a query looks each of its terms up once per segment
/// (the term dictionary, the block-max postings), so one segment answers fastest. Called once
/// the build's writer has finished its own merges: a merge asked for while the merge policy
/// runs one over the same segments fails (seen at 1 GB).
fn merge_into_one(index: &Index) -> tantivy::Result<()> {
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, MERGE_WRITER_MEMORY)?;
        writer.merge(&segments).wait()?;
        writer.wait_merging_threads()?;
    }
    Ok(())
}

/// Memory of the writer that only merges: the least tantivy accepts for a thread (it indexes
/// nothing).
const MERGE_WRITER_MEMORY: usize = 15_000_000;

/// Adds the sentences of `corpus` as tantivy documents, the first at corpus position `first`.
fn add_sentences(
    writer: &tantivy::IndexWriter,
    fields: Fields,
    corpus: &Corpus,
    first: usize,
) -> tantivy::Result<()> {
    for (ord, sentence) in corpus.sentences().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_u64(fields.ord, (first + ord) as u64);
        doc.add_text(fields.bigrams, sentence.normalized);
        writer.add_document(doc)?;
    }
    Ok(())
}

fn open_generation(path: &Path, frequencies: Frequencies) -> tantivy::Result<SentenceIndex> {
    let index = Index::open_in_dir(path)?;
    schema::register_tokenizers(&index);
    wrap(index, Some(path.to_path_buf()), frequencies)
}

fn wrap(
    index: Index,
    path: Option<PathBuf>,
    frequencies: Frequencies,
) -> tantivy::Result<SentenceIndex> {
    let fields = schema::fields(&index.schema())?;
    let searcher = index.reader()?.searcher();
    let ord_columns = searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.fast_fields().u64(ORD_FIELD))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut bigram_tokens = 0;
    for segment in searcher.segment_readers() {
        bigram_tokens += segment.inverted_index(fields.bigrams)?.total_num_tokens();
    }
    let n_docs = searcher.num_docs().max(1) as f32;
    let mean = |tokens: u64| tokens as f32 / n_docs;
    let mean_len = FieldLengths {
        words: mean(frequencies.words.tokens()),
        bigrams: mean(bigram_tokens),
        window: mean(frequencies.window.tokens()),
    };
    Ok(SentenceIndex {
        searcher,
        ord_columns,
        fields,
        path,
        frequencies,
        mean_len,
    })
}
