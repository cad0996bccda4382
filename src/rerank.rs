//! The second stage of retrieval. Each candidate the index returns is described by a few
//! numbers (its features: BM25 of the sentence's bigrams and words and of its ±1 window with
//! k1 and b suited to sentences, of each neighbour, of the best candidate of its paragraph and
//! of the whole paragraph, how much of the question it covers, whether it states what the
//! question asks for, how closely it repeats the question's wording, how many of the
//! question's characters it and its neighbours use) and scored by a linear model. The weights
//! are fitted offline by `scripts/fit_ranker.py` on public QA sets and shipped in
//! `config/ranker.toml`. Pure: no I/O, no index access beyond what the caller hands in.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHashSet};

use serde::Deserialize;

use crate::corpus::{Corpus, Sentence, bigram_key};
use crate::figures::{dates_in_normalized, figures_in_normalized};
use crate::retrieve::{Question, coverage};
use crate::tokenize::{EntityKind, bigram_tokens, for_each_bigram_token, is_word_char};

/// Names of the features, in the order of [`Features`]; `config/ranker.toml` weighs them by
/// these names.
pub const FEATURE_NAMES: [&str; N_FEATURES] = [
    "bigrams",
    "words",
    "window",
    "coverage",
    "figure",
    "date",
    "entity",
    "numbers",
    "run",
    "proximity",
    "length",
    "first_stage",
    "previous",
    "next",
    "paragraph",
    "paragraph_share",
    "answer_head",
    "characters",
    "characters_previous",
    "characters_next",
    "characters_window",
    "characters_after_asked",
    "passage",
];

/// Number of features.
pub const N_FEATURES: usize = 23;

/// Position of the coverage feature, which the "not found" decision also reads.
pub const COVERAGE: usize = 3;

/// The features of one candidate sentence.
pub type Features = [f32; N_FEATURES];

/// The linear model: one weight per feature, and BM25's k1 and b.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranker {
    pub weights: Features,
    pub k1: f32,
    pub b: f32,
}

/// `config/ranker.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankerFile {
    pub k1: f32,
    pub b: f32,
    pub weights: HashMap<String, f32>,
}

/// The weights shipped with the program, used when no file is given (tests, data-set
/// evaluation with default settings).
const SHIPPED: &str = include_str!("../config/ranker.toml");

impl Ranker {
    /// Checks the file: every weight named after a known feature, BM25 parameters in range.
    /// Features the file does not name weigh 0.
    pub fn from_file(file: RankerFile) -> Result<Ranker, String> {
        let mut weights = [0.0; N_FEATURES];
        for (name, weight) in file.weights {
            let Some(at) = FEATURE_NAMES.iter().position(|known| *known == name) else {
                return Err(format!(
                    "unknown feature '{name}' (known: {})",
                    FEATURE_NAMES.join(", ")
                ));
            };
            if !weight.is_finite() {
                return Err(format!("weight of '{name}' is not a number"));
            }
            weights[at] = weight;
        }
        if !(file.k1 > 0.0 && file.k1.is_finite() && (0.0..=1.0).contains(&file.b)) {
            return Err(format!(
                "k1 must be positive and b between 0 and 1 (k1 = {}, b = {})",
                file.k1, file.b
            ));
        }
        Ok(Ranker {
            weights,
            k1: file.k1,
            b: file.b,
        })
    }

    /// The shipped model.
    pub fn shipped() -> Ranker {
        let file: RankerFile = toml::from_str(SHIPPED).expect("shipped ranker.toml parses");
        Ranker::from_file(file).expect("shipped ranker.toml is valid")
    }

    /// The model's score of a candidate.
    pub fn score(&self, features: &Features) -> f32 {
        self.weights.iter().zip(features).map(|(w, f)| w * f).sum()
    }
}

impl Default for Ranker {
    fn default() -> Self {
        Ranker::shipped()
    }
}

