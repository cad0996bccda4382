//! What a question asks about: the attribute (the noun before 多少/几/什么/哪: 旅游收入是多少 →
//! 收入, 出口了多少吨 → 出口) and the unit it wants its figure in (多少亿元 → 元, 几座 → 座). A
//! sentence that answers names the attribute, or a neighbour does, and states a figure in the
//! unit; one that only shares the question's other words does not.

use std::sync::LazyLock;

use regex::Regex;

use super::vocabulary::{CLASSIFIERS, QUESTION_WORDS, RANK_CUES};
use crate::text::figures::leading_unit;
use crate::text::segment::{tagged_words, words};
use crate::text::values::RANK_UNIT;

/// Where the asking starts.
static ASKING_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("多少|几|多大|多高|多长|多久|多远|多重|什么|甚么|哪|谁|何|怎么|如何|怎样|比例|占比")
        .expect("asking pattern is valid")
});

/// Words that stand between an attribute and the question word without being one (是多少,
/// 一共有多少, 达到了多少).
const LINKING_WORDS: &[&str] = &[
    "是", "有", "为", "达", "达到", "约", "大约", "大概", "一共", "共", "总共", "了", "的", "到",
    "在", "排", "第", "占", "要", "能", "将", "会", "还", "都", "已", "已经", "目前", "现在",
    "分别", "可以", "能够", "大致", "总计", "合计", "累计",
];

/// The attribute a question asks for, if one can be read: the last word of two or more
/// characters before the question word (linking words skipped), else the first noun after it
/// (多少个村 → 村 is one character, so 多少个贫困村 → 贫困村).
pub fn asked_attribute(normalized: &str) -> Option<String> {
    let asking = ASKING_RE.find(normalized)?;
    let usable = |word: &str| {
        word.chars().count() >= 2
            && word.chars().all(|c| c.is_alphanumeric())
            && !LINKING_WORDS.contains(&word)
            && !QUESTION_WORDS.contains(&word)
    };
    // Only the word right before the question word, past the linking ones: in
    // 大同GDP在山西排第几 the attribute is not 山西.
    let found = words(&normalized[..asking.start()])
        .into_iter()
        .rev()
        .find(|word| !LINKING_WORDS.contains(word))
        .filter(|word| usable(word));
    if let Some(word) = found {
        return Some(word.to_string());
    }
    let after = normalized[asking.end()..].trim_start_matches(CLASSIFIERS);
    tagged_words(after)
        .into_iter()
        .take(3)
        .find(|(word, tag)| usable(word) && tag.starts_with('n'))
        .map(|(word, _)| word.to_string())
}

/// A rate asked for (上架率是多少, 覆盖率有多高): a percentage. 功率, 频率 and 汇率 are
/// measured in other units.
static RATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("[^功频汇]率(?:是|为|有|达|达到|约|大约|大概|一共)*(?:多少|几|多高|多大)")
        .expect("rate pattern is valid")
});

/// Words that ask for a share, whatever follows them: 比例是多少 wants a percentage.
const SHARE_WORDS: &[&str] = &[
    "比例",
    "占比",
    "比重",
    "百分比",
    "比率",
    "百分之几",
    "百分之多少",
    "几成",
];

/// The unit a "how many" question wants (多少亿元 → 元, 几座 → 座, 占比多少 → %, 多少 → none).
pub fn asked_unit(normalized: &str) -> Option<&'static str> {
    // 排第几, 第几名, 前几: a place in a ranking; 第几批 and 第几届 ask for an ordinal, which
    // is no figure.
    if let Some((_, after)) = normalized.split_once("第几")
        && leading_unit(after).is_some_and(|unit| !matches!(unit, "名" | "位"))
    {
        return None;
    }
    if RANK_CUES.iter().any(|word| normalized.contains(word)) {
        return Some(RANK_UNIT);
    }
    ASKING_RE
        .find_iter(normalized)
        .filter(|asking| matches!(asking.as_str(), "多少" | "几"))
        .find_map(|asking| leading_unit(&normalized[asking.end()..]))
        .or_else(|| {
            // 占全国多少 asks what share of the whole (not 占地, the land something takes).
            let share_of_whole = normalized.split_once('占').is_some_and(|(_, after)| {
                !after.starts_with('地') && (after.contains("多少") || after.contains('几'))
            });
            (share_of_whole
                || SHARE_WORDS.iter().any(|word| normalized.contains(word))
                || RATE_RE.is_match(normalized))
            .then_some("%")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_asked_attribute() {
        let cases = [
            ("大同一年的旅游收入是多少亿元", Some("收入")),
            ("大同黄花出口了多少吨", Some("出口")),
            ("大同的人均可支配收入是多少元", Some("可支配收入")),
            ("大同投运的机架有多少架", Some("机架")),
            ("多少个贫困村脱贫", Some("贫困村")),
            ("谁", None),
        ];
        for (question, expected) in cases {
            let found = asked_attribute(question);
            assert!(
                found.as_deref() == expected
                    || expected.is_some_and(|e| found.as_deref().is_some_and(|f| e.ends_with(f))),
                "{question}: {found:?}"
            );
        }
    }

    #[test]
    fn reads_the_asked_unit() {
        assert_eq!(asked_unit("旅游收入是多少亿元"), Some("元"));
        assert_eq!(asked_unit("有几座智能化煤矿"), Some("座"));
        assert_eq!(asked_unit("装机多少万千瓦"), Some("千瓦"));
        assert_eq!(asked_unit("大同GDP是多少"), None);
        assert_eq!(
            asked_unit("新能源装机占全市电力总装机的比例是多少"),
            Some("%")
        );
        assert_eq!(asked_unit("先进产能占比有多高"), Some("%"));
        assert_eq!(asked_unit("数据中心机架上架率是多少"), Some("%"));
        assert_eq!(asked_unit("城镇化率有多高"), Some("%"));
        assert_eq!(asked_unit("风电机组的功率是多少"), None);
        assert_eq!(asked_unit("效率提高了多少倍"), Some("倍"));
        assert_eq!(asked_unit("左云县活性炭产能占全国多少"), Some("%"));
        assert_eq!(asked_unit("项目占地多少亩"), Some("亩"));
        assert_eq!(asked_unit("项目占地面积多少"), None);
        assert_eq!(asked_unit("什么时候"), None);
        assert_eq!(asked_unit("城市算力指数在全国排第几"), Some(RANK_UNIT));
        assert_eq!(asked_unit("进出口增速在全省排名多少"), Some(RANK_UNIT));
        assert_eq!(asked_unit("装机规模在全省处于什么位置"), Some(RANK_UNIT));
        assert_eq!(asked_unit("空气质量在山西省排名如何"), Some(RANK_UNIT));
        assert_eq!(asked_unit("优良天数增加了百分之多少"), Some("%"));
        assert_eq!(asked_unit("大同是第几批国家历史文化名城"), None);
    }
}
