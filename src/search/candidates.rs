//! Candidate generation: the index's best sentences for a question (tantivy's BM25 over the
//! query tokens), with the other sentences of the best-matching paragraph among theirs, each
//! described by its features for the re-ranker, and the share of the question unknown to the
//! corpus.

use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::SearchError;
use super::decision::{unknown_action, unknown_share};
use crate::config::RetrievalConfig;
use crate::corpus::Corpus;
use crate::index::{SentenceIndex, TermStats, TokenKind};
use crate::question::{QueryTokens, Question, query_tokens};
use crate::rank::{self, Features, FieldQuery, Ranker, RerankQuery, Standing};
use crate::text::segment::words;

/// A sentence the index proposed, described for the re-ranker.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Position in `Corpus::sentences`.
    pub sentence_idx: usize,
    pub features: Features,
}

/// What the index proposes for a question.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidates {
    pub list: Vec<Candidate>,
    /// IDF-weighted share of the question's terms that occur nowhere in the corpus: a question
    /// about 油价 asked of a corpus that never mentions it is not answered by its other words.
    pub unknown_share: f32,
}

/// A sentence proposed for re-ranking: the index's score (0 for one added from its
/// paragraph), its position in the corpus and its paragraph (see `corpus::Passages`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Proposed {
    score: f32,
    ord: usize,
    paragraph: usize,
}

/// What the candidates of one paragraph share: the paragraph's sentences, how many of them
/// the index proposed, the best bigram BM25 among those, and the bigram BM25 of the whole
/// paragraph.
#[derive(Debug, Clone, Default)]
struct Paragraph {
    sentences: Range<usize>,
    count: usize,
    best: f32,
    passage: f32,
}

/// The candidates with the other sentences of the best-matching paragraph among theirs (at
/// most `config.passage_sentences`, nearest its first candidate), which the index may have
/// missed: a question is usually about one passage, and its answer need not repeat the
/// question's words. They join with a first-stage score of 0.
fn with_best_passage(
    mut proposed: Vec<Proposed>,
    paragraphs: &FxHashMap<usize, Paragraph>,
    config: &RetrievalConfig,
) -> Vec<Proposed> {
    let limit = config.passage_sentences;
    let best = paragraphs
        .iter()
        .max_by(|a, b| a.1.passage.total_cmp(&b.1.passage).then(b.0.cmp(a.0)));
    let (Some((&paragraph, Paragraph { sentences, .. })), true) = (best, limit > 0) else {
        return proposed;
    };
    let Some(anchor) = proposed
        .iter()
        .find(|p| p.paragraph == paragraph)
        .map(|p| p.ord)
    else {
        return proposed;
    };
    let from = anchor
        .saturating_sub(limit / 2)
        .clamp(sentences.start, sentences.end);
    let to = (from + limit).min(sentences.end);
    let from = to.saturating_sub(limit).max(sentences.start);
    let known: FxHashSet<usize> = proposed.iter().map(|p| p.ord).collect();
    for ord in (from..to).filter(|ord| !known.contains(ord)) {
        proposed.push(Proposed {
            score: 0.0,
            ord,
            paragraph,
        });
    }
    proposed
}

/// The sentences that may state a figure question's measure, for gathering every source's
/// figure: the index's best `depth` sentences for the question (no re-ranking), and each of
/// the question's terms' weight (its IDF, as the ranker weighs it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeasurePool {
    /// Positions in `Corpus::sentences`, best first.
    pub sentences: Vec<usize>,
    /// One weight per `Question::terms`.
    pub weights: Vec<f32>,
    /// The IDF-weighted share of the question no sentence of the corpus contains (see
    /// `decision::unknown_share`).
    pub unknown_share: f32,
}

