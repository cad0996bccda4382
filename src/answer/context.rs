//! Context of a cited sentence: the sentence with its neighbours in the same document, for
//! `quotebot source REF` and `/source`. Pure.

use crate::corpus::{Corpus, SentenceId, Source};

impl Context {
    /// Title, publisher, date and the target's place, whichever are known.
    pub fn source_label(&self) -> String {
        match &self.place {
            Some(place) => format!("{} · {place}", self.source.label()),
            None => self.source.label(),
        }
    }
}

/// A cited sentence and the sentences around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    pub target: SentenceId,
    pub doc: String,
    pub source: Source,
    /// Where the target stands: `p.12` or its section heading.
    pub place: Option<String>,
    /// Sentences in document order, the target among them.
    pub sentences: Vec<(SentenceId, String)>,
}

/// The sentence `id` with up to `radius` sentences either side, within its document.
pub fn context(corpus: &Corpus, id: SentenceId, radius: usize) -> Option<Context> {
    let idx = corpus.find(id)?;
    let document = corpus.document_of(&corpus.sentence(idx));
    let start = idx.saturating_sub(radius).max(document.sentences.start);
    let end = (idx + radius + 1).min(document.sentences.end);
    Some(Context {
        target: id,
        doc: document.file.clone(),
        source: document.source.clone(),
        place: corpus.sentence(idx).place(),
        sentences: (start..end)
            .map(|ord| corpus.sentence(ord))
            .map(|s| (s.id, s.text.to_string()))
            .collect(),
    })
}
