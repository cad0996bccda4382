//! Building a corpus from raw files: each file decoded, cleaned, cut into sentences and
//! analysed on its own, as a corpus of one document (the files of a batch in parallel, on every
//! core), then appended in name order to the corpus being built: one in memory, or one whose
//! columns are written straight into an index generation. Pure apart from that writing.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;

use super::clean::clean_blocks;
use super::columns::{Column, Ragged, Strings};
use super::sources::check_sources;
use super::{
    CleaningRules, Corpus, Document, Metadata, PIPELINE_VERSION, Passages, Place, RawFile,
    SentenceId, SentenceTable, SkippedFile, Source, SourcesFile, extract, split_sentences,
};
use crate::text::normalize::normalize;
use crate::text::segment::analyze;

/// Files analysed at once: enough to keep every core busy, few enough that a build holds
/// little more than one batch in memory.
pub const BATCH: usize = 64;

impl Corpus {
    /// Builds the corpus in memory from raw files (sorted by name) and their descriptions.
    pub fn build(files: &[RawFile], sources: &SourcesFile, rules: &CleaningRules) -> Corpus {
        let names: Vec<&str> = files.iter().map(|file| file.name.as_str()).collect();
        let mut builder = CorpusBuilder::new(Corpus::default(), &names, sources, rules);
        for batch in files.chunks(BATCH) {
            builder.add_batch(batch, &mut |_, _| {});
        }
        match builder.finish() {
            Ok(corpus) => corpus,
            // Columns in memory are never written.
            Err(err) => unreachable!("a corpus in memory failed to write: {err}"),
        }
    }

    /// An empty corpus whose columns are written into `dir` as it grows, for
    /// [`CorpusBuilder`]; [`super::open_stored`] maps it once finished.
    fn writing(dir: &Path) -> std::io::Result<Corpus> {
        std::fs::create_dir_all(dir)?;
        Ok(Corpus {
            document_texts: Strings::writing(dir, "document_text")?,
            sentences: SentenceTable {
                ids: Column::writing(&dir.join("sentence_ids"))?,
                text: Strings::writing(dir, "sentence_text")?,
                normalized: Strings::writing(dir, "sentence_normalized")?,
                boundaries: Ragged::writing(dir, "sentence_boundaries")?,
                entities: Ragged::writing(dir, "sentence_entities")?,
                figures: Ragged::writing(dir, "sentence_figures")?,
            },
            passages: Passages::writing(dir)?,
            ..Corpus::default()
        })
    }

    /// Appends the documents of `part` (built on its own) after those already in.
    fn append(&mut self, part: &Corpus) {
        let (doc_offset, first) = (self.documents.len(), self.sentences.len());
        for (doc_idx, doc) in part.documents.iter().enumerate() {
            self.documents.push(Document {
                sentences: first + doc.sentences.start..first + doc.sentences.end,
                ..doc.clone()
            });
            self.document_texts.push(part.document_texts.get(doc_idx));
        }
        self.sentences.append(&part.sentences, doc_offset);
        self.passages.append(&part.passages, first);
        self.warnings.extend(part.warnings.iter().cloned());
    }
}

/// A corpus being built, batch by batch, from files in name order.
pub struct CorpusBuilder<'r> {
    corpus: Corpus,
    /// Where a corpus being written goes (none in memory).
    dir: Option<std::path::PathBuf>,
    described: BTreeMap<String, Source>,
    numbers: HashMap<String, Result<u32, String>>,
    sources: SourcesFile,
    rules: &'r CleaningRules,
    fingerprint: Fingerprint,
}

impl<'r> CorpusBuilder<'r> {
    /// A builder for the files named `names` (every file of the corpus, sorted), appending to
    /// `corpus` (empty).
    fn new(
        mut corpus: Corpus,
        names: &[&str],
        sources: &SourcesFile,
        rules: &'r CleaningRules,
    ) -> Self {
        let described = check_sources(sources, names, &mut corpus.warnings);
        let numbers = names
            .iter()
            .map(|name| name.to_string())
            .zip(document_numbers(names.iter().copied()))
            .collect();
        CorpusBuilder {
            corpus,
            dir: None,
            described,
            numbers,
            sources: sources.clone(),
            rules,
            fingerprint: Fingerprint::default(),
        }
    }

