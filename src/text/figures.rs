//! Figures stated in a sentence: numbers with a unit (1686亿元, 68萬臺, 54.35%, 三分之一, 2.6天),
//! found so that replies can highlight them, questions asking "how many" can prefer sentences
//! that state one, and answers from different sources can be compared. Calendar dates and bare
//! years are not figures; they are found separately by [`dates_in_normalized`].

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::normalize::normalize;

/// A figure: its text as written in the original sentence and its byte range there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub text: String,
    pub range: Range<usize>,
}

/// Units that make a number a figure, in their Simplified form (matching is done on the
/// normalised text, so 臺, 萬 and full-width digits are covered too). Longer units come first so
/// that 千瓦时 wins over 千瓦. Month, day and hour are left out on purpose: they make dates.
const UNITS: &[&str] = &[
    "个百分点",
    "平方公里",
    "平方米",
    "立方米",
    "千瓦时",
    "万千瓦",
    "千瓦",
    "千伏",
    "千米",
    "公里",
    "公顷",
    "亿元",
    "万元",
    "美元",
    "元",
    "人次",
    "小时",
    "分钟",
    "微克",
    "毫克",
    "千克",
    "公斤",
    "吨",
    "度",
    "台",
    "架",
    "座",
    "个",
    "家",
    "名",
    "位",
    "人",
    "户",
    "米",
    "亩",
    "天",
    "年",
    "倍",
    "项",
    "所",
    "条",
    "辆",
    "次",
    "件",
    "栋",
    "套",
    "处",
    "批",
    "类",
    "种",
    "届",
    "场",
    "部",
    "支",
    "头",
    "株",
    "张",
    "岁",
    "周",
    "期",
    "层",
    "道",
    "组",
    "片",
    "份",
    "颗",
    "枚",
    "%",
    "‰",
];

static FIGURE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let units = UNITS
        .iter()
        .map(|unit| regex::escape(unit))
        .collect::<Vec<_>>()
        .join("|");
    let number = r"\d+(?:[.,]\d+)*";
    let chinese = "[零〇一二两三四五六七八九十百千万]+";
    let pattern = format!(
        "(?:{chinese}分之{chinese}|{number}分之{number}|百分之{chinese}(?:点{chinese})?)\
         |{number}(?:多|余)?[十百千万亿]*(?:多|余)?(?:{units})\
         |{number}[万亿]+"
    );
    Regex::new(&pattern).expect("figure pattern is valid")
});

static YEAR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:19|20)\d\d年$").expect("year pattern is valid"));

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:19|20)\d\d年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日(?:\d{1,2}时)?")
        .expect("date pattern is valid")
});

/// Finds the figures of `text`, in order, as spans of `text` itself.
pub fn find_figures(text: &str) -> Vec<Figure> {
    find_on_normalized(text, &FIGURE_RE)
        .into_iter()
        .filter(|figure| !YEAR_RE.is_match(&normalize(&figure.text)))
        .collect()
}

/// The figures of an already normalised text, as slices of it: for ranking, where offsets in
/// the original are not needed.
pub fn figures_in_normalized(normalized: &str) -> impl Iterator<Item = &str> {
    FIGURE_RE
        .find_iter(normalized)
        .map(|found| found.as_str())
        .filter(|figure| !YEAR_RE.is_match(figure))
}

/// The dates of an already normalised text, as slices of it.
pub fn dates_in_normalized(normalized: &str) -> impl Iterator<Item = &str> {
    DATE_RE.find_iter(normalized).map(|found| found.as_str())
}

