//! The words questions are read with, in one place: question words dropped from the search
//! terms, question phrases and interrogatives removed before segmentation, measure words, and
//! the cues of what a question asks for (an amount, a time, a person, place or organisation).
//! All checked on normalised (Simplified) text.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use crate::text::segment::EntityKind;

/// Words that ask rather than say; they are dropped from the search terms. Checked on
/// normalised (Simplified) tokens.
pub const QUESTION_WORDS: &[&str] = &[
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
    // jieba keeps 有 with them: 北京到大同有多远.
    "有多大",
    "有多高",
    "有多长",
    "有多久",
    "有多远",
    "有多重",
    "有多快",
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
    "这些",
    "那些",
    "这条",
    "那条",
    "这种",
    "那种",
    "这家",
    "那家",
    "这项",
    "那项",
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
    "现已",
    "现有",
    "如今",
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
pub const QUESTION_PHRASES: &[&str] = &[
    // 规模有多大 is cut 有 / 多 / 大, and 多, 大 stood as terms (大环线, 大同).
    "有多大",
    "有多高",
    "有多长",
    "有多久",
    "有多远",
    "有多重",
    "有多快",
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
    "多大",
    "多久",
    "多远",
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
pub fn drop_question_phrases(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    QUESTION_PHRASE_FINDER.replace_all_with(text, &mut kept, |_, _, kept| {
        kept.push(' ');
        true
    });
    kept
}

/// Measure words, which jieba glues to the word beside them (多少个村 → 个村, 那场).
pub const CLASSIFIERS: &[char] = &[
    '个', '架', '座', '家', '名', '位', '条', '项', '台', '场', '次', '种', '所', '辆', '只', '件',
];

/// Demonstratives and interrogatives that jieba glues to a measure word (那场, 哪家).
pub const POINTERS: &[char] = &['这', '那', '哪', '几', '每', '该'];

/// Drops pointer + measure word (那场, 哪家): it points at a thing, it does not name one.
pub fn strip_classifier(word: &str) -> &str {
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

/// A year written in digits, and the character after it when 年 does not open a word with it.
pub static YEAR_END_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d\d年)([^底末初度内间均以前后来中上下里至到的\s\d])")
        .expect("year end pattern is valid")
});

/// A number question with its measure word (多少个, 几家): removed before segmentation, so the
/// noun after it stands alone (多少个村 → 村) while words that merely start with a measure
/// word (名字, 家庭) stay whole.
pub static COUNT_RE: LazyLock<Regex> = LazyLock::new(|| {
    let classifiers: String = CLASSIFIERS.iter().collect();
    Regex::new(&format!("(?:多少|几)[{classifiers}]")).expect("count pattern is valid")
});

/// Interrogatives in the forms both scripts and registers use (哪一个, 何处, 甚么, 几时), removed
/// before segmentation like the question phrases, so neither they nor the pieces jieba would
/// cut from them (一个, 一种, 何处) become search terms. A match led by 任 or 几 (任何, 几何) is
/// an ordinary word and stays.
pub static INTERROGATIVE_RE: LazyLock<Regex> = LazyLock::new(|| {
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
pub fn drop_interrogatives(text: &str) -> String {
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

/// Words that mark a question about an amount (see [`RANK_CUES`] for a place in a ranking).
pub const FIGURE_CUES: &[&str] = &[
    "多少",
    "几",
    "多大",
    "多高",
    "多长",
    "多久",
    "多远",
    "多重",
    "多快",
    "比例",
    "占比",
    "什么水平",
];

/// Words that ask for a place in a ranking (排第几, 什么位置: 全省第一).
pub const RANK_CUES: &[&str] = &[
    "第几",
    "前几",
    "排名多少",
    "排多少",
    "名次",
    "什么位置",
    "什么位次",
    "排名如何",
    "排名怎样",
    "排名怎么样",
];

/// `text` asks for an amount or a place in a ranking.
pub fn asks_figure(text: &str) -> bool {
    FIGURE_CUES
        .iter()
        .chain(RANK_CUES)
        .any(|cue| text.contains(cue))
}

/// Words that mark a question about a time.
pub const DATE_CUES: &[&str] = &[
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
pub const ENTITY_CUES: &[(&str, EntityKind)] = &[
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

/// The first question word, read in the cue text (哪一 as 哪; 任何, 几何, 几乎 masked).
pub static ASKED_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("什么|甚么|哪|谁|何|多少|几|怎么|怎样|如何").expect("question word pattern is valid")
});

/// An interrogative that asks for a kind of thing, and what follows it.
pub static KIND_QUESTION_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("(?:什么|甚么|何种|哪一?[个种位些项类家所座条部本场件]?)([^?？,，。、]{1,8})")
        .expect("kind question pattern is valid")
});

/// Numbers written in digits.
pub static NUMBER_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+(?:\.\d+)?").expect("number pattern is valid"));

/// Characters of interrogatives: next to a one-character term they make no bigram worth
/// searching, nor do function characters ([`FUNCTION_CHARS`]).
pub const INTERROGATIVE_CHARS: &str = "多少几什么哪谁何";

/// Characters that carry no content on their own (particles, copula, common prepositions):
/// left out of the character overlap, and no neighbour of a one-character term.
pub const FUNCTION_CHARS: &str = "的了是在和与及为吗呢么";

#[cfg(test)]
mod tests {
    use super::*;

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
}
