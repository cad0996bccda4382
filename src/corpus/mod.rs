//! The corpus: documents decoded, cleaned and cut into numbered sentences, with what is known
//! of each source. [`Corpus::build`] is pure (bytes in, sentences out); `load` is the only part
//! that reads the folder.

mod clean;
mod decode;
mod id;
mod load;
mod passages;
mod sources;
mod split;

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;

pub use clean::{BadPattern, CleaningRules, clean};
pub use decode::{DecodeError, decode};
pub use id::{BadSentenceId, SentenceId};
pub use load::{list_documents, load_corpus, read_sources};
pub use passages::{Passages, bigram_key};
pub use split::split_sentences;

use crate::text::normalize::normalize;
use crate::text::segment::{Entity, analyze};
use sources::check_sources;

/// Bumped whenever cleaning, splitting or indexing changes, so old indexes are rebuilt.
pub const PIPELINE_VERSION: &str = "quotebot-pipeline-1";

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
#[derive(Debug, Clone)]
pub struct Document {
    /// The number used in citations.
    pub number: u32,
    /// File name relative to the corpus folder.
    pub file: String,
    pub source: Source,
    /// Normalised title when the source is described in `sources.toml` (empty otherwise): what
    /// the whole document is about, which its sentences need not repeat.
    pub topic: String,
    /// The decoded original text, kept to check that quotes are verbatim.
    pub text: String,
    pub encoding: &'static str,
    pub n_paragraphs: u32,
    /// Range of this document's sentences in [`Corpus::sentences`].
    pub sentences: std::ops::Range<usize>,
}

/// A numbered sentence: the original text and its normalised form.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub id: SentenceId,
    /// Index of the document in [`Corpus::documents`].
    pub doc_idx: usize,
    pub text: String,
    pub normalized: String,
    /// Word boundaries of `normalized` (see `tokenize::Analysis`).
    pub boundaries: Vec<u32>,
    /// Names of people, places, organisations and times in `normalized`.
    pub entities: Vec<Entity>,
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
    pub sentences: Vec<Sentence>,
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
    #[error("corpus folder {0} does not exist; create it and put .txt or .md files in it")]
    MissingDir(PathBuf),
    /// The folder or a file in it could not be read.
    #[error("cannot read {0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// `sources.toml` is not valid.
    #[error("{0}: {1}")]
    Sources(PathBuf, String),
    /// No file of the folder could be used.
    #[error("corpus folder {0} has no readable .txt or .md document{1}")]
    Empty(PathBuf, String),
}

impl Corpus {
    /// Builds the corpus from raw files (sorted by name) and their descriptions.
    pub fn build(files: &[RawFile], sources: &SourcesFile, rules: &CleaningRules) -> Corpus {
        let mut corpus = Corpus::default();
        let described = check_sources(sources, files, &mut corpus.warnings);
        let numbers = document_numbers(files.iter().map(|file| file.name.as_str()));
        for (file, number) in files.iter().zip(numbers) {
            let number = match number {
                Ok(number) => number,
                Err(reason) => {
                    corpus.skipped.push(SkippedFile {
                        file: file.name.clone(),
                        reason,
                    });
                    continue;
                }
            };
            let text = match decode(&file.bytes) {
                Ok((text, encoding)) => (text, encoding),
                Err(err) => {
                    corpus.skipped.push(SkippedFile {
                        file: file.name.clone(),
                        reason: err.to_string(),
                    });
                    continue;
                }
            };
            let (text, encoding) = text;
            if encoding == decode::REPAIRED_UTF_8 {
                corpus.warnings.push(format!(
                    "{}: a few bytes that are no UTF-8 (or NULs) were replaced",
                    file.name
                ));
            }
            let doc_idx = corpus.documents.len();
            let first = corpus.sentences.len();
            let paragraphs = clean(&text, rules);
            warn_if_mostly_cut(&file.name, &text, &paragraphs, &mut corpus.warnings);
            let mut n_paragraphs = 0;
            for paragraph in &paragraphs {
                let sentences = split_sentences(paragraph);
                if sentences.is_empty() {
                    continue;
                }
                n_paragraphs += 1;
                for (sent_idx, sentence) in sentences.into_iter().enumerate() {
                    let normalized = normalize(sentence);
                    let analysis = analyze(&normalized);
                    corpus.sentences.push(Sentence {
                        id: SentenceId {
                            doc: number,
                            para: n_paragraphs,
                            sent: sent_idx as u32 + 1,
                        },
                        doc_idx,
                        text: sentence.to_string(),
                        boundaries: analysis.boundaries,
                        entities: analysis.entities,
                        normalized,
                    });
                }
            }
            if corpus.sentences.len() == first {
                corpus.skipped.push(SkippedFile {
                    file: file.name.clone(),
                    reason: "no sentences left after removing page junk".to_string(),
                });
                continue;
            }
            let (source, topic) = match described.get(file.name.as_str()) {
                Some(source) => (source.clone(), normalize(&source.title)),
                None => {
                    let title = fallback_title(&corpus.sentences[first].text);
                    (
                        Source {
                            title,
                            ..Source::default()
                        },
                        String::new(),
                    )
                }
            };
            corpus.documents.push(Document {
                number,
                file: file.name.clone(),
                source,
                topic,
                text,
                encoding,
                n_paragraphs,
                sentences: first..corpus.sentences.len(),
            });
        }
        corpus.passages = Passages::of(&corpus.sentences);
        corpus.fingerprint = fingerprint(files, sources, rules);
        corpus.sources = sources.clone();
        corpus
    }