/// What scoring a field needs from the index: the question's tokens with their weight (1, or
/// less for a synonym's) times their IDF in the field, and the field's mean length in tokens.
#[derive(Debug, Clone)]
pub struct FieldQuery<'q> {
    /// Token → position in `weights` and in term-frequency vectors.
    ids: FxHashMap<&'q str, usize>,
    weights: Vec<f32>,
    mean_len: f32,
    /// The score a sentence would get with every token at saturation: features are divided by
    /// it, so they lie in 0..1 whatever the question's length.
    ceiling: f32,
}

impl<'q> FieldQuery<'q> {
    /// `tokens` with their weights, `idf` of each, and the field's mean length.
    pub fn new(
        tokens: &'q [(String, f32)],
        idf: impl Fn(&str) -> f32,
        mean_len: f32,
        k1: f32,
    ) -> Self {
        let mut ids = FxHashMap::default();
        let mut weighted = Vec::with_capacity(tokens.len());
        for (token, weight) in tokens {
            ids.insert(token.as_str(), weighted.len());
            weighted.push(weight * idf(token));
        }
        let ceiling = weighted.iter().sum::<f32>() * (k1 + 1.0);
        FieldQuery {
            ids,
            weights: weighted,
            mean_len: mean_len.max(1.0),
            ceiling,
        }
    }

    /// BM25 of a text given its term frequencies (one per query token) and length.
    fn bm25(&self, tf: &[u32], len: u32, ranker: &Ranker) -> f32 {
        self.bm25_against(tf, len, self.mean_len, ranker)
    }

    /// BM25 of a text of another kind than the field's (a paragraph), whose kind has
    /// `mean_len` tokens on average.
    fn bm25_against(&self, tf: &[u32], len: u32, mean_len: f32, ranker: &Ranker) -> f32 {
        if self.ceiling <= 0.0 {
            return 0.0;
        }
        let mean_len = mean_len.max(1.0);
        let norm = ranker.k1 * (1.0 - ranker.b + ranker.b * len as f32 / mean_len);
        let score: f32 = self
            .weights
            .iter()
            .zip(tf)
            .filter(|(_, tf)| **tf > 0)
            .map(|(weight, &tf)| {
                let tf = tf as f32;
                weight * tf * (ranker.k1 + 1.0) / (tf + norm)
            })
            .sum();
        score / self.ceiling
    }
}

/// The question as the re-ranker sees it, prepared once per question.
pub struct RerankQuery<'q> {
    pub question: &'q Question,
    pub bigrams: FieldQuery<'q>,
    pub words: FieldQuery<'q>,
    pub window: FieldQuery<'q>,
    /// IDF of each question term, for coverage.
    pub term_weights: Vec<f32>,
    /// Bigrams of the question's wording (question phrases removed), for the longest-run and
    /// proximity features.
    content_bigrams: FxHashSet<&'q str>,
    /// The distinct characters of the question's wording, function characters aside (at most
    /// 64: a sentence's share of them is kept as a bit set).
    content_chars: Vec<char>,
    /// Those of `content_chars` that follow the question word (哪个山脉之间 → 山脉之间), as a
    /// bit set: an answer tends to sit right before them.
    after_asked: u64,
    /// First characters of the query's and the wording's bigrams, and the wording's
    /// characters: most of a sentence's characters are ruled out by these before any lookup.
    bigram_starts: CharFilter,
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
    ) -> Self {
        let content = question.content.as_str();
        let content_bigrams: FxHashSet<&str> = bigram_tokens(content).into_iter().collect();
        let content_chars = content_chars(content);
        let bigram_starts = CharFilter::first_chars(bigrams.ids.keys().chain(&content_bigrams));
        let mut bigram_keys = vec![0; bigrams.weights.len()];
        for (token, &id) in &bigrams.ids {
            bigram_keys[id] = bigram_key(token);
        }
        RerankQuery {
            question,
            bigram_keys,
            after_asked: char_set(&content_chars, &question.after_asked),
            chars_filter: CharFilter::of(content_chars.iter().copied()),
            bigram_starts,
            bigrams,
            words,
            window,
            term_weights,
            content_bigrams,
            content_chars,
            cut: RefCell::default(),
        }
    }
}

