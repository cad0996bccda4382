//! The question's tokens for each field, with weights: the words and bigrams both the index
//! query and the re-ranker use, in question order.

use super::Question;
use super::vocabulary::{FUNCTION_CHARS, INTERROGATIVE_CHARS};
use crate::text::bigrams::bigram_tokens;
use crate::text::normalize::is_cjk;
use crate::text::segment::words;

/// The question's tokens for each field, with weights: 1 for the question's own words, less
/// for a synonym's. Shared by the index query and the re-ranker, in question order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryTokens {
    pub words: Vec<(String, f32)>,
    pub bigrams: Vec<(String, f32)>,
}

/// Cuts the question's terms and their synonyms into word and bigram tokens.
pub fn query_tokens(question: &Question, synonym_weight: f32) -> QueryTokens {
    fn add(tokens: &mut Vec<(String, f32)>, token: &str, weight: f32) {
        match tokens.iter_mut().find(|(known, _)| known == token) {
            Some((_, known)) => *known = known.max(weight),
            None => tokens.push((token.to_string(), weight)),
        }
    }
    let mut tokens = QueryTokens::default();
    for term in &question.terms {
        let variants = std::iter::once((term.text.as_str(), 1.0)).chain(
            term.synonyms
                .iter()
                .map(|synonym| (synonym.as_str(), synonym_weight)),
        );
        for (variant, weight) in variants {
            for word in words(variant) {
                add(&mut tokens.words, word, weight);
            }
            for bigram in bigram_tokens(variant) {
                add(&mut tokens.bigrams, bigram, weight);
            }
        }
    }
    for bigram in lone_character_bigrams(question) {
        add(&mut tokens.bigrams, bigram, 1.0);
    }
    tokens.words.retain(|(_, weight)| *weight > 0.0);
    tokens.bigrams.retain(|(_, weight)| *weight > 0.0);
    tokens
}

/// The question's bigrams that hold one of its one-character terms (多少个村 → 个村). Such a
/// term is a token of its own only where a text has the character alone; within a sentence it
/// is part of bigrams (500个村环境 → 个村, 村环), and the question's own neighbours of it are
/// the likeliest of those.
pub fn lone_character_bigrams(question: &Question) -> Vec<&str> {
    let lone: Vec<char> = question
        .terms
        .iter()
        .filter_map(|term| {
            let mut chars = term.text.chars();
            match (chars.next(), chars.next()) {
                (Some(ch), None) if is_cjk(ch) => Some(ch),
                _ => None,
            }
        })
        .collect();
    if lone.is_empty() {
        return Vec::new();
    }
    bigram_tokens(&question.normalized)
        .into_iter()
        .filter(|bigram| {
            let mut chars = bigram.chars();
            let (Some(first), Some(second), None) = (chars.next(), chars.next(), chars.next())
            else {
                return false;
            };
            let neighbour = |ch: char| {
                is_cjk(ch) && !FUNCTION_CHARS.contains(ch) && !INTERROGATIVE_CHARS.contains(ch)
            };
            (lone.contains(&first) && neighbour(second))
                || (lone.contains(&second) && neighbour(first))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::{Synonyms, parse_question};

    #[test]
    fn searches_one_character_terms_with_their_neighbours() {
        let synonyms = Synonyms::default();
        let bigrams = |question: &str| {
            let question = parse_question(question, &synonyms);
            lone_character_bigrams(&question)
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let cases: &[(&str, &[&str])] = &[
            // 村 is a term of its own: every bigram it makes in the question, 多少 aside.
            ("大同2021年村容整治搞了多少个村", &["年村", "村容", "个村"]),
            // Traditional script is read as Simplified.
            ("大同2021年村容整治搞了多少個村", &["年村", "村容", "个村"]),
            // No one-character term, no extra bigram.
            ("大同2021年GDP是多少", &[]),
            // Interrogatives and particles make no neighbour.
            ("煤是什么", &[]),
        ];
        for (question, expected) in cases {
            assert_eq!(bigrams(question), *expected, "{question}");
        }
    }
}
