//! The question as the re-ranker sees it, prepared once per question (`RerankQuery`): its field
//! queries, term weights, the bigrams and characters of its wording; and each sentence's match
//! against it (`BigramMatch`), cut once per question and shared by the candidates whose
//! neighbour it is.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::bm25::FieldQuery;
use super::coverage::CoverageQuery;
use super::model::Ranker;
use super::tokens::TokenTable;
use crate::config::CoverageConfig;
use crate::corpus::{Corpus, Sentence, bigram_key};
use crate::question::Question;
use crate::question::vocabulary::FUNCTION_CHARS;
use crate::text::bigrams::{bigram_tokens, for_each_keyed_token};
use crate::text::normalize::is_word_char;
use crate::text::segment::words_at;

/// The question as the re-ranker sees it, prepared once per question.
pub struct RerankQuery<'q> {
    pub question: &'q Question,
    pub bigrams: FieldQuery<'q>,
    pub words: FieldQuery<'q>,
    pub window: FieldQuery<'q>,
    /// IDF of each question term, for coverage.
    pub term_weights: Vec<f32>,
    /// Credits of partly found terms, for coverage.
    pub credits: CoverageConfig,
    /// The terms, their spellings and bigrams made ready for coverage.
    pub(super) coverage: CoverageQuery,
    /// Bigrams of the question's wording (question phrases removed), for the longest-run and
    /// proximity features.
    pub(super) content_bigrams: FxHashSet<&'q str>,
    /// The distinct characters of the question's wording, function characters aside (at most
    /// 64: a sentence's share of them is kept as a bit set).
    content_chars: Vec<char>,
    /// Those of `content_chars` that follow the question word (哪个山脉之间 → 山脉之间), as a
    /// bit set: an answer tends to sit right before them.
    after_asked: u64,
    /// The query's and the wording's bigrams, looked up by key.
    tokens: TokenTable<'q>,
    /// The wording's characters: most of a sentence's characters are ruled out by these before
    /// any lookup.
    chars_filter: CharFilter,
    /// The paragraph-count key of each of the query's bigrams (see `corpus::bigram_key`).
    bigram_keys: Vec<u32>,
    /// Bigram matches of sentences already cut for this question (a candidate's neighbours
    /// are often candidates too).
    cut: RefCell<FxHashMap<usize, Rc<BigramMatch>>>,
}

impl<'q> RerankQuery<'q> {
    /// Prepares `question` for re-ranking with its field queries and term weights.
    pub fn new(
        question: &'q Question,
        bigrams: FieldQuery<'q>,
        words: FieldQuery<'q>,
        window: FieldQuery<'q>,
        term_weights: Vec<f32>,
        credits: CoverageConfig,
    ) -> Self {
        let content = question.content.as_str();
        let content_bigrams: FxHashSet<&str> = bigram_tokens(content).into_iter().collect();
        let content_chars = content_chars(content);
        let tokens = TokenTable::new(&bigrams.ids, &content_bigrams);
        let mut bigram_keys = vec![0; bigrams.weights.len()];
        for (token, &id) in &bigrams.ids {
            bigram_keys[id] = bigram_key(token);
        }
        RerankQuery {
            coverage: CoverageQuery::new(question, &term_weights, &credits),
            question,
            bigram_keys,
            after_asked: char_set(&content_chars, &question.after_asked),
            chars_filter: CharFilter::of(content_chars.iter().copied()),
            tokens,
            bigrams,
            words,
            window,
            term_weights,
            credits,
            content_bigrams,
            content_chars,
            cut: RefCell::default(),
        }
    }
}

/// The distinct letters and digits of `content` that say something, in order of appearance;
/// the first 64 of them.
pub fn content_chars(content: &str) -> Vec<char> {
    let mut chars: Vec<char> = Vec::new();
    for ch in content.chars() {
        if chars.len() == u64::BITS as usize {
            break;
        }
        if is_word_char(ch) && !FUNCTION_CHARS.contains(ch) && !chars.contains(&ch) {
            chars.push(ch);
        }
    }
    chars
}