    /// The sentence with this number, if any.
    pub fn find(&self, id: SentenceId) -> Option<usize> {
        let doc = self.documents.iter().find(|doc| doc.number == id.doc)?;
        doc.sentences
            .clone()
            .find(|&idx| self.sentences[idx].id == id)
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
    pub fn document_of(&self, sentence: &Sentence) -> &Document {
        &self.documents[sentence.doc_idx]
    }

    /// Positions of the sentences just before and after the one at `ord` in the same
    /// paragraph (its ±1 window without itself).
    pub fn neighbours_of(&self, ord: usize) -> impl Iterator<Item = usize> + use<'_> {
        let sentence = self.sentences.get(ord);
        let same_para = move |other: usize| {
            let sentence = sentence?;
            self.sentences
                .get(other)
                .filter(|s| s.doc_idx == sentence.doc_idx && s.id.para == sentence.id.para)
                .map(|_| other)
        };
        [ord.checked_sub(1).and_then(same_para), same_para(ord + 1)]
            .into_iter()
            .flatten()
    }
}

/// Hash of the files, their descriptions, the cleaning rules and the pipeline version.
fn fingerprint(files: &[RawFile], sources: &SourcesFile, rules: &CleaningRules) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(PIPELINE_VERSION.as_bytes());
    for file in files {
        hasher.update(file.name.as_bytes());
        hasher.update(&(file.bytes.len() as u64).to_le_bytes());
        hasher.update(&file.bytes);
    }
    hasher.update(format!("{:?}", sources.document).as_bytes());
    for pattern in rules.patterns() {
        hasher.update(&(pattern.len() as u64).to_le_bytes());
        hasher.update(pattern.as_bytes());
    }
    hasher.finalize().to_hex().to_string()
}

/// Numbers documents: a file named with a number (`003_report.txt`) keeps that number, so
/// citations read like the file names; the others get the next free numbers in name order. A
/// second file with a number already taken gets none (the reason why instead): renumbering it
/// would make existing citations point at another document.
fn document_numbers<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Result<u32, String>> {
    let names: Vec<&str> = names.collect();
    let prefixes: Vec<Option<u32>> = names
        .iter()
        .map(|name| {
            let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok().filter(|n: &u32| *n < 1_000_000)
        })
        .collect();
    let mut owner: HashMap<u32, &str> = HashMap::new();
    let mut numbers: Vec<Option<Result<u32, String>>> = names
        .iter()
        .zip(&prefixes)
        .map(|(name, prefix)| {
            let number = (*prefix)?;
            Some(match owner.get(&number) {
                Some(first) => Err(format!(
                    "{first} and {name} both claim document number {number}; {name} is not read: give it another number (renumbering would make citations point at another document)"
                )),
                None => {
                    owner.insert(number, name);
                    Ok(number)
                }
            })
        })
        .collect();
    let first_free = owner.keys().max().map_or(1, |max| max + 1);
    let unnumbered = numbers.iter_mut().filter(|number| number.is_none());
    for (next, number) in (first_free..).zip(unnumbered) {
        *number = Some(Ok(next));
    }
    numbers.into_iter().flatten().collect()
}

/// A cleaning rule that removes nearly all of a long file is more likely a rule too broad than page
/// junk: worth a warning naming the file.
fn warn_if_mostly_cut(file: &str, text: &str, paragraphs: &[String], warnings: &mut Vec<String>) {
    /// Files shorter than this (characters) may well be mostly junk.
    const LONG_FILE: usize = 10_000;
    let total = text.chars().filter(|ch| !ch.is_whitespace()).count();
    let kept: usize = paragraphs
        .iter()
        .map(|paragraph| paragraph.chars().filter(|ch| !ch.is_whitespace()).count())
        .sum();
    if total >= LONG_FILE && kept * 10 < total {
        warnings.push(format!(
            "{file}: the cleaning rules removed {}% of its text; check config/cleaning.toml",
            100 - kept * 100 / total
        ));
    }
}

/// Title of an undescribed file: its first sentence, shortened.
fn fallback_title(first_sentence: &str) -> String {
    const MAX_TITLE_CHARS: usize = 40;
    let title: String = first_sentence.chars().take(MAX_TITLE_CHARS).collect();
    if first_sentence.chars().count() > MAX_TITLE_CHARS {
        format!("{title}…")
    } else {
        title
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

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
            .sentences
            .iter()
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
        assert_eq!(corpus.sentences[corpus.find(id).unwrap()].text, "第二句。");
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
        let numbers = document_numbers(["000_a.txt", "002_b.txt", "002_c.txt", "x.md"].into_iter());
        assert_eq!(numbers[..2], [Ok(0), Ok(2)]);
        assert!(
            numbers[2]
                .as_ref()
                .is_err_and(|why| why.contains("002_b.txt"))
        );
        assert_eq!(numbers[3], Ok(3));
    }
}
