//! A built corpus on disk, kept in each index generation: its columns as flat files (`columns`)
//! and a small JSON file for the rest (documents, skipped files, warnings, descriptions). Opening
//! maps the columns and reads the JSON: no file of the corpus folder is read, nothing is
//! segmented, cleaned or converted, so opening takes the same few milliseconds at any size.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::columns::{Column, Ragged, Strings};
use super::{Corpus, Document, Passages, SentenceTable, SkippedFile, SourcesFile};

/// Bumped whenever the stored layout changes: a generation in another layout is rebuilt.
const LAYOUT: u32 = 2;
const META_FILE: &str = "corpus.json";

/// Why a stored corpus cannot be used (the generation is then rebuilt).
#[derive(Debug, thiserror::Error)]
pub enum StoredError {
    #[error("cannot read the stored corpus in {0}: {1}")]
    Io(String, std::io::Error),
    #[error("the stored corpus in {0} is damaged: {1}")]
    Damaged(String, String),
}

/// Everything of a corpus that is not a column.
#[derive(Serialize, Deserialize)]
struct Meta {
    layout: u32,
    little_endian: bool,
    n_sentences: usize,
    documents: Vec<Document>,
    skipped: Vec<(String, String)>,
    warnings: Vec<String>,
    sources: SourcesFile,
    fingerprint: String,
    mean_paragraph_length: f32,
}

/// Writes `corpus` (built in memory) into the folder `dir` (created), every file synced.
pub fn write_stored(corpus: &Corpus, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let table = &corpus.sentences;
    table.ids.write(&dir.join("sentence_ids"))?;
    table.text.write(dir, "sentence_text")?;
    table.normalized.write(dir, "sentence_normalized")?;
    table.boundaries.write(dir, "sentence_boundaries")?;
    table.entities.write(dir, "sentence_entities")?;
    table.figures.write(dir, "sentence_figures")?;
    corpus.document_texts.write(dir, "document_text")?;
    corpus.passages.write(dir)?;
    write_meta(corpus, dir)
}

/// Writes what of `corpus` is not a column into `dir`, synced: the last file of a stored
/// corpus to be written.
pub(super) fn write_meta(corpus: &Corpus, dir: &Path) -> std::io::Result<()> {
    let meta = Meta {
        layout: LAYOUT,
        little_endian: cfg!(target_endian = "little"),
        n_sentences: corpus.n_sentences(),
        documents: corpus.documents.clone(),
        skipped: corpus
            .skipped
            .iter()
            .map(|skip| (skip.file.clone(), skip.reason.clone()))
            .collect(),
        warnings: corpus.warnings.clone(),
        sources: corpus.sources.clone(),
        fingerprint: corpus.fingerprint.clone(),
        mean_paragraph_length: corpus.passages.raw_mean_length(),
    };
    let json = serde_json::to_vec(&meta).map_err(std::io::Error::other)?;
    let mut file = std::fs::File::create(dir.join(META_FILE))?;
    std::io::Write::write_all(&mut file, &json)?;
    file.sync_all()
}

