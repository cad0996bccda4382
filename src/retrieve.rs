//! Question → ranked sentences. The question is normalised like the corpus, cut into content
//! terms (question words dropped, synonyms attached), and turned into a tantivy query built from
//! tokens — raw user text never reaches a query parser, so `AND ( " * :` are just characters.
//! tantivy's BM25 over words, bigrams and the ±1 window picks candidates; they are re-ranked by
//! how much of the question (IDF-weighted) they cover and by what the question asks for (a
//! figure, a date, a year). Pure: an open index and the corpus in, hits out.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::config::{RetrievalConfig, Synonyms};
use crate::corpus::{Corpus, Sentence};
use crate::index::{Fields, SentenceIndex};
use crate::normalize::{is_cjk, normalize};
use crate::rerank::{
    self, COVERAGE, FUNCTION_CHARS, Features, FieldQuery, Ranker, RerankQuery, Standing,
};
use crate::tokenize::{
    EntityKind, bigram_tokens, bigrams, inner_words, names_a_thing, tagged_words, word_boundaries,
    words,
};
use rustc_hash::{FxHashMap, FxHashSet};

/// A question, read for search.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Normalised question text.
    pub normalized: String,
    /// The normalised text without its question phrases (是多少, 什么时候 …): the wording a
    /// sentence that answers may repeat.
    pub content: String,
    /// Content terms, in question order.
    pub terms: Vec<QueryTerm>,
    /// The question asks for an amount (多少, 几, 多大 …).
    pub wants_figure: bool,
    /// The question asks for a time (什么时候, 何时, 哪一年 …).
    pub wants_date: bool,
    /// Numbers written in digits in the question (2021, 10), which a sentence that answers
    /// tends to repeat.
    pub numbers: Vec<String>,
    /// The question asks for a person (谁), a place (哪里) or an organisation (哪家机构).
    pub asks: Option<EntityKind>,
    /// The noun a 什么/哪个 question asks for a kind of (什么奖 → 奖, 哪个国家 → 国家): an
    /// answer usually names it (一等奖).
    pub answer_head: Option<String>,
    /// What follows the first question word (哪一个山脉之间 → 山脉之间; empty when there is
    /// none): the words an answer tends to stand next to.
    pub after_asked: String,
}

/// One content term of a question and the words that may stand for it in the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    pub text: String,
    pub synonyms: Vec<String>,
    /// The term names a thing (房价, 云冈石窟) rather than an action or amount (搞出, 第一次):
    /// one the corpus never uses is a sign the question is about something else.
    pub names_a_thing: bool,
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
}

/// Words that ask rather than say; they are dropped from the search terms. Checked on
/// normalised (Simplified) tokens.
const QUESTION_WORDS: &[&str] = &[
    "多少",
    "几",
    "几个",
    "几座",
    "几家",
    "几位",
    "几年",
    "几月",
    "几号",
    "几天",
    "几次",
    "几种",
    "多大",
    "多高",
    "多长",
    "多久",
    "多远",
    "多重",
    "多快",
    "什么",
    "什么样",
    "什么时候",
    "时候",
    "啥",
    "谁",
    "哪",
    "哪里",
    "哪儿",
    "哪个",
    "哪些",
    "哪家",
    "哪年",
    "哪一年",
    "哪天",
    "何时",
    "何",
    "怎么",
    "怎么样",
    "怎样",
    "如何",
    "为什么",
    "为何",
    "是否",
    "吗",
    "呢",
    "吧",
    "啊",
    "么",
    "请问",
    "请",
    "告诉",
    "我",
    "我们",
    "你",
    "你们",
    "想",
    "知道",
    "一下",
    "是",
    "的",
    "了",
    "在",
    "有",
    "和",
    "与",
    "及",
    "或",
    "等",
    "也",
    "都",
    "就",
    "还",
    "又",
    "这",
    "那",
    "个",
    "那个",
    "这个",
    "要",
    "能",
    "会",
    "可以",
    "一共",
    "共",
    "总共",
    "大概",
    "到底",
    "现在",
    "目前",
    "呀",
    "吗?",
    "叫",
    "去",
    "搞",
    "做",
    "了吗",
    "得",
    "地",
    "被",
    "把",
    "对",
    "从",
    "给",
    "让",
    // Function words of the written register (于, 以, 由于) and pronouns: they glue a
    // question together and say nothing about what it is about.
    "于",
    "以",
    "而",
    "由",
    "为",
    "之",
    "其",
    "将",
    "曾",
    "已",
    "并",
    "且",
    "则",
    "即",
    "因",
    "由于",
    "因为",
    "所以",
    "他",
    "她",
    "它",
    "他们",
    "她们",
    "它们",
    "此",
    "该",
    "一个",
    "一种",
    "一些",
];