    /// A builder writing the corpus into the folder `dir` (see [`CorpusBuilder::new`]).
    pub fn writing(
        dir: &Path,
        names: &[&str],
        sources: &SourcesFile,
        rules: &'r CleaningRules,
    ) -> std::io::Result<Self> {
        let mut builder = CorpusBuilder::new(Corpus::writing(dir)?, names, sources, rules);
        builder.dir = Some(dir.to_path_buf());
        Ok(builder)
    }

    /// Documents so far.
    pub fn n_documents(&self) -> usize {
        self.corpus.documents.len()
    }

    /// Adds the next files (in name order); `on_part` sees each file's sentences as a corpus of
    /// one document with the position its first sentence takes in the whole.
    pub fn add_batch(&mut self, files: &[RawFile], on_part: &mut dyn FnMut(&Corpus, usize)) {
        let parts: Vec<Result<Corpus, String>> = files
            .par_iter()
            .map(|file| {
                let number = self
                    .numbers
                    .get(&file.name)
                    .cloned()
                    .unwrap_or_else(|| Err("not listed with the corpus".to_string()))?;
                read_file(file, number, self.described.get(&file.name), self.rules)
            })
            .collect();
        for (file, part) in files.iter().zip(parts) {
            self.fingerprint.add_file(&file.name, &file.bytes);
            match part {
                Ok(part) => {
                    on_part(&part, self.corpus.n_sentences());
                    self.corpus.append(&part);
                }
                Err(reason) => self.skip(SkippedFile {
                    file: file.name.clone(),
                    reason,
                }),
            }
        }
    }

    /// Records a file that was not read.
    pub fn skip(&mut self, skipped: SkippedFile) {
        self.corpus.skipped.push(skipped);
    }

    /// Files skipped so far.
    pub fn skipped(&self) -> &[SkippedFile] {
        &self.corpus.skipped
    }

    /// Adds warnings of the folder (`sources.toml` problems).
    pub fn warn_all(&mut self, warnings: impl Iterator<Item = String>) {
        self.corpus.warnings.extend(warnings);
    }

    /// The corpus built: in memory, or written, synced and mapped from its folder.
    pub fn finish(self) -> std::io::Result<Corpus> {
        let mut corpus = self.corpus;
        corpus.fingerprint = self.fingerprint.finish(&self.sources, self.rules);
        corpus.sources = self.sources;
        corpus.sentences.shrink_to_fit();
        corpus.document_texts.shrink_to_fit();
        corpus.passages.finish()?;
        let Some(dir) = self.dir else {
            return Ok(corpus);
        };
        corpus.document_texts.finish()?;
        corpus.sentences.finish()?;
        super::stored::write_meta(&corpus, &dir)?;
        super::open_stored(&dir).map_err(std::io::Error::other)
    }
}

/// Reads (in its format), cleans, splits and analyses one file into a corpus of one document;
/// why it cannot be used otherwise.
fn read_file(
    file: &RawFile,
    number: u32,
    described: Option<&Source>,
    rules: &CleaningRules,
) -> Result<Corpus, String> {
    let extracted = extract(&file.name, &file.bytes)?;
    let mut part = Corpus::default();
    for warning in &extracted.warnings {
        part.warnings.push(format!("{}: {warning}", file.name));
    }
    let text = extracted.text();
    let paragraphs = clean_blocks(&extracted.blocks, rules);
    warn_if_mostly_cut(&file.name, &text, &paragraphs, &mut part.warnings);
    let mut sections: Vec<String> = Vec::new();
    let (sentences, passages) = (&mut part.sentences, &mut part.passages);
    let mut n_paragraphs = 0;
    for (paragraph, block_idx) in &paragraphs {
        let split: Vec<(&str, String)> = split_sentences(paragraph)
            .into_iter()
            .map(|sentence| (sentence, normalize(sentence)))
            .filter(|(_, normalized)| !rules.drops_sentence(normalized))
            .collect();
        if split.is_empty() {
            continue;
        }
        n_paragraphs += 1;
        let block = &extracted.blocks[*block_idx];
        let section = match &block.section {
            Some(heading) => match sections.iter().position(|known| known == heading) {
                Some(idx) => idx as u32 + 1,
                None => {
                    sections.push(heading.clone());
                    sections.len() as u32
                }
            },
            None => 0,
        };
        let place = Place {
            page: block.page.unwrap_or(0),
            section,
        };
        let first = sentences.len();
        for (sent_idx, (sentence, normalized)) in split.into_iter().enumerate() {
            let id = SentenceId {
                doc: number,
                para: n_paragraphs,
                sent: sent_idx as u32 + 1,
            };
            sentences.push(id, place, sentence, &normalized, &analyze(&normalized));
        }
        passages.add_paragraph(
            first,
            (first..sentences.len()).map(|ord| sentences.normalized(ord)),
        );
    }
    if sentences.len() == 0 {
        return Err("no sentences left after removing page junk".to_string());
    }
    let first_text = sentences.text.get(0).to_string();
    let source = source_of(described, &extracted.metadata, &first_text);
    let topic = match described {
        Some(source) => normalize(&source.title),
        None => String::new(),
    };
    part.documents.push(Document {
        number,
        file: file.name.clone(),
        source,
        topic,
        encoding: extracted.encoding.clone(),
        n_paragraphs,
        sections,
        sentences: 0..part.sentences.len(),
    });
    part.document_texts.push(&text);
    Ok(part)
}

