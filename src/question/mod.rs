//! A question read for search: normalised like the corpus, cut into content terms (question
//! words dropped, synonyms attached, synonym entries read whole), with what it asks for (an
//! amount, a time, a person, place or organisation, the kind of thing a 什么/哪个 names) and
//! the numbers it states. Pure; raw user text never reaches a query parser.

mod asked;
mod phrasing;
mod places;
mod synonyms;
mod tokens;
pub mod vocabulary;

use std::ops::Range;

use rustc_hash::FxHashSet;

use crate::text::normalize::normalize;
use crate::text::periods::{YearPart, asked_years, year_part, years_back};
use crate::text::segment::{EntityKind, names_a_thing, tagged_words, word_boundaries};

pub use synonyms::Synonyms;
pub use tokens::{QueryTokens, lone_character_bigrams, query_tokens};
use vocabulary::{
    ASKED_RE, COUNT_RE, DATE_CUES, ENTITY_CUES, KIND_QUESTION_RE, NUMBER_RE, QUESTION_WORDS,
    YEAR_END_RE, asks_figure, drop_interrogatives, drop_question_phrases, strip_classifier,
};

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
    /// The attribute asked for (旅游收入是多少 → 收入) with its synonyms: a sentence that
    /// answers, or its neighbour, names it.
    pub attribute: Option<QueryTerm>,
    /// The unit an amount is asked in (多少亿元 → 元).
    pub unit: Option<&'static str>,
    /// The years the question asks about (2020年, 二〇二〇年, 18年; 今年 and 去年 once
    /// [`Question::resolve_years`] has read them), sorted.
    pub years: Vec<u16>,
    /// Years counted back from the year of asking (今年 → 0, 去年 → 1), not yet in `years`.
    pub years_back: Vec<u16>,
    /// The part of a year asked about (前三季度, 国庆假期); `None` for a whole year.
    pub year_part: Option<YearPart>,
    /// The places the question names by an administrative suffix, without it (阳高县 →
    /// 阳高): a sentence answers only where it, its paragraph or its title names them.
    pub places: Vec<String>,
}

impl Question {
    /// Adds the years that 今年, 去年 and 前年 name when the question is asked in `this_year`:
    /// the question is read against the day it is asked, not against a document's date.
    pub fn resolve_years(&mut self, this_year: u16) {
        for back in std::mem::take(&mut self.years_back) {
            self.years.extend(this_year.checked_sub(back));
        }
        self.years.sort_unstable();
        self.years.dedup();
    }
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

/// The last of the nouns right after a 什么/哪个 (什么运营体系 → 体系).
fn answer_head(normalized: &str) -> Option<String> {
    let following = KIND_QUESTION_RE.captures(normalized)?.get(1)?.as_str();
    tagged_words(following)
        .into_iter()
        .take_while(|(word, tag)| names_a_thing(tag) && !QUESTION_WORDS.contains(word))
        .last()
        .map(|(word, _)| word.to_string())
}

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
    // A year glues to the name after it (2021年青禾镇 → 年青 / 禾 / 镇): it ends where it is
    // written, unless 年 opens a word of its own (年底, 年度, 年均 …).
    covered = YEAR_END_RE.replace_all(&covered, "${1} ${2}").into_owned();
    let covered = drop_interrogatives(&drop_question_phrases(&covered));
    let content = drop_interrogatives(&drop_question_phrases(&normalized));
    // Cues are matched with 哪一 read as 哪 (哪一个国家, 哪一位): one list serves both. 任何,
    // 几何 and 几乎 ask nothing.
    let mut cue_text = normalized.replace("哪一", "哪");
    for word in ["任何", "几何", "几乎"] {
        cue_text = cue_text.replace(word, " ");
    }
    let tagged = tagged_words(&covered);
    let places = places::places_named(&tagged, &normalized);
    for (word, tag) in tagged {
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
    phrasing::merge_bracketed(&normalized, &mut terms);
    phrasing::join_verb_objects(&normalized, synonyms, &mut terms);
    let unit = asked::asked_unit(&normalized);
    phrasing::drop_latin_unit(unit, &mut terms);
    Question {
        wants_figure: asks_figure(&cue_text),
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
        attribute: asked::asked_attribute(&normalized).map(|word| QueryTerm {
            synonyms: synonyms.of(&word).to_vec(),
            text: word,
            names_a_thing: true,
        }),
        unit,
        years: asked_years(&normalized),
        years_back: years_back(&normalized),
        year_part: year_part(&normalized),
        places,
        terms,
        normalized,
        content,
    }
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Two groups: an abbreviation and a pair of everyday words.
    pub fn synonyms() -> Synonyms {
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
        check(
            "大同现已投运服务器多少台",
            &["大同", "投运", "服务器"],
            true,
            false,
            &[],
        );
        // A place in a ranking is a figure too.
        check(
            "储能在全省处于什么名次",
            &["储能", "全省", "处于", "名次"],
            true,
            false,
            &[],
        );
        check("空气质量排名如何", &["空气质量", "排名"], true, false, &[]);
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
        // A year ends where it is written (not 年青), unless 年 opens a word (年底).
        check(
            "2021年青禾镇有多少人",
            &["2021", "年", "青禾", "镇", "人"],
            true,
            false,
            &["2021"],
        );
        check(
            "2021年底人口多少",
            &["2021", "年底", "人口"],
            true,
            false,
            &["2021"],
        );
        // jieba keeps 有 with 多远: the phrase asks, it is no term.
        check(
            "北京到大同有多远",
            &["北京", "到", "大同"],
            true,
            false,
            &[],
        );
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
