//! How far a text names the question's words: each term weighed, counted by the share of its
//! character pairs found (a synonym's for less), in a figure's own part of its sentence or, for
//! less, elsewhere in the sentence.

use crate::question::QueryTerm;
use crate::text::char_pairs::{CharPairs, pair_share};

/// What a term named only elsewhere in the sentence counts for, against its own part.
const ELSEWHERE: f32 = 0.5;

/// What a synonym counts for, against the question's own word.
const SYNONYM: f32 = 0.8;

/// How much of the question `context` (a figure's part of its sentence) names: each term
/// weighed by `weights`, counted by the share of its character pairs found (a synonym's at
/// [`SYNONYM`]), in the part itself or, at [`ELSEWHERE`], in the rest of `sentence`.
#[cfg(test)]
pub(super) fn fit(terms: &[QueryTerm], weights: &[f32], context: &str, sentence: &str) -> f32 {
    fit_named(
        terms,
        weights,
        &CharPairs::of(context),
        &named_in(terms, weights, sentence),
    )
}

/// The words of the terms weighed above 0 (each term, then its synonyms), in order.
fn weighed_words<'t>(
    terms: &'t [QueryTerm],
    weights: &'t [f32],
) -> impl Iterator<Item = (f32, impl Iterator<Item = (&'t str, f32)>)> {
    terms
        .iter()
        .zip(weights)
        .filter(|(_, weight)| **weight > 0.0)
        .map(|(term, weight)| (*weight, spellings(term)))
}

/// A term's word and its synonyms, each with what it counts for ([`SYNONYM`] for a synonym).
pub(super) fn spellings(term: &QueryTerm) -> impl Iterator<Item = (&str, f32)> {
    std::iter::once((term.text.as_str(), 1.0))
        .chain(term.synonyms.iter().map(|word| (word.as_str(), SYNONYM)))
}

/// How far `text` names each word of [`weighed_words`], in their order: read once per
/// sentence, for all its figures.
pub(super) fn named_in(terms: &[QueryTerm], weights: &[f32], text: &str) -> Vec<f32> {
    weighed_words(terms, weights)
        .flat_map(|(_, words)| words.map(|(word, _)| pair_share(word, text)))
        .collect()
}

/// [`fit`] over the characters of the figure's part and how far its sentence names each
/// word ([`named_in`]).
pub(super) fn fit_named(
    terms: &[QueryTerm],
    weights: &[f32],
    context: &CharPairs,
    sentence: &[f32],
) -> f32 {
    let total: f32 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mut elsewhere = sentence.iter();
    let named: f32 = weighed_words(terms, weights)
        .map(|(weight, words)| {
            let share = words
                .map(|(word, credit)| {
                    let here = context.share(word);
                    let there = elsewhere.next().copied().unwrap_or(0.0) * ELSEWHERE;
                    credit * here.max(there)
                })
                .fold(0.0_f32, f32::max);
            weight * share
        })
        .sum();
    named / total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str, synonyms: &[&str]) -> QueryTerm {
        QueryTerm {
            text: text.into(),
            synonyms: synonyms.iter().map(|word| word.to_string()).collect(),
            names_a_thing: true,
        }
    }

    #[test]
    fn the_figures_own_part_names_the_measure() {
        let terms = [
            term("全市", &[]),
            term("电力", &[]),
            term("总装机容量", &[]),
        ];
        let weights = [1.0, 1.0, 1.0];
        let sentence = "新能源和可再生能源装机容量达929万千瓦,占全市电力总装机容量的53.7%";
        let other = fit(
            &terms,
            &weights,
            "新能源和可再生能源装机容量达929万千瓦",
            sentence,
        );
        let own = fit(
            &terms,
            &weights,
            "全市电力总装机达1754.69万千瓦",
            "全市电力总装机达1754.69万千瓦",
        );
        assert!(own > 0.8 && other < 0.65, "{own} {other}");
    }

    #[test]
    fn synonyms_and_pairs_count_less_than_the_word() {
        let terms = [term("在用服务器", &["服务器"])];
        let whole = fit(&terms, &[1.0], "在用服务器25.3万台", "");
        let synonym = fit(&terms, &[1.0], "投运服务器68万台", "");
        let none = fit(&terms, &[1.0], "机架7.5万架", "");
        assert_eq!(whole, 1.0);
        assert!((0.7..1.0).contains(&synonym), "{synonym}");
        assert_eq!(none, 0.0);
        assert_eq!(fit(&terms, &[0.0], "在用服务器", ""), 0.0);
        assert_eq!(pair_share("煤", "产煤1.6亿吨"), 1.0);
        assert_eq!(pair_share("", "产煤"), 0.0);
    }
}
