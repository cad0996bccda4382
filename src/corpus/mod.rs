//! The corpus: documents decoded, cleaned and cut into numbered sentences, with what is known
//! of each source. [`Corpus::build`] is pure (bytes in, sentences out); `load` is the only part
//! that reads the folder.

mod build;
mod clean;
mod columns;
mod decode;
mod formats;
mod id;
mod load;
mod passages;
mod sources;
mod split;
mod stored;

use std::path::PathBuf;

use serde::Deserialize;

pub use build::{BATCH, CorpusBuilder, Fingerprint, fingerprint};
pub use clean::{BadPattern, CleaningRules, clean};
pub use decode::{DecodeError, decode};
pub use formats::{
    Block, DOCUMENT_EXTENSIONS, Extracted, Format, MAX_DOCUMENT_BYTES, Metadata, extract,
};
pub use id::{BadSentenceId, SentenceId};
pub use load::{Folder, FolderStamp, folder_stamp, list_documents, read_sources};
pub use passages::{Passages, bigram_key};
pub use split::split_sentences;
pub use stored::{StoredError, open_stored, write_stored};

use crate::text::figures::{FigureRow, figure_rows};
use crate::text::normalize::normalize;
use crate::text::segment::{Analysis, Entity};
use columns::{Column, Ragged, Strings};

/// Bumped whenever cleaning, splitting or indexing changes, so old indexes are rebuilt.
pub const PIPELINE_VERSION: &str = "quotebot-pipeline-13";

/// What is known of a document's origin (from `corpus/sources.toml`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(default)]
    pub publisher: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: these sort as text, newest last.
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Where the document was published (a web page's canonical address).
    #[serde(default)]
    pub url: Option<String>,
}

impl Source {
    /// One line for a citation: title, publisher, date, whichever are known.
    pub fn label(&self) -> String {
        let mut parts = vec![format!("《{}》", self.title)];
        parts.extend(self.publisher.clone());
        parts.push(self.date.clone().unwrap_or_else(|| "日期不详".to_string()));
        parts.join(" · ")
    }
}

/// The file `corpus/sources.toml`: one `[[document]]` table per described file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    #[serde(default)]
    pub document: Vec<SourceEntry>,
}

/// One described file.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    pub file: String,
    #[serde(flatten)]
    pub source: Source,
}

/// A document of the corpus.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
pub struct Document {
    /// The number used in citations.
    pub number: u32,
    /// File name relative to the corpus folder.
    pub file: String,
    pub source: Source,
    /// Normalised title when the source is described in `sources.toml` (empty otherwise): what
    /// the whole document is about, which its sentences need not repeat.
    pub topic: String,
    pub encoding: String,
    pub n_paragraphs: u32,
    /// The section headings its sentences stand under (DOCX, HTML, Markdown), each once.
    #[serde(default)]
    pub sections: Vec<String>,
    /// Range of this document's sentences in the corpus.
    pub sentences: std::ops::Range<usize>,
}

/// A numbered sentence, as read from the corpus: the original text and its normalised form.
#[derive(Debug, Clone, Copy)]
pub struct Sentence<'c> {
    pub id: SentenceId,
    /// Index of the document in [`Corpus::documents`].
    pub doc_idx: usize,
    pub text: &'c str,
    pub normalized: &'c str,
    /// Word boundaries of `normalized` (see `segment::Analysis`).
    pub boundaries: &'c [u32],
    /// Names of people, places, organisations and times in `normalized`.
    pub entities: &'c [Entity],
    /// Its figures, read when the corpus was built (see `text::figures::figure_rows`).
    pub figures: &'c [FigureRow],
    /// The page it is printed on (PDF), from 1.
    pub page: Option<u32>,
    /// The section heading it stands under (DOCX, HTML, Markdown).
    pub section: Option<&'c str>,
}

impl Sentence<'_> {
    /// Where it stands, for a citation: `p.12` (PDF), the section heading (DOCX, HTML,
    /// Markdown), or None for plain text.
    pub fn place(&self) -> Option<String> {
        match (self.page, self.section) {
            (Some(page), _) => Some(format!("p.{page}")),
            (None, Some(section)) => Some(section.to_string()),
            (None, None) => None,
        }
    }
}

/// The sentences of a corpus, column by column (`columns`): what serving reads, mapped from
/// the index generation or built in memory.
#[derive(Debug, Clone, Default)]
pub(crate) struct SentenceTable {
    /// Document number, paragraph, sentence, document index, page (0: none), section (index
    /// into the document's `sections` + 1; 0: none).
    ids: Column<[u32; 6]>,
    text: Strings,
    normalized: Strings,
    boundaries: Ragged<u32>,
    entities: Ragged<Entity>,
    /// The fact index: each sentence's figures with their unit and kind.
    figures: Ragged<FigureRow>,
}

