//! Search: question → ranked sentences. Candidates come from the index and their paragraphs
//! (`candidates`), the re-ranker scores them, the decision gives the first ones a confidence
//! (`confidence`), and `decide` quotes them or refuses (with the coverage rule of `decision`).
//! Pure apart from reading the open index.

mod candidates;
mod confidence;
mod decision;
mod forest;

use crate::config::RetrievalConfig;
use crate::corpus::Corpus;
use crate::index::SentenceIndex;
use crate::question::Question;
use crate::rank::Ranker;

pub use candidates::{Candidate, Candidates, MeasurePool, candidates, measure_pool};
pub use confidence::{Decision, DecisionError, DecisionFile, Inputs, N_INPUTS};
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
    /// The decision's probability that the sentence answers the question (0 for sentences
    /// below the decision's depth).
    pub confidence: f32,
}

/// Every ranked sentence with what the decision reads of the first ones, before anything is
/// refused: what `decide` decides on and `eval --decision` writes out for fitting.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    pub hits: Vec<Hit>,
    /// The decision's inputs of the first hits (at most `decision_depth`, at most eight).
    pub inputs: Vec<Inputs>,
    /// The re-ranker's scores of those hits (empty when the decision file has none).
    pub order: Vec<f64>,
    /// The question passes the coverage rule (`covers_enough`); when it does not, nothing is
    /// quoted whatever the model says.
    pub covers_enough: bool,
}

/// The decision on a ranking: nothing ("not found") when the coverage rule stops the question
/// or no sentence reaches the answer threshold; else every hit, the first hits in the
/// re-ranker's order, the best-ordered one that reaches the threshold first.
pub fn decide(ranking: Ranking, decision: &Decision) -> Vec<Hit> {
    let mut hits = ranking.hits;
    if !ranking.order.is_empty() {
        // A stable sort: equal scores keep the ranker's order.
        let mut head: Vec<(f64, Hit)> = ranking
            .order
            .into_iter()
            .zip(hits.drain(..ranking.inputs.len()))
            .collect();
        head.sort_by(|a, b| b.0.total_cmp(&a.0));
        hits.splice(0..0, head.into_iter().map(|(_, hit)| hit));
    }
    let first = hits
        .iter()
        .position(|hit| hit.confidence >= decision.answer_threshold);
    match first {
        Some(first) if ranking.covers_enough => {
            let chosen = hits.remove(first);
            hits.insert(0, chosen);
        }
        _ => hits.clear(),
    }
    hits
}

impl Ranking {
    /// The hit that `decide` puts first in order (before any is refused): the re-ranker's
    /// best, or the ranker's when there is no re-ranker.
    pub fn first_in_order(&self) -> Option<&Hit> {
        let best = self
            .order
            .iter()
            .enumerate()
            // The first of equal scores, as the stable sort in `decide` keeps it.
            .fold(
                None,
                |best: Option<(usize, f64)>, (at, &score)| match best {
                    Some((_, top)) if top >= score => best,
                    _ => Some((at, score)),
                },
            );
        self.hits.get(best.map_or(0, |(at, _)| at))
    }
}

/// The hits worth showing: the first, and those after it whose own confidence reaches the
/// decision's second floor (a reply with one good quote shows one quote).
pub fn worth_showing(hits: Vec<Hit>, decision: &Decision) -> Vec<Hit> {
    hits.into_iter()
        .enumerate()
        .filter(|(at, hit)| *at == 0 || hit.confidence >= decision.more_quotes_threshold)
        .map(|(_, hit)| hit)
        .collect()
}

/// How many of the best-ranked sentences get a confidence: the model was fitted on the first
/// five of each question; scoring eight rather than twenty gave the same SQuAD figures in less
/// time (BENCHMARKS.md).
const CONFIDENCE_DEPTH: usize = 8;