/// Question phrases removed before segmentation, longest first.
const QUESTION_PHRASES: &[&str] = &[
    "什么时候",
    "是什么",
    "是多少",
    "有多少",
    "叫什么",
    "是哪些",
    "有哪些",
    "是哪个",
    "是哪里",
    "在哪里",
    "在哪儿",
    "怎么样",
    "是怎么",
    "是谁",
    "是啥",
    "叫啥",
    "有啥",
    "多少",
    "什么",
    "哪些",
    "哪里",
    "哪儿",
    "怎么",
    "如何",
    "为什么",
    "吗",
    "呢",
];

/// Finds the question phrases in one pass, the first listed winning where two start together
/// (是多少 before 多少).
static QUESTION_PHRASE_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(QUESTION_PHRASES)
        .expect("the question phrases are plain words")
});

/// `text` with each question phrase replaced by a space.
fn drop_question_phrases(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    QUESTION_PHRASE_FINDER.replace_all_with(text, &mut kept, |_, _, kept| {
        kept.push(' ');
        true
    });
    kept
}

/// Measure words, which jieba glues to the word beside them (多少个村 → 个村, 那场).
const CLASSIFIERS: &[char] = &[
    '个', '架', '座', '家', '名', '位', '条', '项', '台', '场', '次', '种', '所', '辆', '只', '件',
];

/// Demonstratives and interrogatives that jieba glues to a measure word (那场, 哪家).
const POINTERS: &[char] = &['这', '那', '哪', '几', '每', '该'];

/// Drops pointer + measure word (那场, 哪家): it points at a thing, it does not name one.
fn strip_classifier(word: &str) -> &str {
    let mut chars = word.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(first), Some(second), None)
            if POINTERS.contains(&first) && CLASSIFIERS.contains(&second) =>
        {
            ""
        }
        _ => word,
    }
}

/// A number question with its measure word (多少个, 几家): removed before segmentation, so the
/// noun after it stands alone (多少个村 → 村) while words that merely start with a measure
/// word (名字, 家庭) stay whole.
static COUNT_RE: LazyLock<Regex> = LazyLock::new(|| {
    let classifiers: String = CLASSIFIERS.iter().collect();
    Regex::new(&format!("(?:多少|几)[{classifiers}]")).expect("count pattern is valid")
});

/// Interrogatives in the forms both scripts and registers use (哪一个, 何处, 甚么, 几时), removed
/// before segmentation like the question phrases, so neither they nor the pieces jieba would
/// cut from them (一个, 一种, 何处) become search terms. A match led by 任 or 几 (任何, 几何) is
/// an ordinary word and stays.
static INTERROGATIVE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        "(?:什么|甚么)(?:样的|样|时候|时间)?",
        "|哪一?(?:方面|个|种|位|些|项|类|家|所|座|条|部|本|场|方|边|件|次|届|支|段|只|名|间|样|年|天|里|儿)?",
        "|[任如为几]?何[时年处地人种者物谓故日]",
        "|几(?:时|岁|世纪)",
        "|谁",
    ))
    .expect("interrogative pattern is valid")
});

/// `text` without its interrogatives (see [`INTERROGATIVE_RE`]).
fn drop_interrogatives(text: &str) -> String {
    INTERROGATIVE_RE
        .replace_all(text, |found: &regex::Captures| {
            let found = &found[0];
            if found.starts_with('任') || found.starts_with("几何") {
                found.to_string()
            } else {
                " ".to_string()
            }
        })
        .into_owned()
}

/// Words that mark a question about an amount.
const FIGURE_CUES: &[&str] = &[
    "多少", "几", "多大", "多高", "多长", "多久", "多远", "多重", "多快", "比例", "占比",
];

