//! Question → ranked sentences. The question is normalised like the corpus, cut into content
//! terms (question words dropped, synonyms attached), and turned into a tantivy query built from
//! tokens — raw user text never reaches a query parser, so `AND ( " * :` are just characters.
//! tantivy's BM25 over words, bigrams and the ±1 window picks candidates; they are re-ranked by
//! how much of the question (IDF-weighted) they cover and by what the question asks for (a
//! figure, a date, a year). Pure: an open index and the corpus in, hits out.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::config::{RetrievalConfig, Synonyms};
use crate::corpus::Corpus;
use crate::figures::{find_dates, find_figures};
use crate::index::SentenceIndex;
use crate::normalize::normalize;
use crate::tokenize::{bigrams, words};

/// A question, read for search.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Normalised question text.
    pub normalized: String,
    /// Content terms, in question order.
    pub terms: Vec<QueryTerm>,
    /// The question asks for an amount (多少, 几, 多大 …).
    pub wants_figure: bool,
    /// The question asks for a time (什么时候, 何时, 哪一年 …).
    pub wants_date: bool,
    /// Years named in the question (2021).
    pub years: Vec<String>,
}

/// One content term of a question and the words that may stand for it in the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    pub text: String,
    pub synonyms: Vec<String>,
}

/// A ranked sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Position in `Corpus::sentences`.
    pub sentence_idx: usize,
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
];

/// Words that mark a question about an amount.
const FIGURE_CUES: &[&str] = &[
    "多少", "几", "多大", "多高", "多长", "多久", "多远", "多重", "多快", "比例", "占比",
];

/// Words that mark a question about a time.
const DATE_CUES: &[&str] = &[
    "什么时候",
    "何时",
    "哪一年",
    "哪年",
    "哪天",
    "几月",
    "几号",
    "日期",
    "时间",
];

static YEAR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:19|20)\d\d").expect("year pattern is valid"));

/// Reads a question: normalises it, finds its content terms and what it asks for.
pub fn parse_question(question: &str, synonyms: &Synonyms) -> Question {
    let normalized = normalize(question);
    let mut terms: Vec<QueryTerm> = Vec::new();
    // Multi-word synonym entries (地区生产总值, 抽水蓄能) are taken whole, before jieba can cut
    // them differently in the question and in the corpus.
    let mut whole: Vec<&str> = synonyms
        .words()
        .filter(|word| normalized.contains(*word))
        .collect();
    whole.sort_by_key(|word| std::cmp::Reverse(word.chars().count()));
    let mut covered = normalized.clone();
    for word in whole {
        if covered.contains(word) {
            covered = covered.replace(word, " ");
            terms.push(QueryTerm {
                text: word.to_string(),
                synonyms: synonyms.of(word).to_vec(),
            });
        }
    }
    for word in words(&covered) {
        if QUESTION_WORDS.contains(&word) || terms.iter().any(|term| term.text == word) {
            continue;
        }
        terms.push(QueryTerm {
            text: word.to_string(),
            synonyms: synonyms.of(word).to_vec(),
        });
    }
    Question {
        wants_figure: FIGURE_CUES.iter().any(|cue| normalized.contains(cue)),
        wants_date: DATE_CUES.iter().any(|cue| normalized.contains(cue)),
        years: YEAR_RE
            .find_iter(&normalized)
            .map(|found| found.as_str().to_string())
            .collect(),
        terms,
        normalized,
    }
}

/// Ranks the corpus sentences for `question`, best first. Sentences that cover too little of
/// the question are left out, so an empty result means "not found".
pub fn retrieve(
    question: &Question,
    index: &SentenceIndex,
    corpus: &Corpus,
    config: &RetrievalConfig,
) -> tantivy::Result<Vec<Hit>> {
    if question.terms.is_empty() || config.candidates == 0 {
        return Ok(Vec::new());
    }
    let searcher = index.reader.searcher();
    let query = build_query(question, index, config);
    let candidates = searcher.search(
        &query,
        &TopDocs::with_limit(config.candidates).order_by_score(),
    )?;
    let weights = term_weights(question, &searcher, index.fields.words);
    let ord_column = |segment: u32| searcher.segment_reader(segment).fast_fields().u64("ord");
    let mut columns = HashMap::new();
    let mut hits = Vec::with_capacity(candidates.len());
    for (bm25, address) in candidates {
        if !columns.contains_key(&address.segment_ord) {
            columns.insert(address.segment_ord, ord_column(address.segment_ord)?);
        }
        let Some(ord) = columns[&address.segment_ord].first(address.doc_id) else {
            continue;
        };
        let Some(sentence) = corpus.sentences.get(ord as usize) else {
            continue;
        };
        let coverage = coverage(question, &weights, &sentence.normalized);
        if coverage < config.min_coverage {
            continue;
        }
        let mut score = bm25 * (0.5 + coverage);
        if question.wants_figure && !find_figures(&sentence.text).is_empty() {
            score *= config.figure_boost;
        }
        if question.wants_date && !find_dates(&sentence.text).is_empty() {
            score *= config.date_boost;
        }
        if question
            .years
            .iter()
            .any(|year| sentence.normalized.contains(year.as_str()))
        {
            score *= config.year_boost;
        }
        hits.push(Hit {
            sentence_idx: ord as usize,
            score,
            coverage,
        });
    }
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.sentence_idx.cmp(&b.sentence_idx))
    });
    Ok(hits)
}