/// Every ranked sentence for `question` with its confidence, nothing refused yet.
pub fn rank_all(
    question: &Question,
    index: &SentenceIndex,
    corpus: &Corpus,
    config: &RetrievalConfig,
    ranker: &Ranker,
    decision: &Decision,
) -> Result<Ranking, SearchError> {
    let found = candidates(question, index, corpus, config, ranker)?;
    let ranked = ranked(&found, ranker);
    let depth = config.decision_depth.max(1).min(ranked.len());
    let scored = depth.min(CONFIDENCE_DEPTH);
    let best_coverage = ranked[..depth]
        .iter()
        .map(|(_, candidate)| candidate.features.coverage)
        .fold(0.0_f32, f32::max);
    let inputs: Vec<Inputs> = (0..scored)
        .map(|at| {
            confidence::inputs(
                question,
                corpus,
                &ranked,
                at,
                found.unknown_share,
                best_coverage,
            )
        })
        .collect();
    // Scores are reported relative to the best (the model's odds against it), so callers can
    // compare sentences without knowing the model's scale.
    let best = ranked.first().map_or(0.0, |(score, _)| *score);
    let (confidences, order) = decision.judge_each(&inputs);
    let hits: Vec<Hit> = ranked
        .iter()
        .enumerate()
        .map(|(at, (score, candidate))| {
            let confidence = confidences.get(at).copied().unwrap_or(0.0);
            Hit {
                sentence_idx: candidate.sentence_idx,
                score: (score - best).exp(),
                coverage: candidate.features.coverage,
                // 阳高县的GDP is not answered by the city's: a sentence answers for a place
                // the question names only where it, its paragraph or its title names it.
                confidence: if confidence > 0.0 && !names_places(corpus, candidate, question) {
                    0.0
                } else {
                    confidence
                },
            }
        })
        .collect();
    // The rule looks at the best-covered of the first few sentences, not sentence by
    // sentence: a sentence that answers need not repeat every word of the question, but when
    // none near the top covers enough of it, the corpus does not hold the answer.
    let covers_enough = covers_enough(&hits, found.unknown_share, config);
    Ok(Ranking {
        hits,
        inputs,
        order,
        covers_enough,
    })
}

/// The candidates with the ranker's score, best first; equal scores in corpus order. The one
/// order `rank_all` and `--explain` both show.
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

/// Whether the candidate's sentence, paragraph or title names every place the question names.
fn names_places(corpus: &Corpus, candidate: &Candidate, question: &Question) -> bool {
    let named = question
        .places
        .iter()
        .all(|place| corpus.names_near(candidate.sentence_idx, place));
    if !named {
        tracing::debug!(
            "no place of {:?} named around sentence {} for {}",
            question.places,
            candidate.sentence_idx,
            question.normalized
        );
    }
    named
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(sentence_idx: usize, confidence: f32) -> Hit {
        Hit {
            sentence_idx,
            score: 1.0,
            coverage: 1.0,
            confidence,
        }
    }

    fn ranking(confidences: &[f32], order: &[f64]) -> Ranking {
        Ranking {
            hits: confidences
                .iter()
                .enumerate()
                .map(|(at, &confidence)| hit(at, confidence))
                .collect(),
            inputs: vec![Inputs::default(); order.len()],
            order: order.to_vec(),
            covers_enough: true,
        }
    }

    fn decided(confidences: &[f32], order: &[f64], threshold: f32) -> Vec<usize> {
        let mut decision = Decision::shipped();
        decision.answer_threshold = threshold;
        decide(ranking(confidences, order), &decision)
            .iter()
            .map(|hit| hit.sentence_idx)
            .collect()
    }

    #[test]
    fn reorders_the_scored_hits_and_quotes_the_first_that_passes() {
        // The re-ranker scores the first three; the fourth keeps its place after them, and
        // equal scores keep the ranker's order.
        assert_eq!(
            decided(&[0.9, 0.9, 0.9, 0.9], &[0.0, 2.0, 0.0], 0.5),
            [1, 0, 2, 3]
        );
        // The re-ranker's best does not pass; the next in its order that does goes first.
        assert_eq!(
            decided(&[0.9, 0.1, 0.6, 0.9], &[0.0, 2.0, 1.0], 0.5),
            [2, 1, 0, 3]
        );
        // No re-ranker: the ranker's order, the first that passes first.
        assert_eq!(decided(&[0.1, 0.6, 0.9], &[], 0.5), [1, 0, 2]);
        // Nothing passes: nothing is quoted.
        assert!(decided(&[0.1, 0.2], &[1.0, 0.0], 0.5).is_empty());
        let top = ranking(&[0.1, 0.2, 0.3], &[1.0, 3.0, 3.0]);
        assert_eq!(top.first_in_order().map(|hit| hit.sentence_idx), Some(1));
    }
}