/// Words that mark a question about a time.
const DATE_CUES: &[&str] = &[
    "什么时候",
    "何时",
    "哪年",
    "哪天",
    "何年",
    "何日",
    "几时",
    "几月",
    "几号",
    "日期",
    "时间",
    "时期",
    "年代",
    "朝代",
    "年份",
    "世纪",
];

/// Words that mark a question about a person, a place or an organisation, with what they ask.
const ENTITY_CUES: &[(&str, EntityKind)] = &[
    ("谁", EntityKind::Person),
    ("哪位", EntityKind::Person),
    ("什么人", EntityKind::Person),
    ("何人", EntityKind::Person),
    ("哪里", EntityKind::Place),
    ("哪儿", EntityKind::Place),
    ("在哪", EntityKind::Place),
    ("何处", EntityKind::Place),
    ("何地", EntityKind::Place),
    ("什么地方", EntityKind::Place),
    ("哪个地方", EntityKind::Place),
    ("哪个国家", EntityKind::Place),
    ("哪国", EntityKind::Place),
    ("哪个城市", EntityKind::Place),
    ("哪座城市", EntityKind::Place),
    ("哪个省", EntityKind::Place),
    ("哪个地区", EntityKind::Place),
    ("哪地区", EntityKind::Place),
    ("哪个州", EntityKind::Place),
    ("哪州", EntityKind::Place),
    ("哪个岛", EntityKind::Place),
    ("哪座岛", EntityKind::Place),
    ("哪座山", EntityKind::Place),
    ("哪条河", EntityKind::Place),
    ("哪个县", EntityKind::Place),
    ("哪个洲", EntityKind::Place),
    ("哪个组织", EntityKind::Organization),
    ("什么组织", EntityKind::Organization),
    ("哪个机构", EntityKind::Organization),
    ("什么机构", EntityKind::Organization),
    ("哪家公司", EntityKind::Organization),
    ("什么公司", EntityKind::Organization),
    ("哪所", EntityKind::Organization),
    ("哪个单位", EntityKind::Organization),
    ("哪个部门", EntityKind::Organization),
    ("哪个大学", EntityKind::Organization),
    ("哪个政党", EntityKind::Organization),
    ("哪个球队", EntityKind::Organization),
    ("哪支球队", EntityKind::Organization),
    ("哪个队", EntityKind::Organization),
];

/// An interrogative that asks for a kind of thing, and what follows it.
/// The first question word, read in the cue text (哪一 as 哪; 任何, 几何, 几乎 masked).
static ASKED_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("什么|甚么|哪|谁|何|多少|几|怎么|怎样|如何").expect("question word pattern is valid")
});

static KIND_QUESTION_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("(?:什么|甚么|何种|哪一?[个种位些项类家所座条部本场件]?)([^?？,，。、]{1,8})")
        .expect("kind question pattern is valid")
});

/// The last of the nouns right after a 什么/哪个 (什么运营体系 → 体系).
fn answer_head(normalized: &str) -> Option<String> {
    let following = KIND_QUESTION_RE.captures(normalized)?.get(1)?.as_str();
    tagged_words(following)
        .into_iter()
        .take_while(|(word, tag)| names_a_thing(tag) && !QUESTION_WORDS.contains(word))
        .last()
        .map(|(word, _)| word.to_string())
}

static NUMBER_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+(?:\.\d+)?").expect("number pattern is valid"));

