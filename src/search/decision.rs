//! The "not found" decision: a question is answered only when little of it is unknown to the
//! corpus and one of the best-ranked sentences covers enough of it.

use super::Hit;
use crate::config::RetrievalConfig;
use crate::index::{TermStats, TokenKind};
use crate::question::{QueryTerm, Question};
use crate::text::bigrams::bigram_tokens;
use crate::text::segment::inner_words;

/// The "not found" decision: true when no more than `max_unknown_share` of the question is
/// unknown to the corpus and one of the first `decision_depth` ranked hits covers at least
/// `min_coverage` of it.
pub fn covers_enough(hits: &[Hit], unknown_share: f32, config: &RetrievalConfig) -> bool {
    let depth = config.decision_depth.max(1);
    let best_coverage = hits
        .iter()
        .take(depth)
        .map(|hit| hit.coverage)
        .fold(0.0_f32, f32::max);
    !hits.is_empty()
        && unknown_share <= config.max_unknown_share
        && best_coverage >= config.min_coverage
}

/// IDF-weighted share of the question's terms that no sentence contains: a term counts as
/// known when one of its spellings has every character bigram somewhere in the corpus.
/// One-character terms are always known (they say little about the topic), and unknown terms
/// that do not name a thing count `unknown_action_share` of their weight.
pub(super) fn unknown_share(
    question: &Question,
    weights: &[f32],
    stats: &TermStats,
    unknown_action_share: f32,
) -> f32 {
    let total: f32 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let seen = |kind: TokenKind, token: &str| stats.doc_freq(kind, token) > 0;
    let known = |text: &str| {
        bigram_tokens(text)
            .into_iter()
            .all(|bigram| seen(TokenKind::Bigrams, bigram))
    };
    // A part counts only as a word the corpus uses, not as characters inside another word
    // (马拉 in 小马拉大车 says nothing about 马拉松).
    let known_word = |word: &str| seen(TokenKind::Words, word);
    let unknown: f32 = question
        .terms
        .iter()
        .zip(weights)
        .filter(|(term, _)| term.text.chars().count() > 1)
        .filter(|(term, _)| {
            !std::iter::once(&term.text)
                .chain(&term.synonyms)
                .any(|v| known(v))
        })
        .map(|(term, weight)| {
            let weight = if term.names_a_thing {
                *weight
            } else {
                weight * unknown_action_share
            };
            weight * unknown_part(&term.text, known_word)
        })
        .sum();
    unknown / total
}

/// A term of the question's own phrasing of what happens (投了, 搞出): it names no thing, and
/// no spelling of it has all its character bigrams in the corpus. It says nothing of which
/// measure a figure states.
pub(super) fn unknown_action(term: &QueryTerm, stats: &TermStats) -> bool {
    let known = |text: &str| {
        bigram_tokens(text)
            .into_iter()
            .all(|bigram| stats.doc_freq(TokenKind::Bigrams, bigram) > 0)
    };
    !term.names_a_thing
        && term.text.chars().count() > 1
        && !std::iter::once(&term.text)
            .chain(&term.synonyms)
            .any(|spelling| known(spelling))
}

/// Share of the characters of `term` (a word the corpus never uses) outside every known word
/// inside it: 年发电量 is mostly 发电量, which the corpus knows, while 同一 has no part it knows.
fn unknown_part(term: &str, known: impl Fn(&str) -> bool) -> f32 {
    // A word of two characters has no part of two characters but itself.
    if term.chars().count() <= 2 {
        return 1.0;
    }
    let mut covered = vec![false; term.len()];
    for (start, end) in inner_words(term) {
        if known(&term[start..end]) {
            covered[start..end].iter_mut().for_each(|byte| *byte = true);
        }
    }
    let (all, outside) = term.char_indices().fold((0, 0), |(all, outside), (at, _)| {
        (all + 1, outside + usize::from(!covered[at]))
    });
    outside as f32 / all.max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decides_not_found_on_the_best_covered_top_hits() {
        let config = RetrievalConfig {
            min_coverage: 0.3,
            decision_depth: 3,
            ..RetrievalConfig::default()
        };
        let check = |coverages: &[f32], expected: bool| {
            let hits: Vec<Hit> = coverages
                .iter()
                .enumerate()
                .map(|(sentence_idx, &coverage)| Hit {
                    sentence_idx,
                    score: 1.0,
                    coverage,
                    confidence: 1.0,
                })
                .collect();
            assert_eq!(
                covers_enough(&hits, 0.0, &config),
                expected,
                "{coverages:?}"
            );
        };
        check(&[], false);
        check(&[0.3], true);
        check(&[0.29], false);
        check(&[0.1, 0.2, 0.9], true);
        check(&[0.1, 0.2, 0.2, 0.9], false);
        check(&[1.0, 0.0, 0.0], true);
    }

    #[test]
    fn refuses_questions_mostly_unknown_to_the_corpus() {
        let config = RetrievalConfig {
            min_coverage: 0.3,
            max_unknown_share: 0.4,
            ..RetrievalConfig::default()
        };
        let hits = [Hit {
            sentence_idx: 0,
            score: 1.0,
            coverage: 0.9,
            confidence: 1.0,
        }];
        let check = |unknown: f32, expected: bool| {
            assert_eq!(
                covers_enough(&hits, unknown, &config),
                expected,
                "{unknown}"
            );
        };
        check(0.0, true);
        check(0.4, true);
        check(0.41, false);
        check(1.0, false);
    }

    #[test]
    fn counts_the_parts_of_unknown_compounds_the_corpus_knows() {
        // The corpus's words, as the index would answer for them.
        let vocabulary = ["发电量", "发电", "整治", "数据"];
        let check = |term: &str, expected: f32| {
            let unknown = unknown_part(term, |word| vocabulary.contains(&word));
            assert!((unknown - expected).abs() < 1e-6, "{term}: {unknown}");
        };
        check("年发电量", 0.25);
        check("村容整治", 0.5);
        check("房价", 1.0);
        check("马拉松", 1.0);
    }
}
