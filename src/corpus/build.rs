//! Building a corpus from raw files: each file decoded, cleaned, cut into sentences and
//! analysed on its own (the files of a batch in parallel, on every core), then numbered and
//! appended in name order. Pure: bytes in, sentences out.

use std::collections::HashMap;

use rayon::prelude::*;

use super::sources::check_sources;
use super::{
    CleaningRules, Corpus, Document, PIPELINE_VERSION, Passages, RawFile, SentenceId,
    SentenceTable, SkippedFile, Source, SourcesFile, clean, decode, split_sentences,
};
use crate::text::normalize::normalize;
use crate::text::segment::analyze;

/// Files analysed at once: enough to keep every core busy, few enough that their sentences
/// are not held twice for long.
const BATCH: usize = 64;

/// One file made into sentences, before it takes its place in the corpus.
struct Part {
    text: String,
    encoding: &'static str,
    n_paragraphs: u32,
    sentences: SentenceTable,
    passages: Passages,
    warnings: Vec<String>,
}

impl Corpus {
    /// Builds the corpus from raw files (sorted by name) and their descriptions.
    pub fn build(files: &[RawFile], sources: &SourcesFile, rules: &CleaningRules) -> Corpus {
        let mut corpus = Corpus::default();
        let described = check_sources(sources, files, &mut corpus.warnings);
        let numbers = document_numbers(files.iter().map(|file| file.name.as_str()));
        let numbered: Vec<(&RawFile, Result<u32, String>)> = files.iter().zip(numbers).collect();
        for batch in numbered.chunks(BATCH) {
            let parts: Vec<Result<Part, String>> = batch
                .par_iter()
                .map(|(file, number)| {
                    let number = number.clone()?;
                    read_file(file, number, rules)
                })
                .collect();
            for ((file, _), part) in batch.iter().zip(parts) {
                match part {
                    Ok(part) => corpus.add(file, part, described.get(file.name.as_str())),
                    Err(reason) => corpus.skipped.push(SkippedFile {
                        file: file.name.clone(),
                        reason,
                    }),
                }
            }
        }
        corpus.sentences.shrink_to_fit();
        corpus.document_texts.shrink_to_fit();
        corpus.passages.finish();
        corpus.fingerprint = fingerprint(files, sources, rules);
        corpus.sources = sources.clone();
        corpus
    }

    /// Appends a file's sentences and the document they make.
    fn add(&mut self, file: &RawFile, part: Part, described: Option<&Source>) {
        let doc_idx = self.documents.len();
        let first = self.sentences.len();
        self.warnings.extend(part.warnings);
        self.sentences.append(&part.sentences, doc_idx);
        self.passages.append(&part.passages, first);
        self.document_texts.push(&part.text);
        let (source, topic) = match described {
            Some(source) => (source.clone(), normalize(&source.title)),
            None => {
                let title = fallback_title(self.sentence(first).text);
                (
                    Source {
                        title,
                        ..Source::default()
                    },
                    String::new(),
                )
            }
        };
        self.documents.push(Document {
            number: self.sentence(first).id.doc,
            file: file.name.clone(),
            source,
            topic,
            encoding: part.encoding.to_string(),
            n_paragraphs: part.n_paragraphs,
            sentences: first..self.sentences.len(),
        });
    }
}

/// Decodes, cleans, splits and analyses one file; why it cannot be used otherwise.
fn read_file(file: &RawFile, number: u32, rules: &CleaningRules) -> Result<Part, String> {
    let (text, encoding) = decode(&file.bytes).map_err(|err| err.to_string())?;
    let mut warnings = Vec::new();
    if encoding == super::decode::REPAIRED_UTF_8 {
        warnings.push(format!(
            "{}: a few bytes that are no UTF-8 (or NULs) were replaced",
            file.name
        ));
    }
    let paragraphs = clean(&text, rules);
    warn_if_mostly_cut(&file.name, &text, &paragraphs, &mut warnings);
    let mut sentences = SentenceTable::default();
    let mut passages = Passages::default();
    let mut n_paragraphs = 0;
    for paragraph in &paragraphs {
        let split = split_sentences(paragraph);
        if split.is_empty() {
            continue;
        }
        n_paragraphs += 1;
        let first = sentences.len();
        for (sent_idx, sentence) in split.into_iter().enumerate() {
            let normalized = normalize(sentence);
            let id = SentenceId {
                doc: number,
                para: n_paragraphs,
                sent: sent_idx as u32 + 1,
            };
            sentences.push(id, 0, sentence, &normalized, &analyze(&normalized));
        }
        passages.add_paragraph(first, (first..sentences.len()).map(|ord| sentences.normalized(ord)));
    }
    if sentences.len() == 0 {
        return Err("no sentences left after removing page junk".to_string());
    }
    Ok(Part {
        text,
        encoding,
        n_paragraphs,
        sentences,
        passages,
        warnings,
    })
}

/// Hash of the files, their descriptions, the cleaning rules and the pipeline version.
pub fn fingerprint(files: &[RawFile], sources: &SourcesFile, rules: &CleaningRules) -> String {
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
pub(super) fn document_numbers<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Result<u32, String>> {
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