/// Reads a question: normalises it, finds its content terms and what it asks for.
pub fn parse_question(question: &str, synonyms: &Synonyms) -> Question {
    let normalized = normalize(question);
    let (whole, mut covered) = synonym_entries(&normalized, synonyms);
    let mut terms: Vec<QueryTerm> = whole
        .into_iter()
        .map(|word| QueryTerm {
            text: word.to_string(),
            synonyms: synonyms.of(word).to_vec(),
            names_a_thing: true,
        })
        .collect();
    // Question phrases go before segmentation: left in, they glue to their neighbours
    // (阳高红是啥 → 阳高 / 红是).
    covered = COUNT_RE.replace_all(&covered, " ").into_owned();
    let covered = drop_interrogatives(&drop_question_phrases(&covered));
    let content = drop_interrogatives(&drop_question_phrases(&normalized));
    // Cues are matched with 哪一 read as 哪 (哪一个国家, 哪一位): one list serves both. 任何,
    // 几何 and 几乎 ask nothing.
    let mut cue_text = normalized.replace("哪一", "哪");
    for word in ["任何", "几何", "几乎"] {
        cue_text = cue_text.replace(word, " ");
    }
    for (word, tag) in tagged_words(&covered) {
        let word = strip_classifier(word);
        if word.is_empty()
            || QUESTION_WORDS.contains(&word)
            || terms.iter().any(|term| term.text == word)
        {
            continue;
        }
        terms.push(QueryTerm {
            text: word.to_string(),
            synonyms: synonyms.of(word).to_vec(),
            names_a_thing: names_a_thing(tag),
        });
    }
    Question {
        wants_figure: FIGURE_CUES.iter().any(|cue| cue_text.contains(cue)),
        wants_date: DATE_CUES.iter().any(|cue| cue_text.contains(cue)),
        numbers: NUMBER_RE
            .find_iter(&normalized)
            .map(|found| found.as_str().to_string())
            .collect(),
        asks: ENTITY_CUES
            .iter()
            .find(|(cue, _)| cue_text.contains(cue))
            .map(|(_, kind)| *kind),
        answer_head: answer_head(&normalized),
        after_asked: ASKED_RE
            .find(&cue_text)
            .map(|asked| cue_text[asked.end()..].to_string())
            .unwrap_or_default(),
        terms,
        normalized,
        content,
    }
}

/// The question's tokens for each field, with weights: 1 for the question's own words, less
/// for a synonym's. Shared by the index query and the re-ranker, in question order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryTokens {
    pub words: Vec<(String, f32)>,
    pub bigrams: Vec<(String, f32)>,
}

/// Synonym entries found whole in the question, longest first, and the question with them
/// blanked out. Multi-word entries (地区生产总值, 村容整治) are taken before jieba can cut them
/// differently in the question and in the corpus (大同 in 大/同一/共产), but never from inside
/// one of the question's words: 出 is not read in 出口, nor 增长 in 增长率.
fn synonym_entries<'a>(normalized: &str, synonyms: &'a Synonyms) -> (Vec<&'a str>, String) {
    let mut occurrences = synonyms.occurrences(normalized);
    if occurrences.is_empty() {
        return (Vec::new(), normalized.to_string());
    }
    // Longest first, then in question order.
    occurrences.sort_by_key(|(word, at)| (std::cmp::Reverse(word.chars().count()), at.start));
    let boundaries: FxHashSet<usize> = word_boundaries(normalized).into_iter().collect();
    let mut taken = vec![false; normalized.len()];
    let mut entries: Vec<&str> = Vec::new();
    for (word, Range { start, end }) in occurrences {
        let whole_words = boundaries.contains(&start) && boundaries.contains(&end);
        let spans_words = boundaries.iter().any(|&at| start < at && at < end);
        if (whole_words || spans_words) && !taken[start..end].contains(&true) {
            taken[start..end].fill(true);
            if !entries.contains(&word) {
                entries.push(word);
            }
        }
    }
    let covered = normalized
        .char_indices()
        .map(|(at, ch)| if taken[at] { ' ' } else { ch })
        .collect();
    (entries, covered)
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

/// Characters of interrogatives: next to a one-character term they make no bigram worth
/// searching, nor do function characters (`rerank::FUNCTION_CHARS`).
const INTERROGATIVE_CHARS: &str = "多少几什么哪谁何";

/// The question's bigrams that hold one of its one-character terms (多少个村 → 个村). Such a
/// term is a token of its own only where a text has the character alone; within a sentence it
/// is part of bigrams (500个村环境 → 个村, 村环), and the question's own neighbours of it are
/// the likeliest of those.
fn lone_character_bigrams(question: &Question) -> Vec<&str> {
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

/// The index's best `config.candidates` sentences for `question`, with their features.
pub fn candidates(
    question: &Question,
    index: &SentenceIndex,
    corpus: &Corpus,
    config: &RetrievalConfig,
    ranker: &Ranker,
) -> tantivy::Result<Candidates> {
    if question.terms.is_empty() || config.candidates == 0 {
        return Ok(Candidates::default());
    }
    let tokens = query_tokens(question, config.synonym_weight);
    let searcher = index.reader.searcher();
    let query = build_query(&tokens, index, config);
    let found = searcher.search(
        &query,
        &TopDocs::with_limit(config.candidates).order_by_score(),
    )?;
    let fields = index.fields;
    let term_weights = term_weights(question, &searcher, fields.words);
    let unknown_share = unknown_share(question, &term_weights, &searcher, fields);
    let Some(best) = found.first().map(|(score, _)| *score) else {
        return Ok(Candidates {
            list: Vec::new(),
            unknown_share,
        });
    };
    let n_docs = searcher.num_docs() as f32;
    let idf = |field: Field| {
        let searcher = &searcher;
        move |token: &str| {
            let df = searcher
                .doc_freq(&Term::from_field_text(field, token))
                .unwrap_or(0) as f32;
            (1.0 + (n_docs - df + 0.5) / (df + 0.5)).ln()
        }
    };
    let rerank_query = RerankQuery::new(
        question,
        FieldQuery::new(
            &tokens.bigrams,
            idf(fields.bigrams),
            index.mean_len.bigrams,
            ranker.k1,
        ),
        FieldQuery::new(
            &tokens.words,
            idf(fields.words),
            index.mean_len.words,
            ranker.k1,
        ),
        FieldQuery::new(
            &tokens.bigrams,
            idf(fields.window),
            index.mean_len.window,
            ranker.k1,
        ),
        term_weights,
    );
    let mut columns = HashMap::new();
    let mut proposed = Vec::with_capacity(found.len());
    for (score, address) in found {
        if let std::collections::hash_map::Entry::Vacant(slot) = columns.entry(address.segment_ord)
        {
            let reader = searcher.segment_reader(address.segment_ord);
            slot.insert(reader.fast_fields().u64("ord")?);
        }
        let Some(ord) = columns[&address.segment_ord].first(address.doc_id) else {
            continue;
        };
        let ord = ord as usize;
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
                features: rerank::features(&rerank_query, corpus, proposal.ord, standing, ranker),
            }
        })
        .collect();
    Ok(Candidates {
        list: described,
        unknown_share,
    })
}

