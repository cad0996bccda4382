//! A quote: one whole corpus sentence with its number, file, source, figures and score. Its
//! fields are private and it is made only from a corpus sentence, so a reply can hold nothing
//! else.

use std::sync::OnceLock;

use crate::corpus::{Corpus, SentenceId, Source, bigram_key};
use crate::search::Hit;
use crate::text::bigrams::for_each_bigram_token;
use crate::text::figures::{Figure, find_figures};

/// A quoted corpus sentence. Made only by [`Quote::from_corpus`], so its text is always a
/// sentence of the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    sentence_idx: usize,
    id: SentenceId,
    doc: String,
    text: String,
    figures: FiguresOnce,
    source: Source,
    page: Option<u32>,
    section: Option<String>,
    place: Option<String>,
    score: f32,
    confidence: f32,
}

impl Quote {
    /// The quote of sentence `sentence_idx` of `corpus`.
    pub fn from_corpus(corpus: &Corpus, sentence_idx: usize, score: f32, confidence: f32) -> Quote {
        let sentence = &corpus.sentence(sentence_idx);
        let document = corpus.document_of(sentence);
        Quote {
            sentence_idx,
            id: sentence.id,
            doc: document.file.clone(),
            text: sentence.text.to_string(),
            figures: FiguresOnce::default(),
            source: document.source.clone(),
            page: sentence.page,
            section: sentence.section.map(str::to_string),
            place: sentence.place(),
            score,
            confidence,
        }
    }

    /// Position of the sentence in `Corpus::sentences`.
    pub fn sentence_idx(&self) -> usize {
        self.sentence_idx
    }

    /// The sentence's number.
    pub fn id(&self) -> SentenceId {
        self.id
    }

    /// File name relative to the corpus folder.
    pub fn doc(&self) -> &str {
        &self.doc
    }

    /// The sentence as the file has it.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The figures the sentence states, as spans of [`Quote::text`].
    pub fn figures(&self) -> &[Figure] {
        self.figures.0.get_or_init(|| find_figures(&self.text))
    }

    /// Where the document comes from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The page of a PDF the sentence is printed on.
    pub fn page(&self) -> Option<u32> {
        self.page
    }

    /// The section heading the sentence stands under (DOCX, HTML, Markdown).
    pub fn section(&self) -> Option<&str> {
        self.section.as_deref()
    }

    /// The source line of a citation: title, publisher, date and the place in the document
    /// (`p.12` or the section), whichever are known.
    pub fn source_label(&self) -> String {
        match &self.place {
            Some(place) => format!("{} · {place}", self.source.label()),
            None => self.source.label(),
        }
    }

    /// The ranker's odds against the best sentence of the reply's question.
    pub fn score(&self) -> f32 {
        self.score
    }

    /// The decision's probability that the sentence answers the question.
    pub fn confidence(&self) -> f32 {
        self.confidence
    }

    /// The citation label, e.g. `[4·12.1]`.
    pub fn citation(&self) -> String {
        format!("[{}]", self.id)
    }
}

/// A quote's figures, found the first time they are asked for: a reply makes more quotes
/// than it shows (to drop repeats and compare sources), and finding figures is a pass of
/// regular expressions over the text.
#[derive(Debug, Clone, Default)]
struct FiguresOnce(OnceLock<Vec<Figure>>);

impl PartialEq for FiguresOnce {
    /// Always equal: the figures are the text's, and quotes compare their text.
    fn eq(&self, _: &FiguresOnce) -> bool {
        true
    }
}

/// How many keys two sorted, deduplicated lists share (one merge).
fn shared_keys(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// The first `wanted` quotes of the hits in rank order, without sentences that repeat one
/// already taken (the same text, or `same_text_overlap` of the same bigrams: reprinted
/// paragraphs, a headline and its lead).
pub(super) fn distinct_quotes(
    hits: &[Hit],
    corpus: &Corpus,
    wanted: usize,
    same_text_overlap: f32,
) -> Vec<Quote> {
    let mut taken: Vec<(Quote, Vec<u32>)> = Vec::new();
    for hit in hits {
        if taken.len() >= wanted {
            break;
        }
        let sentence = &corpus.sentence(hit.sentence_idx);
        let mut keys: Vec<u32> = Vec::new();
        for_each_bigram_token(sentence.normalized, |gram| keys.push(bigram_key(gram)));
        keys.sort_unstable();
        keys.dedup();
        let repeats = taken.iter().any(|(_, other)| {
            let shared = shared_keys(&keys, other) as f32;
            let smaller = keys.len().min(other.len()).max(1) as f32;
            shared / smaller >= same_text_overlap
        });
        if !repeats {
            taken.push((
                Quote::from_corpus(corpus, hit.sentence_idx, hit.score, hit.confidence),
                keys,
            ));
        }
    }
    taken.into_iter().map(|(quote, _)| quote).collect()
}
