//! Coverage: the IDF-weighted share of a question's terms a sentence holds, whole words first,
//! then partial credits. The re-ranker weighs it as a feature and the "not found" decision reads
//! it.

use memchr::memmem::Finder;

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
    CoverageQuery::new(question, weights, credits).of(sentence, topic)
}

/// The question's terms made ready for [`coverage`] once per question: each spelling and each
/// bigram with its substring searcher, built once rather than for every candidate sentence.
pub struct CoverageQuery {
    terms: Vec<TermForms>,
    total: f32,
    credits: CoverageConfig,
}

/// One term: its weight, its text, its spellings (the text, then its synonyms) and its bigrams.
struct TermForms {
    weight: f32,
    text: Finder<'static>,
    variants: Vec<Finder<'static>>,
    grams: Vec<Finder<'static>>,
}

impl CoverageQuery {
    /// `question`'s terms with their `weights` (one per term) and the partial `credits`.
    pub fn new(question: &Question, weights: &[f32], credits: &CoverageConfig) -> CoverageQuery {
        let finder = |text: &str| Finder::new(text.as_bytes()).into_owned();
        let terms = question
            .terms
            .iter()
            .zip(weights)
            .map(|(term, &weight)| TermForms {
                weight,
                text: finder(&term.text),
                variants: std::iter::once(&term.text)
                    .chain(&term.synonyms)
                    .map(|variant| finder(variant))
                    .collect(),
                grams: bigrams(&term.text)
                    .iter()
                    .map(|gram| finder(gram))
                    .collect(),
            })
            .collect();
        CoverageQuery {
            terms,
            total: weights.iter().sum(),
            credits: *credits,
        }
    }

    /// [`coverage`] of `sentence`, whose document's topic is `topic`.
    pub fn of(&self, sentence: &Sentence, topic: &str) -> f32 {
        if self.total <= 0.0 {
            return 0.0;
        }
        let text = sentence.normalized.as_bytes();
        let credits = &self.credits;
        let found: f32 = self
            .terms
            .iter()
            .map(|term| {
                let weight = &term.weight;
                if term
                    .variants
                    .iter()
                    .any(|variant| contains_word(text, sentence.boundaries, variant.needle()))
                {
                    return *weight;
                }
                if !topic.is_empty() && term.text.find(topic.as_bytes()).is_some() {
                    return weight * credits.topic;
                }
                if term
                    .variants
                    .iter()
                    .any(|variant| variant.find(text).is_some())
                {
                    return weight * credits.inside_word;
                }
                let grams = &term.grams;
                if grams.len() < 2 {
                    return 0.0;
                }
                let n_found = grams
                    .iter()
                    .filter(|gram| gram.find(text).is_some())
                    .count();
                weight * credits.partial * n_found as f32 / grams.len() as f32
            })
            .sum();
        found / self.total
    }
}

/// True when `word` occurs in `text` starting and ending on word boundaries. Compared at each
/// boundary rather than searched for: a sentence has a few dozen boundaries, and setting up a
/// substring search per word cost more than the comparisons.
fn contains_word(text: &[u8], boundaries: &[u32], word: &[u8]) -> bool {
    if word.is_empty() {
        return true;
    }
    // The first two bytes turn most boundaries away before a full comparison is set up (the
    // first byte of a Chinese character alone is shared by thousands of others).
    let (first, second) = (word[0], word.get(1));
    boundaries.iter().any(|&at| {
        let (start, end) = (at as usize, at as usize + word.len());
        text.get(start) == Some(&first)
            && second.is_none_or(|second| text.get(start + 1) == Some(second))
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
            assert_eq!(
                contains_word(text.as_bytes(), &boundaries, word.as_bytes()),
                expected,
                "{word}"
            );
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