/// Ranks the corpus sentences for `question`, best first. When no sentence near the top covers
/// enough of the question the result is empty: "not found".
pub fn retrieve(
    question: &Question,
    index: &SentenceIndex,
    corpus: &Corpus,
    config: &RetrievalConfig,
    ranker: &Ranker,
) -> tantivy::Result<Vec<Hit>> {
    let found = candidates(question, index, corpus, config, ranker)?;
    let mut hits: Vec<Hit> = found
        .list
        .iter()
        .map(|candidate| Hit {
            sentence_idx: candidate.sentence_idx,
            score: ranker.score(&candidate.features),
            coverage: candidate.features[COVERAGE],
        })
        .collect();
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.sentence_idx.cmp(&b.sentence_idx))
    });
    // Scores are reported relative to the best (the model's odds against it), so callers can
    // compare sentences without knowing the model's scale.
    if let Some(best) = hits.first().map(|hit| hit.score) {
        for hit in &mut hits {
            hit.score = (hit.score - best).exp();
        }
    }
    // "Not found" is decided on the best-covered of the first few sentences, not sentence by
    // sentence: a sentence that answers need not repeat every word of the question, but when
    // none near the top covers enough of it, the corpus does not hold the answer.
    if !covers_enough(&hits, found.unknown_share, config) {
        hits.clear();
    }
    Ok(hits)
}

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

/// How much an unknown verb, number or adverb (搞出, 第一次) counts against an unknown noun:
/// people ask in their own words for actions and amounts, while a thing the corpus never
/// names is usually what the question is about.
const UNKNOWN_ACTION_SHARE: f32 = 0.3;