/// The [`MeasurePool`] of `question`: one index search, `depth` deep (none at depth 0: the
/// terms' weights only).
pub fn measure_pool(
    question: &Question,
    index: &SentenceIndex,
    config: &RetrievalConfig,
    depth: usize,
) -> Result<MeasurePool, SearchError> {
    if question.terms.is_empty() {
        return Ok(MeasurePool::default());
    }
    let searcher = &index.searcher;
    let stats = TermStats::new(index, searcher);
    let weights = term_weights(question, &stats, config.single_char_weight);
    let unknown_share = unknown_share(question, &weights, &stats, config.unknown_action_share);
    // The question's own words for what happened (投了多少钱) weigh nothing in a figure's fit.
    let weights: Vec<f32> = question
        .terms
        .iter()
        .zip(weights)
        .map(|(term, weight)| {
            if unknown_action(term, &stats) {
                0.0
            } else {
                weight
            }
        })
        .collect();
    if depth == 0 {
        return Ok(MeasurePool {
            sentences: Vec::new(),
            weights,
            unknown_share,
        });
    }
    let tokens = query_tokens(question, config.synonym_weight);
    let query = build_query(&tokens, index);
    let sentences = best_sentences(index, &query, depth)?
        .into_iter()
        .map(|(_, ord)| ord)
        .collect();
    Ok(MeasurePool {
        sentences,
        weights,
        unknown_share,
    })
}

/// The index's best `limit` sentences for `query`: positions in `Corpus::sentences` with
/// their scores, best first, equal scores in corpus order. Which of several equally scored
/// documents tantivy keeps at the last place depends on how documents fell into segments,
/// which a parallel build does not fix (field lengths are stored coarsely, so equal scores
/// are common). Twice as many are fetched and the cut made here: unless more than `limit`
/// sentences tie at the last place, the same corpus gives the same sentences however its
/// index was built. A hit without a position is left out.
fn best_sentences(
    index: &SentenceIndex,
    query: &dyn Query,
    limit: usize,
) -> Result<Vec<(f32, usize)>, SearchError> {
    let found = index
        .searcher
        .search(query, &TopDocs::with_limit(2 * limit).order_by_score())?;
    let mut positions: Vec<(f32, usize)> = found
        .into_iter()
        .filter_map(|(score, address)| Some((score, index.sentence_position(address)?)))
        .collect();
    positions.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    positions.truncate(limit);
    Ok(positions)
}

/// The index's best `config.candidates` sentences for `question`, with their features.
pub fn candidates(
    question: &Question,
    index: &SentenceIndex,
    corpus: &Corpus,
    config: &RetrievalConfig,
    ranker: &Ranker,
) -> Result<Candidates, SearchError> {
    if question.terms.is_empty() || config.candidates == 0 {
        return Ok(Candidates::default());
    }
    let tokens = query_tokens(question, config.synonym_weight);
    let searcher = &index.searcher;
    let query = build_query(&tokens, index);
    let found = best_sentences(index, &query, config.candidates)?;
    let stats = TermStats::new(index, searcher);
    let term_weights = term_weights(question, &stats, config.single_char_weight);
    let unknown_share = unknown_share(question, &term_weights, &stats, config.unknown_action_share);
    let Some(best) = found.first().map(|(score, _)| *score) else {
        return Ok(Candidates {
            list: Vec::new(),
            unknown_share,
        });
    };
    let idf = |kind: TokenKind| {
        let stats = &stats;
        move |token: &str| stats.idf(kind, token)
    };
    let rerank_query = RerankQuery::new(
        question,
        FieldQuery::new(
            &tokens.bigrams,
            idf(TokenKind::Bigrams),
            index.mean_len.bigrams,
            ranker.k1,
        ),
        FieldQuery::new(
            &tokens.words,
            idf(TokenKind::Words),
            index.mean_len.words,
            ranker.k1,
        ),
        FieldQuery::new(
            &tokens.bigrams,
            idf(TokenKind::Window),
            index.mean_len.window,
            ranker.k1,
        ),
        term_weights,
        config.coverage,
    );
    let mut proposed = Vec::with_capacity(found.len());
    for (score, ord) in found {
        if let Some(paragraph) = corpus.passages.paragraph_of(ord) {
            proposed.push(Proposed {
                score,
                ord,
                paragraph,
            });
        }
    }
    // Candidates per paragraph, the best of them, and the whole paragraph's match: a passage
    // the index proposes several sentences of, or one that matches well, is likely the one the
    // question is about.
    let mut paragraphs: FxHashMap<usize, Paragraph> = FxHashMap::default();
    for proposal in &proposed {
        let score = rerank_query.bigram_score(corpus, proposal.ord, ranker);
        let paragraph = paragraphs
            .entry(proposal.paragraph)
            .or_insert_with(|| Paragraph {
                sentences: corpus.passages.sentences(proposal.paragraph),
                passage: rerank_query.passage_score(corpus, proposal.paragraph, ranker),
                ..Paragraph::default()
            });
        paragraph.count += 1;
        paragraph.best = paragraph.best.max(score);
    }
    let best_passage = paragraphs
        .values()
        .map(|paragraph| paragraph.passage)
        .fold(0.0_f32, f32::max);
    let n_proposed = proposed.len().max(1) as f32;
    let described = with_best_passage(proposed, &paragraphs, config)
        .into_iter()
        .map(|proposal| {
            let paragraph = &paragraphs[&proposal.paragraph];
            let standing = Standing {
                first_stage: if best > 0.0 {
                    proposal.score / best
                } else {
                    0.0
                },
                paragraph_share: paragraph.count as f32 / n_proposed,
                paragraph_best: paragraph.best,
                passage: if best_passage > 0.0 {
                    paragraph.passage / best_passage
                } else {
                    0.0
                },
            };
            Candidate {
                sentence_idx: proposal.ord,
                features: rank::features(&rerank_query, corpus, proposal.ord, standing, ranker),
            }
        })
        .collect();
    Ok(Candidates {
        list: described,
        unknown_share,
    })
}