/// What is known of a document's origin: its `sources.toml` entry, with what the document
/// states of itself filling what the entry leaves out (the entry wins where both say).
fn source_of(described: Option<&Source>, metadata: &Metadata, first_sentence: &str) -> Source {
    let mut source = described.cloned().unwrap_or_else(|| Source {
        title: metadata
            .title
            .clone()
            .unwrap_or_else(|| fallback_title(first_sentence)),
        ..Source::default()
    });
    source.publisher = source.publisher.or_else(|| metadata.publisher.clone());
    source.date = source.date.or_else(|| metadata.date.clone());
    source.url = source.url.or_else(|| metadata.url.clone());
    source
}

/// Hash of the files, their descriptions, the cleaning rules and the pipeline version, fed
/// one file at a time so that no build holds every file at once.
pub struct Fingerprint(blake3::Hasher);

impl Default for Fingerprint {
    fn default() -> Self {
        let mut hasher = blake3::Hasher::new();
        hasher.update(PIPELINE_VERSION.as_bytes());
        Fingerprint(hasher)
    }
}

impl Fingerprint {
    /// Adds the next file, in name order.
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) {
        self.0.update(name.as_bytes());
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// The fingerprint, once every file is in.
    pub fn finish(mut self, sources: &SourcesFile, rules: &CleaningRules) -> String {
        self.0.update(format!("{:?}", sources.document).as_bytes());
        for pattern in rules.patterns() {
            self.0.update(&(pattern.len() as u64).to_le_bytes());
            self.0.update(pattern.as_bytes());
        }
        self.0.finalize().to_hex().to_string()
    }
}

/// The [`Fingerprint`] of files held in memory.
pub fn fingerprint(files: &[RawFile], sources: &SourcesFile, rules: &CleaningRules) -> String {
    let mut fingerprint = Fingerprint::default();
    for file in files {
        fingerprint.add_file(&file.name, &file.bytes);
    }
    fingerprint.finish(sources, rules)
}

/// Numbers documents: a file named with a number (`003_report.txt`) keeps that number, so
/// citations read like the file names; the others get the next free numbers in name order. A
/// second file with a number already taken gets none (the reason why instead): renumbering it
/// would make existing citations point at another document.
pub(super) fn document_numbers<'a>(
    names: impl Iterator<Item = &'a str>,
) -> Vec<Result<u32, String>> {
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
fn warn_if_mostly_cut(
    file: &str,
    text: &str,
    paragraphs: &[(String, usize)],
    warnings: &mut Vec<String>,
) {
    /// Files shorter than this (characters) may well be mostly junk.
    const LONG_FILE: usize = 10_000;
    let total = text.chars().filter(|ch| !ch.is_whitespace()).count();
    let kept: usize = paragraphs
        .iter()
        .map(|(paragraph, _)| paragraph.chars().filter(|ch| !ch.is_whitespace()).count())
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