/// IDF-weighted share of the question's terms that no sentence contains: a term counts as
/// known when one of its spellings has every character bigram somewhere in the corpus.
/// One-character terms are always known (they say little about the topic), and unknown terms
/// that do not name a thing count less.
fn unknown_share(question: &Question, weights: &[f32], searcher: &Searcher, fields: Fields) -> f32 {
    let total: f32 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let seen = |field: Field, token: &str| {
        searcher
            .doc_freq(&Term::from_field_text(field, token))
            .is_ok_and(|df| df > 0)
    };
    let known = |text: &str| {
        bigram_tokens(text)
            .into_iter()
            .all(|bigram| seen(fields.bigrams, bigram))
    };
    // A part counts only as a word the corpus uses, not as characters inside another word
    // (马拉 in 小马拉大车 says nothing about 马拉松).
    let known_word = |word: &str| seen(fields.words, word);
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
                weight * UNKNOWN_ACTION_SHARE
            };
            weight * unknown_part(&term.text, known_word)
        })
        .sum();
    unknown / total
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

/// Should-clauses of term queries over the three fields; a synonym counts a little less than
/// the question's own word.
fn build_query(
    tokens: &QueryTokens,
    index: &SentenceIndex,
    config: &RetrievalConfig,
) -> BooleanQuery {
    let fields = index.fields;
    let words = tokens
        .words
        .iter()
        .map(|(token, weight)| (fields.words, token, weight * config.words_weight));
    let bigrams = tokens.bigrams.iter().flat_map(|(token, weight)| {
        [
            (fields.bigrams, token, *weight),
            (fields.window, token, weight * config.window_weight),
        ]
    });
    let clauses: Vec<(Occur, Box<dyn Query>)> = words
        .chain(bigrams)
        .filter(|(_, _, boost)| *boost > 0.0)
        .map(|(field, token, boost)| {
            let query = TermQuery::new(
                Term::from_field_text(field, token),
                IndexRecordOption::WithFreqs,
            );
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(query), boost)) as Box<dyn Query>,
            )
        })
        .collect();
    BooleanQuery::new(clauses)
}

/// Weight of a one-character term against its IDF.
const SINGLE_CHAR_WEIGHT: f32 = 0.3;

/// IDF of each term: the rarest of its words decides. A word the index has never seen gets the
/// highest weight, so a question about something absent cannot be covered by common words.
fn term_weights(question: &Question, searcher: &Searcher, words_field: Field) -> Vec<f32> {
    let n_docs = searcher.num_docs() as f32;
    let idf = |word: &str| {
        let df = searcher
            .doc_freq(&Term::from_field_text(words_field, word))
            .unwrap_or(0) as f32;
        (1.0 + (n_docs - df + 0.5) / (df + 0.5)).ln()
    };
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
                weight * SINGLE_CHAR_WEIGHT
            } else {
                weight
            }
        })
        .collect()
}