/// Opens the corpus [`write_stored`] wrote into `dir`, checking that its parts agree.
pub fn open_stored(dir: &Path) -> Result<Corpus, StoredError> {
    let name = dir.display().to_string();
    let io = |err| StoredError::Io(name.clone(), err);
    let damaged = |why: String| StoredError::Damaged(name.clone(), why);
    let json = std::fs::read(dir.join(META_FILE)).map_err(io)?;
    let meta: Meta = serde_json::from_slice(&json).map_err(|err| damaged(err.to_string()))?;
    if meta.layout != LAYOUT || meta.little_endian != cfg!(target_endian = "little") {
        return Err(damaged(format!(
            "layout {} (this version reads layout {LAYOUT} in its own byte order)",
            meta.layout
        )));
    }
    let sentences = SentenceTable {
        ids: Column::map(&dir.join("sentence_ids")).map_err(io)?,
        text: Strings::map(dir, "sentence_text").map_err(io)?,
        normalized: Strings::map(dir, "sentence_normalized").map_err(io)?,
        boundaries: Ragged::map(dir, "sentence_boundaries").map_err(io)?,
        entities: Ragged::map(dir, "sentence_entities").map_err(io)?,
        figures: Ragged::map(dir, "sentence_figures").map_err(io)?,
    };
    let document_texts = Strings::map(dir, "document_text").map_err(io)?;
    let passages = Passages::map(dir, meta.mean_paragraph_length).map_err(io)?;
    let n = meta.n_sentences;
    let lengths = [
        sentences.ids.len(),
        sentences.text.len(),
        sentences.normalized.len(),
        sentences.boundaries.len(),
        sentences.entities.len(),
        sentences.figures.len(),
        passages.n_sentences(),
    ];
    if lengths.iter().any(|&len| len != n) || document_texts.len() != meta.documents.len() {
        return Err(damaged(format!(
            "{n} sentences expected, columns hold {lengths:?}"
        )));
    }
    let ranges_fit = meta
        .documents
        .iter()
        .all(|doc| doc.sentences.start < doc.sentences.end && doc.sentences.end <= n);
    if !ranges_fit {
        return Err(damaged(
            "a document's sentences are out of range".to_string(),
        ));
    }
    Ok(Corpus {
        documents: meta.documents,
        document_texts,
        sentences,
        skipped: meta
            .skipped
            .into_iter()
            .map(|(file, reason)| SkippedFile { file, reason })
            .collect(),
        warnings: meta.warnings,
        sources: meta.sources,
        fingerprint: meta.fingerprint,
        passages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::tests::raw;
    use crate::corpus::{CleaningRules, Source, SourceEntry};

    #[test]
    fn a_stored_corpus_reads_back_the_same() {
        let files = [
            raw(
                "001_a.txt",
                "大同市很大。张强在北京开会。\n\n2021年GDP为1686亿元。",
            ),
            raw("b.md", "另一篇。"),
            raw("c.txt", ""),
        ];
        let sources = SourcesFile {
            document: vec![SourceEntry {
                file: "001_a.txt".into(),
                source: Source {
                    title: "大同日报".into(),
                    date: Some("2022-01-05".into()),
                    ..Source::default()
                },
            }],
        };
        let built = Corpus::build(&files, &sources, &CleaningRules::default());
        let dir = tempfile::TempDir::new().unwrap();
        write_stored(&built, dir.path()).unwrap();
        let opened = open_stored(dir.path()).unwrap();
        crate::corpus::tests::assert_same(&opened, &built);
        assert!(opened.sentences().any(|s| !s.entities.is_empty()));
        // The fact index is stored with the sentences: 1686亿元 in yuan.
        let gdp = opened
            .sentences()
            .find(|s| s.text.contains("1686"))
            .unwrap();
        assert_eq!(gdp.figures.len(), 1);
        assert_eq!(gdp.figures[0].unit(), Some("元"));
        assert_eq!(&gdp.normalized[gdp.figures[0].span()], "1686亿元");
    }

    #[test]
    fn a_damaged_store_is_refused() {
        let built = Corpus::build(
            &[raw("a.txt", "第一句。第二句。")],
            &SourcesFile::default(),
            &CleaningRules::default(),
        );
        let dir = tempfile::TempDir::new().unwrap();
        write_stored(&built, dir.path()).unwrap();
        // One sentence fewer in one column than the others.
        Column::Owned(vec![[1u32, 1, 1, 0, 0, 0]])
            .write(&dir.path().join("sentence_ids"))
            .unwrap();
        assert!(matches!(
            open_stored(dir.path()),
            Err(StoredError::Damaged(..))
        ));
        std::fs::remove_file(dir.path().join("sentence_normalized.values")).unwrap();
        assert!(matches!(open_stored(dir.path()), Err(StoredError::Io(..))));
        std::fs::write(dir.path().join(META_FILE), "{").unwrap();
        assert!(matches!(
            open_stored(dir.path()),
            Err(StoredError::Damaged(..))
        ));
    }
}