/// Characters that carry no content on their own (particles, copula, common prepositions):
/// left out of the character overlap.
pub const FUNCTION_CHARS: &str = "的了是在和与及为吗呢么";

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
    fn matched(&self, corpus: &Corpus, ord: usize) -> Rc<BigramMatch> {
        self.cut
            .borrow_mut()
            .entry(ord)
            .or_insert_with(|| {
                let text = &corpus.sentences[ord].normalized;
                let mut found = match_bigrams(
                    text,
                    &self.bigrams,
                    &self.content_bigrams,
                    self.bigram_starts,
                );
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
    fn character_share(&self, chars: u64) -> f32 {
        chars.count_ones() as f32 / self.content_chars.len().max(1) as f32
    }

    /// Share of the characters after the question word (`after_asked`) in a bit set.
    fn after_asked_share(&self, chars: u64) -> f32 {
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

    /// The filter of the tokens' first characters.
    fn first_chars<'t>(tokens: impl IntoIterator<Item = &'t &'t str>) -> CharFilter {
        CharFilter::of(tokens.into_iter().filter_map(|token| token.chars().next()))
    }

    fn bit(ch: char) -> u64 {
        1 << (ch as u32 % u64::BITS)
    }

    fn may_hold(self, ch: char) -> bool {
        self.0 & CharFilter::bit(ch) != 0
    }

    /// Whether `token`'s first character may be one of the filter's.
    fn may_hold_first(self, token: &str) -> bool {
        token.chars().next().is_some_and(|ch| self.may_hold(ch))
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
    tf: Vec<u32>,
    len: u32,
    longest_run: usize,
    proximity: f32,
    /// The question's characters the sentence uses (see `RerankQuery::chars_used`).
    chars: u64,
}

fn match_bigrams(
    text: &str,
    query: &FieldQuery,
    content: &FxHashSet<&str>,
    starts: CharFilter,
) -> BigramMatch {
    let mut tf = vec![0; query.weights.len()];
    let (mut at, mut run, mut longest_run) = (0, 0, 0);
    let (mut first, mut last) = (None, 0);
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    for_each_bigram_token(text, |token| {
        // Filtered on their first character, most of the sentence's bigrams need no lookup.
        if !starts.may_hold_first(token) {
            run = 0;
        } else {
            if let Some(&id) = query.ids.get(token) {
                tf[id] += 1;
            }
            if content.contains(token) {
                run += 1;
                longest_run = longest_run.max(run);
                first.get_or_insert(at);
                last = at;
                seen.insert(token);
            } else {
                run = 0;
            }
        }
        at += 1;
    });
    let proximity = first.map_or(0.0, |first| seen.len() as f32 / (last - first + 1) as f32);
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
fn word_tf(sentence: &Sentence, query: &FieldQuery) -> (Vec<u32>, u32) {
    let mut tf = vec![0; query.weights.len()];
    let mut len = 0;
    let text = sentence.normalized.as_str();
    for pair in sentence.boundaries.windows(2) {
        let Some(word) = text.get(pair[0] as usize..pair[1] as usize) else {
            continue;
        };
        if !word.chars().any(is_word_char) {
            continue;
        }
        len += 1;
        if let Some(&id) = query.ids.get(word) {
            tf[id] += 1;
        }
    }
    (tf, len)
}

/// Where a candidate stands among the others: the index's score relative to the best
/// candidate's, the share of candidates from its paragraph, the best bigram BM25 among them,
/// and the bigram BM25 of the whole paragraph relative to the best-matching paragraph among
/// the candidates'. How well the passage around a sentence matches decides where an answer is
/// as much as the sentence's own wording.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    pub first_stage: f32,
    pub paragraph_share: f32,
    pub paragraph_best: f32,
    pub passage: f32,
}

/// The features of the sentence at `ord`.
pub fn features(
    query: &RerankQuery,
    corpus: &Corpus,
    ord: usize,
    standing: Standing,
    ranker: &Ranker,
) -> Features {
    let sentence = &corpus.sentences[ord];
    let question = query.question;
    let own = query.matched(corpus, ord);
    let bigrams = query.bigrams.bm25(&own.tf, own.len, ranker);
    let (word_counts, word_len) = word_tf(sentence, &query.words);
    let words = query.words.bm25(&word_counts, word_len, ranker);
    // The window's counts are the sentence's plus its paragraph neighbours'. Both fields were
    // queried with the same bigrams, so the counts are shared; only the IDFs differ.
    let (mut window_tf, mut window_len) = (own.tf.clone(), own.len);
    let (mut previous, mut next) = (0.0, 0.0);
    let (mut previous_chars, mut next_chars) = (0, 0);
    for neighbour in corpus.neighbours_of(ord) {
        let found = query.matched(corpus, neighbour);
        let BigramMatch { tf, len, chars, .. } = found.as_ref();
        window_tf
            .iter_mut()
            .zip(tf)
            .for_each(|(sum, tf)| *sum += tf);
        window_len += len;
        let score = query.bigrams.bm25(tf, *len, ranker);
        if neighbour < ord {
            (previous, previous_chars) = (score, *chars);
        } else {
            (next, next_chars) = (score, *chars);
        }
    }
    let window = query.window.bm25(&window_tf, window_len, ranker);
    let topic = &corpus.document_of(sentence).topic;
    let covered = coverage(question, &query.term_weights, sentence, topic);
    let flag = |on: bool| if on { 1.0 } else { 0.0 };
    // What the question asks for must be new: a figure or name the question itself gives is
    // not an answer to it.
    let is_new = |found: &str| !question.normalized.contains(found);
    let text = sentence.normalized.as_str();
    let figure = question.wants_figure && figures_in_normalized(text).any(is_new);
    let date = question.wants_date
        && (dates_in_normalized(text).any(is_new)
            || has_new_entity(sentence, EntityKind::Time, question));
    let entity = question
        .asks
        .is_some_and(|kind| has_new_entity(sentence, kind, question));
    let numbers = if question.numbers.is_empty() {
        0.0
    } else {
        let found = question
            .numbers
            .iter()
            .filter(|number| sentence.normalized.contains(number.as_str()))
            .count();
        found as f32 / question.numbers.len() as f32
    };
    let run = own.longest_run as f32 / query.content_bigrams.len().max(1) as f32;
    // Shares of the question's characters: they forgive the paraphrases that cut bigrams
    // (交换发球的权力 / 交换发球权) and words jieba cuts differently.
    let characters = query.character_share(own.chars);
    let characters_previous = query.character_share(previous_chars);
    let characters_next = query.character_share(next_chars);
    let characters_window = query.character_share(previous_chars | own.chars | next_chars);
    let characters_after_asked = query.after_asked_share(own.chars);
    [
        bigrams,
        words,
        window,
        covered,
        flag(figure),
        flag(date),
        flag(entity),
        numbers,
        run.min(1.0),
        own.proximity,
        (1.0 + own.len as f32).ln(),
        standing.first_stage,
        previous,
        next,
        standing.paragraph_best,
        standing.paragraph_share,
        flag(
            question
                .answer_head
                .as_ref()
                .is_some_and(|head| text.contains(head.as_str())),
        ),
        characters,
        characters_previous,
        characters_next,
        characters_window,
        characters_after_asked,
        standing.passage,
    ]
}

/// True when `sentence` names an entity of `kind` that the question does not name.
fn has_new_entity(sentence: &Sentence, kind: EntityKind, question: &Question) -> bool {
    sentence.entities.iter().any(|entity| {
        entity.kind == kind
            && sentence
                .normalized
                .get(entity.start as usize..entity.end as usize)
                .is_some_and(|name| !question.normalized.contains(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_checks_weight_files() {
        let file = |text: &str| Ranker::from_file(toml::from_str(text).unwrap());
        let ranker = file("k1 = 0.9\nb = 0.4\n[weights]\nbigrams = 2.0\ncoverage = 1.5\n").unwrap();
        let mut features = [0.0; N_FEATURES];
        features[0] = 0.5;
        features[COVERAGE] = 1.0;
        features[N_FEATURES - 1] = 1.0;
        assert!((ranker.score(&features) - 2.5).abs() < 1e-6);
        assert!(file("k1 = 0.9\nb = 0.4\n[weights]\nnope = 1.0\n").is_err());
        assert!(file("k1 = 0.9\nb = 1.4\n[weights]\n").is_err());
        assert!(file("k1 = 0.0\nb = 0.4\n[weights]\n").is_err());
        assert_eq!(Ranker::shipped(), Ranker::default());
    }

    /// A corpus of one file holding `text`.
    fn corpus_of(text: &str) -> Corpus {
        use crate::corpus::{CleaningRules, RawFile, SourcesFile};
        let files = [RawFile {
            name: "a.txt".into(),
            bytes: text.as_bytes().to_vec(),
        }];
        Corpus::build(&files, &SourcesFile::default(), &CleaningRules::default())
    }

    #[test]
    fn scores_whole_paragraphs() {
        use crate::config::Synonyms;
        use crate::retrieve::parse_question;

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
            weights: [0.0; N_FEATURES],
            k1: 0.9,
            b: 0.4,
        };
        let score = |text: &str| {
            let none = FxHashSet::default();
            let starts = CharFilter::first_chars(query.ids.keys());
            let found = match_bigrams(text, &query, &none, starts);
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
            let starts = CharFilter::first_chars(query.ids.keys().chain(&content));
            let found = match_bigrams(text, &query, &content, starts);
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

    #[test]
    fn counts_the_question_characters_a_sentence_uses() {
        use crate::config::Synonyms;
        use crate::retrieve::parse_question;

        let corpus = corpus_of("交换发球权归对方。全年地区生产总值完成1686亿元。北京今天晴。");
        let synonyms = Synonyms::from_groups(&[vec!["GDP".into(), "地区生产总值".into()]]);
        let feature = |question: &str, ord: usize, name: &str| {
            let question = parse_question(question, &synonyms);
            let no_tokens = Vec::new();
            let field = || FieldQuery::new(&no_tokens, |_| 1.0, 10.0, 0.9);
            let query = RerankQuery::new(
                &question,
                field(),
                field(),
                field(),
                vec![1.0; question.terms.len()],
            );
            let standing = Standing {
                first_stage: 1.0,
                paragraph_share: 1.0,
                paragraph_best: 0.0,
                passage: 1.0,
            };
            let at = FEATURE_NAMES
                .iter()
                .position(|known| *known == name)
                .unwrap();
            features(&query, &corpus, ord, standing, &Ranker::default())[at]
        };
        let characters = |question: &str, ord: usize| feature(question, ord, "characters");
        // 交换发球权力归 (的 and 谁 say nothing): all but 力, though 权力 and 球的 are bigrams
        // the sentence lacks.
        assert!((characters("交换发球的权力归谁", 0) - 6.0 / 7.0).abs() < 1e-6);
        // GDP is said as 地区生产总值: its letters count as found.
        assert!((characters("GDP多少", 1) - 1.0).abs() < 1e-6);
        assert_eq!(characters("GDP多少", 2), 0.0);
        // The neighbours of the last sentence: the one before it says GDP, none follows.
        assert!((feature("GDP多少", 2, "characters_previous") - 1.0).abs() < 1e-6);
        assert_eq!(feature("GDP多少", 2, "characters_next"), 0.0);
        assert!((feature("GDP多少", 2, "characters_window") - 1.0).abs() < 1e-6);
        // After the question word come 权归对方: all in the first sentence, none in the last.
        assert!((feature("谁的权归对方", 0, "characters_after_asked") - 1.0).abs() < 1e-6);
        assert_eq!(feature("谁的权归对方", 2, "characters_after_asked"), 0.0);
    }
}