impl SentenceTable {
    fn push(
        &mut self,
        id: SentenceId,
        place: Place,
        text: &str,
        normalized: &str,
        analysis: &Analysis,
    ) {
        self.ids
            .push([id.doc, id.para, id.sent, 0, place.page, place.section]);
        self.text.push(text);
        self.normalized.push(normalized);
        self.boundaries.push(&analysis.boundaries);
        self.entities.push(&analysis.entities);
        self.figures.push(&figure_rows(normalized));
    }

    /// Appends `other`'s sentences, their document indexes moved up by `doc_offset`.
    fn append(&mut self, other: &SentenceTable, doc_offset: usize) {
        for &[doc, para, sent, doc_idx, page, section] in other.ids.as_slice() {
            self.ids
                .push([doc, para, sent, doc_idx + doc_offset as u32, page, section]);
        }
        self.text.append(&other.text);
        self.normalized.append(&other.normalized);
        self.boundaries.append(&other.boundaries);
        self.entities.append(&other.entities);
        self.figures.append(&other.figures);
    }

    fn len(&self) -> usize {
        self.ids.len()
    }

    /// The document index and paragraph number of sentence `ord`.
    fn paragraph_of(&self, ord: usize) -> Option<(u32, u32)> {
        let &[_, para, _, doc_idx, _, _] = self.ids.as_slice().get(ord)?;
        Some((doc_idx, para))
    }

    fn normalized(&self, ord: usize) -> &str {
        self.normalized.get(ord)
    }

    fn get<'c>(&'c self, ord: usize, documents: &'c [Document]) -> Option<Sentence<'c>> {
        let &[doc, para, sent, doc_idx, page, section] = self.ids.as_slice().get(ord)?;
        let section = section.checked_sub(1).and_then(|idx| {
            let document = documents.get(doc_idx as usize)?;
            document.sections.get(idx as usize).map(String::as_str)
        });
        Some(Sentence {
            id: SentenceId { doc, para, sent },
            doc_idx: doc_idx as usize,
            text: self.text.get(ord),
            normalized: self.normalized.get(ord),
            boundaries: self.boundaries.get(ord),
            entities: self.entities.get(ord),
            figures: self.figures.get(ord),
            page: (page > 0).then_some(page),
            section,
        })
    }

    /// Flushes and syncs columns being written.
    fn finish(&mut self) -> std::io::Result<()> {
        self.ids.finish()?;
        self.text.finish()?;
        self.normalized.finish()?;
        self.boundaries.finish()?;
        self.entities.finish()?;
        self.figures.finish()
    }

    fn shrink_to_fit(&mut self) {
        self.ids.shrink_to_fit();
        self.text.shrink_to_fit();
        self.normalized.shrink_to_fit();
        self.boundaries.shrink_to_fit();
        self.entities.shrink_to_fit();
        self.figures.shrink_to_fit();
    }
}

/// Where a sentence stands in its document, as the sentence table stores it: page (0 for
/// none) and section (index into the document's sections + 1, 0 for none).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Place {
    page: u32,
    section: u32,
}

/// A document as listed by `/sources`.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentSummary {
    pub number: u32,
    pub file: String,
    pub source: Source,
    pub n_sentences: usize,
}

/// A file that was not indexed, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedFile {
    pub file: String,
    pub reason: String,
}

/// A raw file handed to [`Corpus::build`].
#[derive(Debug, Clone)]
pub struct RawFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// All documents, their sentences in corpus order, and the files that were skipped.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub documents: Vec<Document>,
    /// The decoded original text of each document, kept to check that quotes are verbatim.
    document_texts: Strings,
    sentences: SentenceTable,
    pub skipped: Vec<SkippedFile>,
    /// Problems of `sources.toml` that did not stop the build (see `check_sources`).
    pub warnings: Vec<String>,
    /// The descriptions the corpus was built with, kept with its index as the last good ones.
    pub sources: SourcesFile,
    /// Hash of everything the index depends on; a change means the index must be rebuilt.
    pub fingerprint: String,
    /// Each paragraph's sentences and bigram counts.
    pub passages: Passages,
}

/// Why the corpus could not be loaded at all (single bad files are skipped, not errors).
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// The corpus folder does not exist.
    #[error(
        "corpus folder {0} does not exist; create it and put documents in it (.txt, .md, .html, .pdf, .docx)"
    )]
    MissingDir(PathBuf),
    /// The folder or a file in it could not be read.
    #[error("cannot read {0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// `sources.toml` is not valid.
    #[error("{0}: {1}")]
    Sources(PathBuf, String),
    /// No file of the folder could be used.
    #[error("corpus folder {0} has no readable document (.txt, .md, .html, .pdf, .docx){1}")]
    Empty(PathBuf, String),
}