/// Should-clauses of term queries over the three fields; a synonym counts a little less than
/// the question's own word.
fn build_query(
    question: &Question,
    index: &SentenceIndex,
    config: &RetrievalConfig,
) -> BooleanQuery {
    let fields = index.fields;
    let mut boosts: HashMap<(Field, String), f32> = HashMap::new();
    let mut add = |field: Field, token: String, boost: f32| {
        let entry = boosts.entry((field, token)).or_insert(0.0);
        *entry = entry.max(boost);
    };
    for term in &question.terms {
        let variants = std::iter::once((term.text.as_str(), 1.0)).chain(
            term.synonyms
                .iter()
                .map(|synonym| (synonym.as_str(), config.synonym_weight)),
        );
        for (variant, weight) in variants {
            for word in words(variant) {
                add(fields.words, word.to_string(), weight * config.words_weight);
            }
            for bigram in bigrams(variant) {
                add(fields.bigrams, bigram.clone(), weight);
                add(fields.window, bigram, weight * config.window_weight);
            }
        }
    }
    let clauses: Vec<(Occur, Box<dyn Query>)> = boosts
        .into_iter()
        .filter(|(_, boost)| *boost > 0.0)
        .map(|((field, token), boost)| {
            let query = TermQuery::new(
                Term::from_field_text(field, &token),
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
        .map(|weight| if weight.is_finite() { weight } else { 0.0 })
        .collect()
}

/// IDF-weighted share of the question's terms found in `sentence` (normalised). A term found
/// whole (or as a synonym) counts fully; otherwise the share of its bigrams found counts at a
/// discount, which forgives segmentation and small wording differences.
pub fn coverage(question: &Question, weights: &[f32], sentence: &str) -> f32 {
    /// Credit for a term matched only through some of its bigrams.
    const PARTIAL_CREDIT: f32 = 0.7;
    let total: f32 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let found: f32 = question
        .terms
        .iter()
        .zip(weights)
        .map(|(term, weight)| {
            let whole = std::iter::once(&term.text)
                .chain(&term.synonyms)
                .any(|variant| sentence.contains(variant.as_str()));
            if whole {
                return *weight;
            }
            let grams = bigrams(&term.text);
            if grams.len() < 2 {
                return 0.0;
            }
            let n_found = grams
                .iter()
                .filter(|gram| sentence.contains(gram.as_str()))
                .count();
            weight * PARTIAL_CREDIT * n_found as f32 / grams.len() as f32
        })
        .sum();
    found / total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synonyms() -> Synonyms {
        Synonyms::from_groups(&[
            vec!["GDP".into(), "地区生产总值".into()],
            vec!["旅客".into(), "游客".into()],
        ])
    }

    fn check(question: &str, terms: &[&str], wants_figure: bool, wants_date: bool, years: &[&str]) {
        let parsed = parse_question(question, &synonyms());
        let texts: Vec<&str> = parsed.terms.iter().map(|term| term.text.as_str()).collect();
        assert_eq!(texts, terms, "terms of {question}");
        assert_eq!(
            parsed.wants_figure, wants_figure,
            "wants_figure of {question}"
        );
        assert_eq!(parsed.wants_date, wants_date, "wants_date of {question}");
        assert_eq!(parsed.years, years, "years of {question}");
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
        check("AND ( \" * :", &["and"], false, false, &[]);
        check("", &[], false, false, &[]);
    }

    #[test]
    fn attaches_synonyms() {
        let parsed = parse_question("大同地区生产总值", &synonyms());
        assert_eq!(
            parsed.terms[0],
            QueryTerm {
                text: "地区生产总值".into(),
                synonyms: vec!["gdp".into()]
            }
        );
    }

    #[test]
    fn weighs_coverage() {
        let question = parse_question("大同刀削面", &synonyms());
        let check = |weights: &[f32], sentence: &str, expected: f32| {
            let got = coverage(&question, weights, sentence);
            assert!(
                (got - expected).abs() < 1e-4,
                "{sentence}: {got} != {expected}"
            );
        };
        check(&[1.0, 3.0], "大同刀削面很有名", 1.0);
        check(&[1.0, 3.0], "大同是古都", 0.25);
        check(&[1.0, 3.0], "刀削的面", 0.75 * 0.7 * 0.5);
        check(&[0.0, 0.0], "大同刀削面", 0.0);
    }
}
