//! The sentence index: tantivy over the normalised sentences, one tantivy document per sentence.
//! Three text fields are indexed: jieba words, character bigrams, and the bigrams of the
//! sentence's ±1 window (so neighbours can lend context without taking the sentence's rank).
//! Only the sentence's position in the corpus is stored; text, numbers and sources come from the
//! in-memory `Corpus`, which is rebuilt deterministically from the same files.
//!
//! On disk an index is a generation folder plus a `CURRENT` file naming it. A new generation is
//! built beside the old one and `CURRENT` is replaced by an atomic rename once the build has
//! committed, so a half-built index is never opened.

use std::path::{Path, PathBuf};

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, TantivyDocument};

use crate::corpus::Corpus;
use crate::tokenize::{BigramTokenizer, ChineseTokenizer};

const WORDS_TOKENIZER: &str = "quotebot_words";
const BIGRAMS_TOKENIZER: &str = "quotebot_bigrams";
const CURRENT_FILE: &str = "CURRENT";
const FINGERPRINT_FILE: &str = "quotebot-fingerprint";

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

/// Field handles of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Position of the sentence in `Corpus::sentences`.
    pub ord: Field,
    pub words: Field,
    pub bigrams: Field,
    pub window: Field,
}

/// An open index and the fields to query it with.
#[derive(Clone)]
pub struct SentenceIndex {
    pub index: Index,
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

/// What a build did, for the `index` summary.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexStatus {
    Opened,
    Built,
}

/// Opens the index of `dir` if it was built from this corpus, else builds a new generation.
/// `progress` is called with (sentences done, total) while building.
pub fn open_or_build(
    dir: &Path,
    corpus: &Corpus,
    force: bool,
    progress: &dyn Fn(usize, usize),
) -> Result<(SentenceIndex, IndexStatus), IndexError> {
    if !force && let Some(index) = open_current(dir, &corpus.fingerprint) {
        return Ok((index, IndexStatus::Opened));
    }
    let not_writable = |err| IndexError::NotWritable(dir.to_path_buf(), err);
    std::fs::create_dir_all(dir).map_err(not_writable)?;
    let generation = tempfile::Builder::new()
        .prefix("gen-")
        .tempdir_in(dir)
        .map_err(not_writable)?;
    let tantivy_err = |err| IndexError::Tantivy(generation.path().to_path_buf(), err);
    let index = Index::create_in_dir(generation.path(), schema()).map_err(tantivy_err)?;
    fill(&index, corpus, progress).map_err(tantivy_err)?;
    std::fs::write(
        generation.path().join(FINGERPRINT_FILE),
        &corpus.fingerprint,
    )
    .map_err(not_writable)?;
    let generation_path = generation.keep();
    let name = generation_path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    swap_current(dir, &name).map_err(not_writable)?;
    remove_old_generations(dir, &name);
    let opened = open_generation(&generation_path)
        .map_err(|err| IndexError::Tantivy(generation_path.clone(), err))?;
    Ok((opened, IndexStatus::Built))
}

/// Builds an index in memory (evaluation over data sets that are not the corpus).
pub fn build_in_ram(corpus: &Corpus) -> tantivy::Result<SentenceIndex> {
    let index = Index::create_in_ram(schema());
    fill(&index, corpus, &|_, _| {})?;
    wrap(index, None)
}

/// Sentences, paragraphs, documents held by an index, for summaries.
pub fn n_indexed(index: &SentenceIndex) -> u64 {
    index.reader.searcher().num_docs()
}

fn schema() -> Schema {
    let mut builder = Schema::builder();
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    builder.add_u64_field("ord", INDEXED | FAST | STORED);
    builder.add_text_field("words", text(WORDS_TOKENIZER));
    builder.add_text_field("bigrams", text(BIGRAMS_TOKENIZER));
    builder.add_text_field("window", text(BIGRAMS_TOKENIZER));
    builder.build()
}

fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(WORDS_TOKENIZER, ChineseTokenizer);
    index
        .tokenizers()
        .register(BIGRAMS_TOKENIZER, BigramTokenizer);
}

fn fields(schema: &Schema) -> tantivy::Result<Fields> {
    Ok(Fields {
        ord: schema.get_field("ord")?,
        words: schema.get_field("words")?,
        bigrams: schema.get_field("bigrams")?,
        window: schema.get_field("window")?,
    })
}

fn fill(index: &Index, corpus: &Corpus, progress: &dyn Fn(usize, usize)) -> tantivy::Result<()> {
    /// Memory for the writer; the shipped corpus needs a fraction of it.
    const WRITER_MEMORY: usize = 100_000_000;
    register_tokenizers(index);
    let fields = fields(&index.schema())?;
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

fn open_current(dir: &Path, fingerprint: &str) -> Option<SentenceIndex> {
    let name = std::fs::read_to_string(dir.join(CURRENT_FILE)).ok()?;
    let path = dir.join(name.trim());
    let stored = std::fs::read_to_string(path.join(FINGERPRINT_FILE)).ok()?;
    if stored.trim() != fingerprint {
        return None;
    }
    open_generation(&path).ok()
}

fn open_generation(path: &Path) -> tantivy::Result<SentenceIndex> {
    let index = Index::open_in_dir(path)?;
    register_tokenizers(&index);
    wrap(index, Some(path.to_path_buf()))
}

fn wrap(index: Index, path: Option<PathBuf>) -> tantivy::Result<SentenceIndex> {
    let fields = fields(&index.schema())?;
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
        index,
        reader,
        fields,
        path,
        mean_len,
    })
}

/// Points `CURRENT` at `name` with write-then-rename, which is atomic on one file system.
fn swap_current(dir: &Path, name: &str) -> std::io::Result<()> {
    let staged = dir.join(format!("{CURRENT_FILE}.staged"));
    std::fs::write(&staged, name)?;
    std::fs::rename(staged, dir.join(CURRENT_FILE))
}

/// Removes generations other than `keep`. Best effort: a process still reading an old
/// generation keeps its open files (they vanish when it closes them).
fn remove_old_generations(dir: &Path, keep: &str) {
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