/// IDF-weighted share of the question's terms found in `sentence` (normalised). A term found
/// whole (or as a synonym) counts fully; a term in the document's `topic` (its title) counts
/// nearly fully, since a report about 大同 does not repeat 大同 in every sentence; otherwise the
/// share of its bigrams found counts at a discount, which forgives segmentation and small
/// wording differences.
pub fn coverage(question: &Question, weights: &[f32], sentence: &Sentence, topic: &str) -> f32 {
    /// Credit for a term found only inside a longer word (大学 in 清华大学).
    const INSIDE_WORD_CREDIT: f32 = 0.5;
    /// Credit for a term matched only through some of its bigrams.
    const PARTIAL_CREDIT: f32 = 0.7;
    /// Credit for a term found only in the document's title.
    const TOPIC_CREDIT: f32 = 0.8;
    let total: f32 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let text = sentence.normalized.as_str();
    let found: f32 = question
        .terms
        .iter()
        .zip(weights)
        .map(|(term, weight)| {
            let variants = || std::iter::once(&term.text).chain(&term.synonyms);
            if variants().any(|variant| contains_word(text, &sentence.boundaries, variant)) {
                return *weight;
            }
            if !topic.is_empty() && topic.contains(term.text.as_str()) {
                return weight * TOPIC_CREDIT;
            }
            if variants().any(|variant| text.contains(variant.as_str())) {
                return weight * INSIDE_WORD_CREDIT;
            }
            let grams = bigrams(&term.text);
            if grams.len() < 2 {
                return 0.0;
            }
            let n_found = grams
                .iter()
                .filter(|gram| text.contains(gram.as_str()))
                .count();
            weight * PARTIAL_CREDIT * n_found as f32 / grams.len() as f32
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
    use crate::tokenize::analyze;

    fn synonyms() -> Synonyms {
        Synonyms::from_groups(&[
            vec!["GDP".into(), "地区生产总值".into()],
            vec!["旅客".into(), "游客".into()],
        ])
    }

    fn check(
        question: &str,
        terms: &[&str],
        wants_figure: bool,
        wants_date: bool,
        numbers: &[&str],
    ) {
        let parsed = parse_question(question, &synonyms());
        let texts: Vec<&str> = parsed.terms.iter().map(|term| term.text.as_str()).collect();
        assert_eq!(texts, terms, "terms of {question}");
        assert_eq!(
            parsed.wants_figure, wants_figure,
            "wants_figure of {question}"
        );
        assert_eq!(parsed.wants_date, wants_date, "wants_date of {question}");
        assert_eq!(parsed.numbers, numbers, "numbers of {question}");
    }

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

    #[test]
    fn reads_questions() {
        check(
            "大同2021年GDP是多少?",
            &["gdp", "大同", "2021", "年"],
            true,
            false,
            &["2021"],
        );
        check("請問旅客有多少", &["旅客"], true, false, &[]);
        check("成绩什么时候出", &["成绩", "出"], false, true, &[]);
        check("什么?", &[], false, false, &[]);
        check("大同有多少个村", &["大同", "村"], true, false, &[]);
        check("用了几架飞机", &["用", "飞机"], true, false, &[]);
        check("市长叫什么名字", &["市长", "名字"], false, false, &[]);
        check("AND ( \" * :", &["and"], false, false, &[]);
        check("", &[], false, false, &[]);
        // Interrogatives of either script and register leave nothing behind.
        check(
            "哪一個國家最早發明紙？",
            &["国家", "最早", "发明", "纸"],
            false,
            false,
            &[],
        );
        check(
            "查普曼是由於哪一個疾病而往生的?",
            &["查普曼", "疾病", "往生"],
            false,
            false,
            &[],
        );
        check(
            "馬關條約於何年簽署?",
            &["马关条约", "签署"],
            false,
            true,
            &[],
        );
        check("鳥擊指的是甚麼?", &["鸟击", "指"], false, false, &[]);
        check("他在幾歲時去世", &["时", "去世"], true, false, &[]);
        // 任何 and 几何 are words, not questions.
        check(
            "任何时候都能用几何方法吗",
            &["任何", "用", "几何", "方法"],
            false,
            false,
            &[],
        );
    }

    #[test]
    fn tells_things_from_actions_and_amounts() {
        let check = |question: &str, expected: &[(&str, bool)]| {
            let parsed = parse_question(question, &synonyms());
            let got: Vec<(&str, bool)> = parsed
                .terms
                .iter()
                .map(|term| (term.text.as_str(), term.names_a_thing))
                .collect();
            assert_eq!(got, expected, "{question}");
        };
        check("大同的房价是多少", &[("大同", false), ("房价", true)]);
        check(
            "黄花搞出了多少种产品",
            &[("黄花", true), ("搞出", false), ("产品", true)],
        );
        check(
            "第一次引进数据项目",
            &[
                ("第一次", false),
                ("引进", false),
                ("数据", true),
                ("项目", true),
            ],
        );
        check(
            "大同有几家三甲医院",
            &[("大同", false), ("三甲", true), ("医院", true)],
        );
    }

    #[test]
    fn attaches_synonyms() {
        let parsed = parse_question("大同地区生产总值", &synonyms());
        assert_eq!(
            parsed.terms[0],
            QueryTerm {
                text: "地区生产总值".into(),
                synonyms: vec!["gdp".into()],
                names_a_thing: true,
            }
        );
    }

    #[test]
    fn reads_synonym_entries_where_they_stand_whole() {
        let synonyms = Synonyms::from_groups(&[
            vec!["出".into(), "发布".into()],
            vec!["增长".into(), "增速".into()],
            vec!["大同".into(), "大同市".into()],
            vec!["地区生产总值".into(), "GDP".into()],
            vec!["村容整治".into(), "人居环境整治".into()],
        ]);
        // (question, entries read whole, longest first)
        let cases: &[(&str, &[&str])] = &[
            ("成绩什么时候出", &["出"]),
            ("进出口总额是多少", &[]),
            ("出口增长率是多少", &[]),
            ("去年增长了多少", &["增长"]),
            ("2021到2024年大同一共产了多少原煤", &["大同"]),
            ("大同市地区生产总值", &["地区生产总值", "大同市"]),
            ("大同地区生产总值", &["地区生产总值", "大同"]),
            ("大同2021年村容整治搞了多少个村", &["村容整治", "大同"]),
            ("大同的大同市", &["大同市", "大同"]),
            ("游客人数", &[]),
        ];
        for (question, expected) in cases {
            let (entries, covered) = synonym_entries(&normalize(question), &synonyms);
            assert_eq!(&entries, expected, "entries of {question}");
            for entry in entries {
                assert!(!covered.contains(entry), "{entry} left in {covered}");
            }
            assert_eq!(covered.chars().count(), question.chars().count());
        }
    }

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
            let sentence = Sentence {
                id: crate::corpus::SentenceId {
                    doc: 1,
                    para: 1,
                    sent: 1,
                },
                doc_idx: 0,
                text: text.to_string(),
                boundaries: analyze(&normalized).boundaries,
                entities: Vec::new(),
                normalized,
            };
            let got = coverage(&question, weights, &sentence, "大同日报");
            assert!((got - expected).abs() < 1e-4, "{text}: {got} != {expected}");
        };
        check(&[1.0, 1.0, 2.0], "大同大学的刀削面很有名", 1.0);
        check(&[1.0, 1.0, 2.0], "大同是古都", 0.25);
        check(&[1.0, 1.0, 2.0], "邀请清华大学研究院", (0.8 + 0.5) / 4.0);
        check(&[1.0, 1.0, 2.0], "刀削的面", (0.8 + 2.0 * 0.7 * 0.5) / 4.0);
        check(&[0.0, 0.0, 0.0], "大同大学刀削面", 0.0);
    }

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
    fn reads_what_a_question_asks_for() {
        let check = |question: &str, asks: Option<EntityKind>, numbers: &[&str]| {
            let parsed = parse_question(question, &synonyms());
            assert_eq!(parsed.asks, asks, "asks of {question}");
            assert_eq!(parsed.numbers, numbers, "numbers of {question}");
        };
        check("谁设计了该教堂？", Some(EntityKind::Person), &[]);
        check("額亦都是哪位將領", Some(EntityKind::Person), &[]);
        check("沼鹿原住于哪里", Some(EntityKind::Place), &[]);
        check("这家公司总部在哪个国家", Some(EntityKind::Place), &[]);
        check("他毕业于哪所大学", Some(EntityKind::Organization), &[]);
        check("狄拉克長眠於何處?", Some(EntityKind::Place), &[]);
        check("哪一個國家最早發明紙", Some(EntityKind::Place), &[]);
        check("哪一位皇帝下令修建", Some(EntityKind::Person), &[]);
        check("大同2021年GDP是多少", None, &["2021"]);
        let head = |question: &str| parse_question(question, &synonyms()).answer_head;
        assert_eq!(head("云冈石窟数字保护项目拿了什么奖？"), Some("奖".into()));
        assert_eq!(head("晋创谷大同要构建什么运营体系"), Some("体系".into()));
        assert_eq!(head("哪一個國家最早發明紙"), Some("国家".into()));
        assert_eq!(head("成绩什么时候出"), None);
        assert_eq!(head("大同GDP是多少"), None);
        check("10座煤矿增产多少万吨，占1.5%吗", None, &["10", "1.5"]);
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
    fn strips_measure_words() {
        let check =
            |word: &str, expected: &str| assert_eq!(strip_classifier(word), expected, "{word}");
        check("那场", "");
        check("哪家", "");
        check("大同", "大同");
        check("个", "个");
        check("名字", "名字");
        check("家庭", "家庭");
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

    #[test]
    fn keeps_what_follows_the_question_word() {
        let check = |question: &str, expected: &str| {
            let parsed = parse_question(question, &Synonyms::default());
            assert_eq!(parsed.after_asked, expected, "{question}");
        };
        check("拉萨河河谷平地位在冈底斯山脉和哪一个山脉之间", "个山脉之间");
        check("谁发明了电话", "发明了电话");
        check("大同2021年GDP是多少", "");
        check("任何人都能报名吗", "");
        check("德國聯邦鐵路與什麼公司合併", "公司合并");
    }
}