impl RerankQuery<'_> {
    /// The bigram match of the sentence at `ord`, cut once per question.
    pub(super) fn matched(&self, corpus: &Corpus, ord: usize) -> Rc<BigramMatch> {
        self.cut
            .borrow_mut()
            .entry(ord)
            .or_insert_with(|| {
                let text = corpus.sentence(ord).normalized;
                let mut found = match_bigrams(text, &self.tokens, self.bigrams.weights.len());
                found.chars = self.chars_used(text);
                Rc::new(found)
            })
            .clone()
    }

    /// The question's characters `text` uses, as a bit set over `content_chars`. A term the
    /// text says through a synonym (GDP: 地区生产总值) is there in full.
    fn chars_used(&self, text: &str) -> u64 {
        let chars_of = |text: &str| filtered_char_set(&self.content_chars, self.chars_filter, text);
        let stood_for = self
            .question
            .terms
            .iter()
            .filter(|term| {
                term.synonyms
                    .iter()
                    .any(|synonym| text.contains(synonym.as_str()))
            })
            .fold(0, |set, term| set | chars_of(&term.text));
        chars_of(text) | stood_for
    }

    /// Share of the question's characters in a bit set of them.
    pub(super) fn character_share(&self, chars: u64) -> f32 {
        chars.count_ones() as f32 / self.content_chars.len().max(1) as f32
    }

    /// Share of the characters after the question word (`after_asked`) in a bit set.
    pub(super) fn after_asked_share(&self, chars: u64) -> f32 {
        let wanted = self.after_asked.count_ones();
        if wanted == 0 {
            return 0.0;
        }
        (chars & self.after_asked).count_ones() as f32 / wanted as f32
    }

    /// Bigram BM25 of a whole paragraph, read from the corpus's paragraph counts.
    pub fn passage_score(&self, corpus: &Corpus, paragraph: usize, ranker: &Ranker) -> f32 {
        let passages = &corpus.passages;
        let tf: Vec<u32> = self
            .bigram_keys
            .iter()
            .map(|&key| passages.count(paragraph, key))
            .collect();
        self.bigrams.bm25_against(
            &tf,
            passages.length(paragraph),
            passages.mean_length(),
            ranker,
        )
    }

    /// Bigram BM25 of the sentence at `ord`.
    pub fn bigram_score(&self, corpus: &Corpus, ord: usize, ranker: &Ranker) -> f32 {
        let found = self.matched(corpus, ord);
        self.bigrams.bm25(&found.tf, found.len, ranker)
    }
}

/// A one-word hash of a few characters. Most of a sentence's characters are not the
/// question's: the filter rules them out before any search or lookup.
#[derive(Debug, Clone, Copy)]
struct CharFilter(u64);

impl CharFilter {
    fn of(chars: impl IntoIterator<Item = char>) -> CharFilter {
        CharFilter(
            chars
                .into_iter()
                .fold(0, |set, ch| set | CharFilter::bit(ch)),
        )
    }

    fn bit(ch: char) -> u64 {
        1 << (ch as u32 % u64::BITS)
    }

    fn may_hold(self, ch: char) -> bool {
        self.0 & CharFilter::bit(ch) != 0
    }
}

/// Which of `chars` (at most 64) `text` uses, as a bit set over their positions.
pub fn char_set(chars: &[char], text: &str) -> u64 {
    filtered_char_set(chars, CharFilter::of(chars.iter().copied()), text)
}

/// [`char_set`] with the filter of `chars` already built.
fn filtered_char_set(chars: &[char], filter: CharFilter, text: &str) -> u64 {
    text.chars()
        .filter(|&ch| filter.may_hold(ch))
        .filter_map(|ch| chars.iter().position(|known| *known == ch))
        .fold(0_u64, |set, at| set | 1 << at)
}

/// A sentence's bigrams matched against the question's: term frequencies (one per query
/// bigram), length in bigrams, and how it repeats the question's wording: the longest run of
/// consecutive bigrams that are also question bigrams, and how tightly the matched bigrams sit
/// (distinct matches over the span they cover).
#[derive(Debug, Clone)]
pub struct BigramMatch {
    pub(super) tf: Vec<u32>,
    pub(super) len: u32,
    pub(super) longest_run: usize,
    pub(super) proximity: f32,
    /// The question's characters the sentence uses (see `RerankQuery::chars_used`).
    pub(super) chars: u64,
}

fn match_bigrams(text: &str, tokens: &TokenTable, n_query: usize) -> BigramMatch {
    let mut tf = vec![0; n_query];
    let (mut at, mut run, mut longest_run) = (0, 0, 0);
    let (mut first, mut last) = (None, 0);
    // The wording's bigrams seen, as a bit set over their positions.
    let mut seen = vec![0_u64; tokens.n_content.div_ceil(64)];
    for_each_keyed_token(text, |token, key| {
        let slot = tokens.slot(token, key).unwrap_or_default();
        if let Some(id) = slot.query {
            tf[id] += 1;
        }
        if let Some(content) = slot.content {
            run += 1;
            longest_run = longest_run.max(run);
            first.get_or_insert(at);
            last = at;
            seen[content / 64] |= 1 << (content % 64);
        } else {
            run = 0;
        }
        at += 1;
    });
    let n_seen: u32 = seen.iter().map(|bits| bits.count_ones()).sum();
    let proximity = first.map_or(0.0, |first| n_seen as f32 / (last - first + 1) as f32);
    BigramMatch {
        tf,
        len: at as u32,
        longest_run,
        proximity,
        chars: 0,
    }
}

