//! Search: question → ranked sentences. Candidates come from the index and their paragraphs
//! (`candidates`), the re-ranker scores them, and the "not found" decision (`decision`) keeps
//! them or refuses. Pure apart from reading the open index.

mod candidates;
mod decision;

use crate::config::RetrievalConfig;
use crate::corpus::Corpus;
use crate::index::SentenceIndex;
use crate::question::Question;
use crate::rank::Ranker;

pub use candidates::{Candidate, Candidates, candidates};
pub use decision::covers_enough;

/// The index could not be searched (a broken segment, an I/O error under it): an error for the
/// operator, never a "not found".
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy failed to search or to read a sentence's position.
    #[error("search failed: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// A ranked sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Position in `Corpus::sentences`.
    pub sentence_idx: usize,
    /// The ranker's odds against the best hit: 1 for the best, less for the others.
    pub score: f32,
    /// IDF-weighted share of the question's terms that the sentence contains.
    pub coverage: f32,
}

/// Ranks the corpus sentences for `question`, best first. When no sentence near the top covers
/// enough of the question the result is empty: "not found".
pub fn retrieve(
    question: &Question,
    index: &SentenceIndex,
    corpus: &Corpus,
    config: &RetrievalConfig,
    ranker: &Ranker,
) -> Result<Vec<Hit>, SearchError> {
    let found = candidates(question, index, corpus, config, ranker)?;
    let mut hits: Vec<Hit> = ranked(&found, ranker)
        .into_iter()
        .map(|(score, candidate)| Hit {
            sentence_idx: candidate.sentence_idx,
            score,
            coverage: candidate.features.coverage,
        })
        .collect();
    // Scores are reported relative to the best (the model's odds against it), so callers can
    // compare sentences without knowing the model's scale.
    if let Some(best) = hits.first().map(|hit| hit.score) {
        for hit in &mut hits {
            hit.score = (hit.score - best).exp();
        }
    }
    // "Not found" is decided on the best-covered of the first few sentences, not sentence by
    // sentence: a sentence that answers need not repeat every word of the question, but when
    // none near the top covers enough of it, the corpus does not hold the answer.
    if !covers_enough(&hits, found.unknown_share, config) {
        hits.clear();
    }
    Ok(hits)
}

/// The candidates with the ranker's score, best first; equal scores in corpus order. The one
/// order `retrieve` and `--explain` both show.
pub fn ranked<'c>(found: &'c Candidates, ranker: &Ranker) -> Vec<(f32, &'c Candidate)> {
    let mut scored: Vec<(f32, &Candidate)> = found
        .list
        .iter()
        .map(|candidate| (ranker.score(&candidate.features), candidate))
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1.sentence_idx.cmp(&b.1.sentence_idx))
    });
    scored
}
