//! Coverage: the IDF-weighted share of a question's terms a sentence holds, whole words first,
//! then partial credits. The re-ranker weighs it as a feature and the "not found" decision reads
//! it.

use crate::config::CoverageConfig;
use crate::corpus::Sentence;
use crate::question::Question;
use crate::text::bigrams::bigrams;

/// IDF-weighted share of the question's terms found in `sentence` (normalised). A term found
/// whole (or as a synonym) counts fully; a term in the document's `topic` (its title) counts
/// nearly fully, since a report about 大同 does not repeat 大同 in every sentence; otherwise the
/// share of its bigrams found counts at a discount (`credits`), which forgives segmentation and small
/// wording differences.
pub fn coverage(
    question: &Question,
    weights: &[f32],
    sentence: &Sentence,
    topic: &str,
    credits: &CoverageConfig,
) -> f32 {
    let total: f32 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let text = sentence.normalized;
    let found: f32 = question
        .terms
        .iter()
        .zip(weights)
        .map(|(term, weight)| {
            let variants = || std::iter::once(&term.text).chain(&term.synonyms);
            if variants().any(|variant| contains_word(text, sentence.boundaries, variant)) {
                return *weight;
            }
            if !topic.is_empty() && topic.contains(term.text.as_str()) {
                return weight * credits.topic;
            }
            if variants().any(|variant| text.contains(variant.as_str())) {
                return weight * credits.inside_word;
            }
            let grams = bigrams(&term.text);
            if grams.len() < 2 {
                return 0.0;
            }
            let n_found = grams
                .iter()
                .filter(|gram| text.contains(gram.as_str()))
                .count();
            weight * credits.partial * n_found as f32 / grams.len() as f32
        })
        .sum();
    found / total
}

/// True when `word` occurs in `text` starting and ending on word boundaries. Compared at each
/// boundary rather than searched for: a sentence has a few dozen boundaries, and setting up a
/// substring search per word cost more than the comparisons.
fn contains_word(text: &str, boundaries: &[u32], word: &str) -> bool {
    let (text, word) = (text.as_bytes(), word.as_bytes());
    let Some(&first) = word.first() else {
        return true;
    };
    boundaries.iter().any(|&at| {
        let (start, end) = (at as usize, at as usize + word.len());
        // The first byte turns most boundaries away before a full comparison is set up.
        text.get(start) == Some(&first)
            && text.get(start..end) == Some(word)
            && boundaries.binary_search(&(end as u32)).is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RetrievalConfig;
    use crate::question::parse_question;
    use crate::question::tests::synonyms;
    use crate::text::normalize::normalize;
    use crate::text::segment::analyze;

    #[test]
    fn finds_words_only_on_word_boundaries() {
        // 大同 / 市 / 区
        let (text, boundaries) = ("大同市区", [0, 6, 9, 12]);
        let check = |word: &str, expected: bool| {
            assert_eq!(contains_word(text, &boundaries, word), expected, "{word}");
        };
        check("大同", true);
        check("市", true);
        check("市区", true);
        check("大同市区", true);
        check("同市", false);
        check("大", false);
        check("区域", false);
        check("太原", false);
    }

    #[test]
    fn weighs_coverage() {
        let question = parse_question("大同大学刀削面", &synonyms());
        assert_eq!(
            question
                .terms
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>(),
            ["大同", "大学", "刀削面"]
        );
        let check = |weights: &[f32], text: &str, expected: f32| {
            let normalized = normalize(text);
            let boundaries = analyze(&normalized).boundaries;
            let sentence = Sentence {
                id: crate::corpus::SentenceId {
                    doc: 1,
                    para: 1,
                    sent: 1,
                },
                doc_idx: 0,
                text,
                boundaries: &boundaries,
                entities: &[],
                figures: &[],
                normalized: &normalized,
                page: None,
                section: None,
            };
            let credits = RetrievalConfig::default().coverage;
            let got = coverage(&question, weights, &sentence, "大同日报", &credits);
            assert!((got - expected).abs() < 1e-4, "{text}: {got} != {expected}");
        };
        check(&[1.0, 1.0, 2.0], "大同大学的刀削面很有名", 1.0);
        check(&[1.0, 1.0, 2.0], "大同是古都", 0.25);
        check(&[1.0, 1.0, 2.0], "邀请清华大学研究院", (0.8 + 0.5) / 4.0);
        check(&[1.0, 1.0, 2.0], "刀削的面", (0.8 + 2.0 * 0.7 * 0.5) / 4.0);
        check(&[0.0, 0.0, 0.0], "大同大学刀削面", 0.0);
    }
}