/// Term frequencies of a sentence's jieba words (read off its word boundaries, so nothing is
/// cut again) and its length in words, counting only words the word tokenizer keeps.
pub(super) fn word_tf(sentence: &Sentence, query: &FieldQuery) -> (Vec<u32>, u32) {
    let mut tf = vec![0; query.weights.len()];
    let mut len = 0;
    for word in words_at(sentence.normalized, sentence.boundaries) {
        len += 1;
        if let Some(&id) = query.ids.get(word) {
            tf[id] += 1;
        }
    }
    (tf, len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RetrievalConfig;
    use crate::rank::tests::corpus_of;

    #[test]
    fn scores_whole_paragraphs() {
        use crate::question::{Synonyms, parse_question};

        let corpus = corpus_of("交换发球权归对方。北京今天晴。\n\n北京很大。\n\n上海很大。");
        let question = parse_question("北京的交换发球权归谁", &Synonyms::default());
        let tokens = vec![("交换".to_string(), 1.0), ("北京".to_string(), 1.0)];
        let none = Vec::new();
        let query = RerankQuery::new(
            &question,
            FieldQuery::new(&tokens, |_| 1.0, 5.0, 0.9),
            FieldQuery::new(&none, |_| 1.0, 5.0, 0.9),
            FieldQuery::new(&none, |_| 1.0, 5.0, 0.9),
            Vec::new(),
            RetrievalConfig::default().coverage,
        );
        let ranker = Ranker::default();
        let score = |paragraph| query.passage_score(&corpus, paragraph, &ranker);
        assert!(
            score(0) > score(1) && score(1) > 0.0,
            "{} {}",
            score(0),
            score(1)
        );
        assert!(score(0) < 1.0);
        assert_eq!(score(2), 0.0);
        assert_eq!(score(9), 0.0);
    }

    #[test]
    fn scores_bm25_within_bounds() {
        let tokens = vec![("大同".to_string(), 1.0), ("同市".to_string(), 0.5)];
        let query = FieldQuery::new(&tokens, |_| 2.0, 10.0, 0.9);
        let ranker = Ranker {
            k1: 0.9,
            b: 0.4,
            ..Ranker::default()
        };
        let score = |text: &str| {
            let tokens = TokenTable::new(&query.ids, &FxHashSet::default());
            let found = match_bigrams(text, &tokens, query.weights.len());
            query.bm25(&found.tf, found.len, &ranker)
        };
        let full = score("大同市");
        let half = score("大同");
        let short_and_long = score(&format!("大同{}", "的".repeat(40)));
        assert!(full > half && half > short_and_long && short_and_long > 0.0);
        assert!(full < 1.0);
        assert_eq!(score("北京"), 0.0);
    }

    #[test]
    fn measures_repeated_wording() {
        let content: FxHashSet<&str> = ["大同", "同市", "市长"].into_iter().collect();
        let tokens = vec![("大同".to_string(), 1.0)];
        let query = FieldQuery::new(&tokens, |_| 1.0, 10.0, 0.9);
        let check = |text: &str, longest: usize, proximity: f32| {
            let tokens = TokenTable::new(&query.ids, &content);
            let found = match_bigrams(text, &tokens, query.weights.len());
            let (got_longest, got_proximity) = (found.longest_run, found.proximity);
            assert_eq!(got_longest, longest, "{text}");
            assert!(
                (got_proximity - proximity).abs() < 1e-6,
                "{text}: {got_proximity}"
            );
        };
        check("大同市长说", 3, 1.0);
        check("大同的市长", 1, 2.0 / 4.0);
        check("北京", 0, 0.0);
    }

    #[test]
    fn keeps_the_characters_that_say_something() {
        let check = |content: &str, expected: &str| {
            assert_eq!(
                content_chars(content).into_iter().collect::<String>(),
                expected
            );
        };
        check("交换发球的权力", "交换发球权力");
        check("大同 大同 gdp", "大同gdp");
        check("是在了吗", "");
    }
}
