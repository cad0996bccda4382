//! Document frequencies and IDFs of the three kinds of tokens the re-ranker weighs, read from
//! tantivy (bigrams) or from the generation's tables (words, window): the one place the IDF
//! formula is written.

use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use super::{Frequencies, SentenceIndex};

/// A kind of token the re-ranker weighs by its document frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Character bigrams of the sentence: the indexed field.
    Bigrams,
    /// jieba words of the sentence.
    Words,
    /// Character bigrams of the sentence and its neighbours in the paragraph (±1).
    Window,
}

/// Document frequencies and IDFs of an index, as one of its searchers sees it.
pub struct TermStats<'s> {
    searcher: &'s Searcher,
    bigrams: Field,
    frequencies: &'s Frequencies,
    n_docs: f32,
}

impl<'s> TermStats<'s> {
    /// The statistics of `index`; `searcher` is one of its reader's.
    pub fn new(index: &'s SentenceIndex, searcher: &'s Searcher) -> Self {
        TermStats {
            searcher,
            bigrams: index.fields.bigrams,
            frequencies: &index.frequencies,
            n_docs: searcher.num_docs() as f32,
        }
    }

    /// Sentences of the index whose tokens of `kind` include `token` (0 when the lookup
    /// fails).
    pub fn doc_freq(&self, kind: TokenKind, token: &str) -> u64 {
        match kind {
            TokenKind::Bigrams => self
                .searcher
                .doc_freq(&Term::from_field_text(self.bigrams, token))
                .unwrap_or(0),
            TokenKind::Words => self.frequencies.words.doc_freq(token),
            TokenKind::Window => self.frequencies.window.doc_freq(token),
        }
    }

    /// BM25's inverse document frequency, as tantivy computes it: ln(1 + (N − df + 0.5) /
    /// (df + 0.5)).
    pub fn idf(&self, kind: TokenKind, token: &str) -> f32 {
        let df = self.doc_freq(kind, token) as f32;
        (1.0 + (self.n_docs - df + 0.5) / (df + 0.5)).ln()
    }
}