impl Corpus {
    /// The number of sentences.
    pub fn n_sentences(&self) -> usize {
        self.sentences.len()
    }

    /// The sentence at position `ord` of the corpus.
    ///
    /// # Panics
    /// When the corpus has no sentence `ord`: positions come from the index built with it.
    pub fn sentence(&self, ord: usize) -> Sentence<'_> {
        match self.sentences.get(ord, &self.documents) {
            Some(sentence) => sentence,
            None => panic!("no sentence {ord} in a corpus of {}", self.n_sentences()),
        }
    }

    /// The fact index's rows of the sentence at `ord` (none for one it does not have), read
    /// without its text.
    pub fn figures_of(&self, ord: usize) -> &[FigureRow] {
        self.sentences.figures.get(ord)
    }

    /// Whether the sentence at `ord`, its paragraph, its section heading or its document's
    /// title names `word` (normalised): where a sentence's place is written when the
    /// sentence itself leaves it out.
    pub fn names_near(&self, ord: usize, word: &str) -> bool {
        let in_paragraph = || {
            self.passages.paragraph_of(ord).is_some_and(|paragraph| {
                self.passages
                    .sentences(paragraph)
                    .any(|other| self.sentences.normalized(other).contains(word))
            })
        };
        self.names_here_or_above(ord, word) || in_paragraph()
    }

    /// Whether the sentence at `ord`, an earlier sentence of its paragraph, its section heading
    /// or its document's title names `word` (normalised): where the place or thing a sentence
    /// is about is written, not what a later sentence goes on to mention.
    pub fn names_here_or_above(&self, ord: usize, word: &str) -> bool {
        let sentence = self.sentence(ord);
        let earlier = || {
            self.passages.paragraph_of(ord).is_some_and(|paragraph| {
                (self.passages.sentences(paragraph).start..ord)
                    .any(|other| self.sentences.normalized(other).contains(word))
            })
        };
        let in_heading = || {
            let document = &self.documents[sentence.doc_idx];
            let title = if document.topic.is_empty() {
                normalize(&document.source.title)
            } else {
                document.topic.clone()
            };
            title.contains(word)
                || sentence
                    .section
                    .is_some_and(|s| normalize(s).contains(word))
        };
        sentence.normalized.contains(word) || earlier() || in_heading()
    }

    /// Every sentence, in corpus order.
    pub fn sentences(&self) -> impl Iterator<Item = Sentence<'_>> {
        (0..self.n_sentences()).filter_map(|ord| self.sentences.get(ord, &self.documents))
    }

    /// The decoded original text of `document`.
    pub fn document_text(&self, doc_idx: usize) -> &str {
        self.document_texts.get(doc_idx)
    }

    /// The sentence with this number, if any.
    pub fn find(&self, id: SentenceId) -> Option<usize> {
        let doc = self.documents.iter().find(|doc| doc.number == id.doc)?;
        doc.sentences
            .clone()
            .find(|&idx| self.sentence(idx).id == id)
    }

    /// The documents, for `/sources`.
    pub fn summaries(&self) -> Vec<DocumentSummary> {
        self.documents
            .iter()
            .map(|doc| DocumentSummary {
                number: doc.number,
                file: doc.file.clone(),
                source: doc.source.clone(),
                n_sentences: doc.sentences.len(),
            })
            .collect()
    }

    /// The document a sentence belongs to.
    pub fn document_of(&self, sentence: &Sentence<'_>) -> &Document {
        &self.documents[sentence.doc_idx]
    }

    /// Positions of the sentences just before and after the one at `ord` in the same
    /// paragraph (its ±1 window without itself).
    pub fn neighbours_of(&self, ord: usize) -> impl Iterator<Item = usize> + use<'_> {
        // The paragraph is told by the numbers alone: no text is read.
        let paragraph_of = |ord: usize| self.sentences.paragraph_of(ord);
        let own = paragraph_of(ord);
        let same_para = move |other: usize| {
            let own = own?;
            (paragraph_of(other)? == own).then_some(other)
        };
        [ord.checked_sub(1).and_then(same_para), same_para(ord + 1)]
            .into_iter()
            .flatten()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Fails unless `a` and `b` hold the same documents, sentences and paragraphs.
    pub fn assert_same(a: &Corpus, b: &Corpus) {
        assert_eq!(a.documents, b.documents);
        assert_eq!(a.skipped, b.skipped);
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_eq!(a.sources, b.sources);
        assert_eq!(a.n_sentences(), b.n_sentences());
        for (x, y) in a.sentences().zip(b.sentences()) {
            assert_eq!(
                (
                    x.id,
                    x.doc_idx,
                    x.text,
                    x.normalized,
                    x.boundaries,
                    x.entities,
                    x.figures,
                    x.page,
                    x.section
                ),
                (
                    y.id,
                    y.doc_idx,
                    y.text,
                    y.normalized,
                    y.boundaries,
                    y.entities,
                    y.figures,
                    y.page,
                    y.section
                )
            );
        }
        for doc_idx in 0..b.documents.len() {
            assert_eq!(a.document_text(doc_idx), b.document_text(doc_idx));
        }
        for (ord, sentence) in b.sentences().enumerate() {
            let paragraph = b.passages.paragraph_of(ord);
            assert_eq!(a.passages.paragraph_of(ord), paragraph);
            let paragraph = paragraph.expect("every sentence is in a paragraph");
            assert_eq!(
                a.passages.sentences(paragraph),
                b.passages.sentences(paragraph)
            );
            assert_eq!(a.passages.length(paragraph), b.passages.length(paragraph));
            for token in crate::text::bigrams::bigram_tokens(sentence.normalized) {
                let key = bigram_key(token);
                assert_eq!(
                    a.passages.count(paragraph, key),
                    b.passages.count(paragraph, key)
                );
            }
        }
        assert_eq!(a.passages.mean_length(), b.passages.mean_length());
    }

    /// A file named `name` holding `text`.
    pub fn raw(name: &str, text: &str) -> RawFile {
        RawFile {
            name: name.to_string(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn numbers_documents_paragraphs_and_sentences() {
        let files = [
            raw("003_a.txt", "标题\n\n第一句。第二句。\n\n第三句。"),
            raw("notes.md", "另一篇。"),
        ];
        let corpus = Corpus::build(&files, &SourcesFile::default(), &CleaningRules::default());
        let ids: Vec<String> = corpus
            .sentences()
            .map(|s| format!("{} {}", s.id, s.text))
            .collect();
        assert_eq!(
            ids,
            [
                "3·1.1 标题",
                "3·2.1 第一句。",
                "3·2.2 第二句。",
                "3·3.1 第三句。",
                "4·1.1 另一篇。"
            ]
        );
        assert_eq!(corpus.documents[1].source.title, "另一篇。");
        let id: SentenceId = "3·2.2".parse().unwrap();
        assert_eq!(corpus.sentence(corpus.find(id).unwrap()).text, "第二句。");
        // Paragraphs and windows stop at paragraph and document ends.
        let paragraphs: Vec<_> = (0..6)
            .map(|ord| {
                corpus
                    .passages
                    .paragraph_of(ord)
                    .map(|p| corpus.passages.sentences(p))
            })
            .collect();
        assert_eq!(
            paragraphs,
            [
                Some(0..1),
                Some(1..3),
                Some(1..3),
                Some(3..4),
                Some(4..5),
                None
            ]
        );
        let neighbours: Vec<Vec<usize>> = (0..5)
            .map(|ord| corpus.neighbours_of(ord).collect())
            .collect();
        assert_eq!(neighbours, [vec![], vec![2], vec![1], vec![], vec![]]);
    }

    #[test]
    fn skips_bad_files_and_keeps_the_rest() {
        let files = [
            raw("a.txt", ""),
            RawFile {
                name: "b.txt".into(),
                bytes: vec![0, 159, 146, 150],
            },
            raw("c.txt", "好。"),
        ];
        let corpus = Corpus::build(&files, &SourcesFile::default(), &CleaningRules::default());
        assert_eq!(corpus.documents.len(), 1);
        let skipped: Vec<&str> = corpus
            .skipped
            .iter()
            .map(|skip| skip.file.as_str())
            .collect();
        assert_eq!(skipped, ["a.txt", "b.txt"]);
    }

    #[test]
    fn descriptions_survive_a_round_trip_through_toml() {
        let sources = SourcesFile {
            document: vec![SourceEntry {
                file: "a.txt".into(),
                source: Source {
                    title: "标题".into(),
                    date: Some("2022".into()),
                    ..Source::default()
                },
            }],
        };
        let text = toml::to_string(&sources).unwrap();
        assert_eq!(toml::from_str::<SourcesFile>(&text).unwrap(), sources);
    }

    #[test]
    fn numbers_files_by_prefix_then_next_free() {
        let numbers = super::build::document_numbers(
            ["000_a.txt", "002_b.txt", "002_c.txt", "x.md"].into_iter(),
        );
        assert_eq!(numbers[..2], [Ok(0), Ok(2)]);
        assert!(
            numbers[2]
                .as_ref()
                .is_err_and(|why| why.contains("002_b.txt"))
        );
        assert_eq!(numbers[3], Ok(3));
    }
}