/// Should-clauses of term queries over the bigram field; a synonym's bigrams count a little
/// less than the question's own.
fn build_query(tokens: &QueryTokens, index: &SentenceIndex) -> BooleanQuery {
    let field = index.fields.bigrams;
    let clauses: Vec<(Occur, Box<dyn Query>)> = tokens
        .bigrams
        .iter()
        .filter(|(_, weight)| *weight > 0.0)
        .map(|(token, weight)| {
            let query = TermQuery::new(
                Term::from_field_text(field, token),
                IndexRecordOption::WithFreqs,
            );
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(query), *weight)) as Box<dyn Query>,
            )
        })
        .collect();
    BooleanQuery::new(clauses)
}

/// IDF of each term (one-character terms at `single_char_weight`): the rarest of its words decides. A word the index has never seen gets the
/// highest weight, so a question about something absent cannot be covered by common words.
fn term_weights(question: &Question, stats: &TermStats, single_char_weight: f32) -> Vec<f32> {
    let idf = |word: &str| stats.idf(TokenKind::Words, word);
    question
        .terms
        .iter()
        .map(|term| {
            let variants = std::iter::once(&term.text).chain(&term.synonyms);
            // The most common spelling decides, so a synonym does not make a term look rare.
            variants
                .map(|variant| words(variant).into_iter().map(idf).fold(0.0_f32, f32::max))
                .fold(f32::INFINITY, f32::min)
        })
        .zip(&question.terms)
        .map(|(weight, term)| {
            // A single character (线, 度, 国) is rarely what a question is about, and it
            // matches inside any word; it counts a little.
            let single = term.text.chars().count() == 1 && term.synonyms.is_empty();
            let weight = if weight.is_finite() { weight } else { 0.0 };
            if single {
                weight * single_char_weight
            } else {
                weight
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_best_paragraph_near_its_first_candidate() {
        // Candidates at 40 (paragraph 1: 40..42) and 12 (paragraph 0: 10..30, the better match).
        let paragraph = |sentences, passage| Paragraph {
            sentences,
            count: 1,
            best: 0.5,
            passage,
        };
        let paragraphs: FxHashMap<usize, Paragraph> =
            [(0, paragraph(10..30, 2.0)), (1, paragraph(40..42, 1.0))]
                .into_iter()
                .collect();
        let proposal = |score, ord, paragraph| Proposed {
            score,
            ord,
            paragraph,
        };
        let added = |limit: usize| {
            let config = RetrievalConfig {
                passage_sentences: limit,
                ..RetrievalConfig::default()
            };
            let index = vec![proposal(3.0, 40, 1), proposal(2.0, 12, 0)];
            let proposed = with_best_passage(index.clone(), &paragraphs, &config);
            assert_eq!(proposed[..2], index);
            assert!(
                proposed[2..]
                    .iter()
                    .all(|p| p.paragraph == 0 && p.score == 0.0)
            );
            proposed[2..].iter().map(|p| p.ord).collect::<Vec<_>>()
        };
        assert_eq!(added(0), Vec::<usize>::new());
        assert_eq!(added(4), [10, 11, 13]);
        assert_eq!(added(5), [10, 11, 13, 14]);
        assert_eq!(
            added(100),
            (10..30).filter(|&ord| ord != 12).collect::<Vec<_>>()
        );
    }
}
