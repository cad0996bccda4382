//! The features of a candidate sentence, by name: BM25 of its bigrams, words and ±1 window, of
//! each neighbour, of the best candidate of its paragraph and of the whole paragraph; how much
//! of the question it covers; whether it states what the question asks for; how closely it
//! repeats the question's wording; how many of the question's characters it and its
//! neighbours use. A feature is a named field, so one cannot move without its name: the names
//! are the contract with `config/ranker.toml` and `scripts/fit_ranker.py`.

use super::model::Ranker;
use super::query::{BigramMatch, RerankQuery, word_tf};
use crate::corpus::{Corpus, Sentence};
use crate::question::Question;
use crate::text::figures::dates_in_normalized;
use crate::text::segment::EntityKind;

/// Declares a struct with one `f32` field per name, the number of fields, and its names and
/// values in that order: the re-ranker's [`Features`] and the decision's inputs share it.
macro_rules! named_features {
    ($(#[doc = $sdoc:literal])* $Struct:ident, $count:ident,
     $($(#[doc = $doc:literal])* $name:ident,)*) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq)]
        pub struct $Struct {
            $($(#[doc = $doc])* pub $name: f32,)*
        }

        /// Number of features.
        pub const $count: usize = [$(stringify!($name)),*].len();

        impl $Struct {
            /// The names, in the order of `values`.
            pub const NAMES: [&'static str; $count] = [$(stringify!($name)),*];

            /// The values, in the order of `NAMES`.
            pub fn values(&self) -> [f32; $count] {
                [$(self.$name),*]
            }

            /// Features from values in the order of `NAMES`.
            pub fn from_values(values: [f32; $count]) -> $Struct {
                let [$($name),*] = values;
                $Struct { $($name),* }
            }
        }
    };
}
pub(crate) use named_features;

named_features! {
    /// The features of one candidate sentence (each documented at its field).
    Features, N_FEATURES,
    /// Bigram BM25 of the sentence.
    bigrams,
    /// jieba-word BM25 of the sentence.
    words,
    /// Bigram BM25 of the sentence with its ±1 neighbours.
    window,
    /// IDF-weighted share of the question's terms the sentence holds (`coverage`).
    coverage,
    /// The question asks for an amount and the sentence states one the question does not.
    figure,
    /// The question asks for a time and the sentence states one the question does not.
    date,
    /// The question asks for a person, place or organisation and the sentence names a new one.
    entity,
    /// Share of the question's numbers the sentence repeats.
    numbers,
    /// Longest run of the question's bigrams in the sentence, over the question's bigrams.
    run,
    /// Distinct matched bigrams over the span they cover.
    proximity,
    /// ln(1 + bigrams in the sentence).
    length,
    /// The index's score over the best candidate's.
    first_stage,
    /// Bigram BM25 of the sentence before, in the paragraph.
    previous,
    /// Bigram BM25 of the sentence after, in the paragraph.
    next,
    /// Best bigram BM25 among the candidates of the sentence's paragraph.
    paragraph_best,
    /// Share of the candidates from the sentence's paragraph.
    paragraph_share,
    /// The sentence holds the noun a 什么/哪个 question asks for.
    answer_head,
    /// Share of the question's characters the sentence uses.
    characters,
    /// Share of the question's characters the sentence before uses.
    characters_previous,
    /// Share of the question's characters the sentence after uses.
    characters_next,
    /// Share of the question's characters the sentence and its neighbours use.
    characters_window,
    /// Share of the characters after the question word the sentence uses.
    characters_after_asked,
    /// Bigram BM25 of the whole paragraph over the best-matching paragraph's.
    passage,
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
    let sentence = &corpus.sentence(ord);
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
    let covered = query.coverage.of(sentence, topic);
    let flag = |on: bool| if on { 1.0 } else { 0.0 };
    // What the question asks for must be new: a figure or name the question itself gives is
    // not an answer to it.
    let is_new = |found: &str| !question.normalized.contains(found);
    let text = sentence.normalized;
    // The fact index's figures, read when the corpus was built: no pattern runs here.
    let figure = question.wants_figure
        && sentence
            .figures
            .iter()
            .any(|row| text.get(row.span()).is_some_and(is_new));
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
    Features {
        bigrams,
        words,
        window,
        coverage: covered,
        figure: flag(figure),
        date: flag(date),
        entity: flag(entity),
        numbers,
        run: run.min(1.0),
        proximity: own.proximity,
        length: (1.0 + own.len as f32).ln(),
        first_stage: standing.first_stage,
        previous,
        next,
        paragraph_best: standing.paragraph_best,
        paragraph_share: standing.paragraph_share,
        answer_head: flag(
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
        passage: standing.passage,
    }
}

/// True when `sentence` names an entity of `kind` that the question does not name.
fn has_new_entity(sentence: &Sentence, kind: EntityKind, question: &Question) -> bool {
    sentence.entities.iter().any(|entity| {
        entity.kind() == Some(kind)
            && sentence
                .normalized
                .get(entity.start as usize..entity.end as usize)
                .is_some_and(|name| !question.normalized.contains(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RetrievalConfig;
    use crate::rank::FieldQuery;
    use crate::rank::tests::corpus_of;

    #[test]
    fn names_and_values_keep_their_order() {
        let mut values = [0.0; N_FEATURES];
        for (at, value) in values.iter_mut().enumerate() {
            *value = at as f32;
        }
        let features = Features::from_values(values);
        assert_eq!(features.values(), values);
        assert_eq!(features.bigrams, 0.0);
        assert_eq!(features.coverage, 3.0);
        assert_eq!(features.passage, (N_FEATURES - 1) as f32);
        assert_eq!(Features::NAMES[3], "coverage");
        assert_eq!(Features::NAMES[N_FEATURES - 1], "passage");
    }

    #[test]
    fn counts_the_question_characters_a_sentence_uses() {
        use crate::question::{Synonyms, parse_question};

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
                RetrievalConfig::default().coverage,
            );
            let standing = Standing {
                first_stage: 1.0,
                paragraph_share: 1.0,
                paragraph_best: 0.0,
                passage: 1.0,
            };
            let at = Features::NAMES
                .iter()
                .position(|known| *known == name)
                .unwrap();
            features(&query, &corpus, ord, standing, &Ranker::default()).values()[at]
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