/// The unit `text` starts with once 万/亿/千/百/十 are passed (亿元 → 元, 万千瓦 → 千瓦, 台 → 台):
/// the unit a "多少…" question asks its figure in. The longest unit wins.
pub fn leading_unit(text: &str) -> Option<&'static str> {
    let mut rest = text;
    loop {
        let unit = UNITS
            .iter()
            .copied()
            .filter(|unit| rest.starts_with(unit))
            .max_by_key(|unit| unit.len());
        // 万千瓦 and 亿元 are units with their multiplier: the unit itself comes after it.
        match (unit, rest.chars().next()) {
            (Some(unit), _) if !unit.starts_with(['万', '亿']) => return Some(unit),
            (_, Some(first)) if "万亿十百千".contains(first) => {
                rest = &rest[first.len_utf8()..]
            }
            _ => return None,
        }
    }
}

/// The comparable form of a figure: normalised script and width, separators removed.
pub fn figure_key(figure: &str) -> String {
    normalize(figure).replace(',', "")
}

/// Runs `re` on the normalised text and maps each match back to the original. Normalisation
/// keeps one character for one character, so the k-th character is the same in both.
fn find_on_normalized(text: &str, re: &Regex) -> Vec<Figure> {
    let normalized = normalize(text);
    let original_offsets: Vec<usize> = text
        .char_indices()
        .map(|(at, _)| at)
        .chain([text.len()])
        .collect();
    let normalized_offsets: Vec<usize> = normalized
        .char_indices()
        .map(|(at, _)| at)
        .chain([normalized.len()])
        .collect();
    let char_at = |byte: usize| normalized_offsets.partition_point(|&at| at < byte);
    re.find_iter(&normalized)
        .filter_map(|found| {
            let start = *original_offsets.get(char_at(found.start()))?;
            let end = *original_offsets.get(char_at(found.end()))?;
            Some(Figure {
                text: text[start..end].to_string(),
                range: start..end,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[&str]) {
        let found: Vec<String> = find_figures(text)
            .into_iter()
            .map(|figure| figure.text)
            .collect();
        assert_eq!(found, expected, "figures of {text}");
        for figure in find_figures(text) {
            assert_eq!(&text[figure.range.clone()], figure.text);
        }
    }

    #[test]
    fn finds_figures_with_units() {
        check(
            "全年地区生产总值完成1686亿元,净增305亿元",
            &["1686亿元", "305亿元"],
        );
        check("在用服務器68萬臺", &["68萬臺"]);
        check("新能源装机占比达54.35%", &["54.35%"]);
        check("左云县煤基活性炭产能占全国三分之一", &["三分之一"]);
        check("平均停留2.6天", &["2.6天"]);
        check("森林覆盖率每年至少提升0.5个百分点", &["0.5个百分点"]);
        check("距北京300多公里", &["300多公里"]);
        check("全市电力总装机达到1755萬千瓦", &["1755萬千瓦"]);
        check(
            "服务器规模突破200万台,年用电量100亿度以上",
            &["200万台", "100亿度"],
        );
        check("人口超过300万", &["300万"]);
    }

    #[test]
    fn years_and_dates_are_not_figures() {
        check("2021年,大同实现了新突破", &[]);
        check("11月8日10时公布成绩", &[]);
        check("没有数字", &[]);
        check("计划用5年时间", &["5年"]);
    }

    #[test]
    fn finds_dates() {
        let dates: Vec<&str> =
            dates_in_normalized("2024年11月1日召开,成绩11月8日10时公布").collect();
        assert_eq!(dates, ["2024年11月1日", "11月8日10时"]);
    }

    #[test]
    fn reads_the_unit_a_text_starts_with() {
        assert_eq!(leading_unit("亿元"), Some("元"));
        assert_eq!(leading_unit("万千瓦时"), Some("千瓦时"));
        assert_eq!(leading_unit("台服务器"), Some("台"));
        assert_eq!(leading_unit("万"), None);
        assert_eq!(leading_unit("是"), None);
    }

    #[test]
    fn figure_keys_compare_across_scripts() {
        assert_eq!(figure_key("68萬臺"), figure_key("68万台"));
        assert_eq!(figure_key("1,686亿元"), "1686亿元");
    }
}
