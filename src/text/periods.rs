//! The years a text states: 2021年, 二〇二一年, ranges (2021—2024年, 2021年至2024年), five-year
//! plans (“十四五” → 2021–2025) and, in questions only, two-digit years (18年 → 2018; in a
//! sentence 10年 is far more often a duration). Works on normalised text, so full-width digits
//! and Traditional script are covered.

use std::sync::LazyLock;

use regex::Regex;

/// Longest range taken whole; a longer one (1949—2021年) is a history, not a period.
const MAX_RANGE_YEARS: u16 = 30;

static YEAR_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"((?:19|20)\d\d)(?:年)?\s*(?:[-—–~～]+|至|到)\s*((?:19|20)\d\d)年",
        r"|((?:19|20)\d\d)年",
        r"|([〇零一二三四五六七八九]{4})年",
        r"|十([一二三四五六七八九])五",
        r"|([六七八九])五(?:计划|规划|时期)",
    ))
    .expect("year pattern is valid")
});

static SHORT_YEAR_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.．])(\d\d)年").expect("two-digit year pattern is valid")
});

/// The years `normalized` states, sorted, each once.
pub fn years_in(normalized: &str) -> Vec<u16> {
    years_stated(normalized, true)
}

/// The years a sentence speaks of: those it names by number, else its five-year plans' (in
/// 「刚刚过去的2021年……实现了“十四五”良好开局」 the year is 2021, not 2021–2025).
pub fn period_years(normalized: &str) -> Vec<u16> {
    let dated = dated_years(normalized);
    if dated.is_empty() {
        years_in(normalized)
    } else {
        dated
    }
}

/// The years `normalized` names by number (2021年, 二〇二一年, 2021至2024年), five-year plans
/// left out: the period a figure is dated to, where “十四五” would say five years for one.
pub fn dated_years(normalized: &str) -> Vec<u16> {
    years_stated(normalized, false)
}

fn years_stated(normalized: &str, with_plans: bool) -> Vec<u16> {
    let mut years = Vec::new();
    for found in YEAR_RE.captures_iter(normalized) {
        let group = |at: usize| found.get(at).map(|m| m.as_str());
        if let (Some(from), Some(to)) = (group(1), group(2)) {
            let (from, to) = (from.parse().unwrap_or(0), to.parse().unwrap_or(0));
            if from <= to && to - from <= MAX_RANGE_YEARS {
                years.extend(from..=to);
            } else {
                years.extend([from, to]);
            }
        } else if let Some(year) = group(3) {
            let whole = found.get(0).map_or(0..0, |m| m.range());
            if !is_comparison_base(normalized, whole.clone()) && !is_count_start(normalized, whole)
            {
                years.extend(year.parse::<u16>().ok());
            }
        } else if let Some(digits) = group(4) {
            years.extend(chinese_digits(digits));
        } else if let Some(plan) = group(5).or(group(6)).filter(|_| with_plans) {
            let tens = if group(5).is_some() { 10 } else { 0 };
            let number = tens + chinese_digit(plan.chars().next().unwrap_or('〇'));
            // The 11th plan was 2006–2010, and each one is five years.
            let start = 2006 + 5 * (number as i32 - 11);
            if (1900..2100).contains(&start) {
                years.extend(start as u16..start as u16 + 5);
            }
        }
    }
    years.sort_unstable();
    years.dedup();
    years
}

/// The year at `span` of `normalized` is what a figure is compared with, not its period:
/// 比2023年增长, 较2020年, 与2019年相比.
fn is_comparison_base(normalized: &str, span: std::ops::Range<usize>) -> bool {
    let before = normalized[..span.start].chars().next_back();
    let after = &normalized[span.end..];
    matches!(before, Some('比' | '较'))
        || (matches!(before, Some('与' | '同' | '和' | '跟'))
            && ["相比", "同期相比", "比较"]
                .iter()
                .any(|word| after.starts_with(word)))
}

/// The year at `span` of `normalized` is where a count starts, not its period: 从2018年首次引进…
/// 开始, 自2018年以来 (the figures after it are the sum since).
fn is_count_start(normalized: &str, span: std::ops::Range<usize>) -> bool {
    let before = normalized[..span.start].chars().next_back();
    let clause = normalized[span.end..]
        .split(['，', ',', '；', ';', '。'])
        .next()
        .unwrap_or("");
    matches!(before, Some('从' | '自')) && ["开始", "起", "以来"].iter().any(|w| clause.contains(w))
}

static FIGURE_YEAR_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d\d)年(?:底|末|初)?(?:的)?(?:达到|达|为|是)?$")
        .expect("figure year pattern is valid")
});

/// The year written just before a figure that starts at `start` of `normalized`, which dates
/// that figure alone: 由2013年的233天增加到2021年的315天.
pub fn year_of_figure(normalized: &str, start: usize) -> Option<u16> {
    let before = normalized.get(..start)?;
    let found = FIGURE_YEAR_RE.captures(before)?;
    found.get(1)?.as_str().parse().ok()
}

/// The years a question asks about: as [`years_in`], and two-digit years (18年 → 2018, 99年 →
/// 1999) unless they read as a duration (近10年, 10年来, 10年间).
pub fn asked_years(normalized: &str) -> Vec<u16> {
    let mut years = years_in(normalized);
    for found in SHORT_YEAR_RE.captures_iter(normalized) {
        let Some(digits) = found.get(1) else { continue };
        let before = normalized[..digits.start()].chars().next_back();
        let after = normalized[digits.end()..].trim_start_matches('年');
        let duration = matches!(before, Some('近' | '过' | '去' | '前' | '这' | '多' | '几'))
            || ["来", "间", "内", "后", "前", "左右", "多", "以"]
                .iter()
                .any(|word| after.starts_with(word));
        if duration {
            continue;
        }
        let two: u16 = digits.as_str().parse().unwrap_or(0);
        years.push(if two <= 50 { 2000 + two } else { 1900 + two });
    }
    years.sort_unstable();
    years.dedup();
    years
}

/// A part of a year a figure is counted over: a quarter or three (前三季度), a half (上半年),
/// a run of months (1—10月, 前10个月) or a holiday (国庆假期). A figure of a part is not one
/// of the whole year: a holiday's 152万人次 neither confirms nor outdates a year's 1575万人次.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearPart {
    /// Quarters, halves and months, as written (前三季度, 上半年, 1-10月, 前10个月).
    Span(String),
    /// Any holiday or vacation: they are named too many ways to tell apart.
    Holiday,
}

static YEAR_PART_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(前[一二三]季度|[一二三四1-4]季度)",
        r"|([上下]半年)",
        r"|(\d{1,2}\s*[-—–~～至到]\s*\d{1,2}月|前(?:\d{1,2}|[一二三四五六七八九十]{1,2})个?月)",
        r"|(假期|黄金周|小长假|春节|国庆|五一|中秋|元旦|清明|端午|暑期|暑假|寒假)",
        r"|(全年|年度)",
    ))
    .expect("year part pattern is valid")
});

/// The part of a year `text` names last (for a figure, the text before it: in 「国庆假期…152万
/// 人次,全年游客量同比增长107.5%」 the holiday is 152万's and the whole year 107.5%'s), or
/// `None` for the whole year or when it names none.
pub fn year_part(text: &str) -> Option<YearPart> {
    let last = YEAR_PART_RE.captures_iter(text).last()?;
    if last.get(4).is_some() {
        return Some(YearPart::Holiday);
    }
    let span = last.get(1).or(last.get(2)).or(last.get(3))?;
    let written: String = span
        .as_str()
        .chars()
        .filter(|ch| !ch.is_whitespace())
        .collect();
    Some(YearPart::Span(
        written.replace(['—', '–', '~', '～', '至', '到'], "-"),
    ))
}

/// How many years back from the year of asking a question's relative words point (今年 → 0,
/// 去年 → 1, 前年 → 2), sorted, each once. 如今年轻 and 过去年份 are not years, nor the year a
/// change is counted from (比上年提高3.2个百分点, 较去年增长: the change is of the year after).
pub fn years_back(normalized: &str) -> Vec<u16> {
    let mut back = Vec::new();
    for (word, years) in [
        ("今年", 0),
        ("本年", 0),
        ("去年", 1),
        ("上年", 1),
        ("前年", 2),
    ] {
        let found = normalized.match_indices(word).any(|(at, _)| {
            let before = normalized[..at].chars().next_back();
            !matches!((word, before), ("今年", Some('如')) | ("去年", Some('过')))
                && !matches!(before, Some('比' | '较'))
        });
        if found {
            back.push(years);
        }
    }
    back.sort_unstable();
    back
}

fn chinese_digit(digit: char) -> u16 {
    "〇一二三四五六七八九"
        .chars()
        .position(|c| c == digit)
        .map_or(0, |at| at as u16)
}

fn chinese_digits(digits: &str) -> Option<u16> {
    let year = digits.chars().fold(0u16, |year, c| {
        year * 10 + chinese_digit(if c == '零' { '〇' } else { c })
    });
    (1900..2100).contains(&year).then_some(year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_years_a_sentence_states() {
        let cases: &[(&str, &[u16])] = &[
            ("2021年地区生产总值完成1686亿元", &[2021]),
            ("二〇二〇年全市", &[2020]),
            ("2021—2024年煤炭产量", &[2021, 2022, 2023, 2024]),
            ("2021年至2023年", &[2021, 2022, 2023]),
            ("2019-2021年", &[2019, 2020, 2021]),
            ("“十四五”期间", &[2021, 2022, 2023, 2024, 2025]),
            ("十三五时期", &[2016, 2017, 2018, 2019, 2020]),
            ("1949—2021年的历史", &[1949, 2021]),
            ("增长10年", &[]),
            ("达到2021台", &[]),
            // A year a figure is compared with is not its period.
            ("今年截至目前接待游客1575万人次,比2023年增长107.5%", &[]),
            ("2024年产量较2020年翻番", &[2024]),
            ("与2019年相比增长12%", &[]),
            ("与2019年的水平持平", &[2019]),
            ("近3年", &[]),
            ("2013年和2021年", &[2013, 2021]),
            // Nor is the year a count starts from.
            ("从2018年首次引进数据项目开始,投运服务器55.8万台", &[]),
            ("自2018年以来累计投资600亿元", &[]),
            ("从2018年的5家增加到2024年的67家", &[2018, 2024]),
        ];
        for (text, years) in cases {
            assert_eq!(years_in(text), *years, "{text}");
        }
        assert_eq!(period_years("2021年，实现了“十四五”良好开局"), [2021]);
        assert_eq!(period_years("“十四五”期间"), [2021, 2022, 2023, 2024, 2025]);
    }

    #[test]
    fn dates_a_figure_by_the_year_just_before_it() {
        let text = "优良天数由2013年的233天增加到2021年的315天,2022年达到320天,共计100天";
        let year = |figure: &str| year_of_figure(text, text.find(figure).unwrap());
        assert_eq!(year("233天"), Some(2013));
        assert_eq!(year("315天"), Some(2021));
        assert_eq!(year("320天"), Some(2022));
        assert_eq!(year("100天"), None);
    }

    #[test]
    fn reads_two_digit_years_in_questions_only() {
        let cases: &[(&str, &[u16])] = &[
            ("大同18年地区生产总值是多少", &[2018]),
            ("99年的人口", &[1999]),
            ("大同近10年变化", &[]),
            ("10年来增长了多少", &[]),
            ("2020年GDP", &[2020]),
            ("增长了1.5年", &[]),
            ("大同gdp多少", &[]),
        ];
        for (text, years) in cases {
            assert_eq!(asked_years(text), *years, "{text}");
        }
        assert_eq!(years_in("大同18年地区生产总值"), Vec::<u16>::new());
    }

    #[test]
    fn reads_years_counted_back_from_the_asking() {
        let cases: &[(&str, &[u16])] = &[
            ("大同今年gdp多少", &[0]),
            ("今年前三季度增长了多少", &[0]),
            ("去年建了多少座驿站", &[1]),
            ("比上年增长多少", &[]),
            ("上年增长多少", &[1]),
            ("较去年提高了几个百分点", &[]),
            ("前年的游客量", &[2]),
            ("今年比去年多多少", &[0]),
            ("如今年轻人多少", &[]),
            ("过去年份的数据", &[]),
            ("2021年gdp", &[]),
        ];
        for (text, back) in cases {
            assert_eq!(years_back(text), *back, "{text}");
        }
    }

    #[test]
    fn reads_the_part_of_a_year_named_last() {
        let span = |written: &str| Some(YearPart::Span(written.to_string()));
        let cases: &[(&str, Option<YearPart>)] = &[
            ("今年前三季度一产增加值同比增长", span("前三季度")),
            (
                "2024年国庆中秋假期,大同8家重点景区接待游客",
                Some(YearPart::Holiday),
            ),
            ("国庆假期接待游客152万人次,全年游客量同比增长", None),
            ("上半年全市地区生产总值", span("上半年")),
            ("1—10月规上工业增加值", span("1-10月")),
            ("1至10月", span("1-10月")),
            ("前10个月进出口", span("前10个月")),
            ("2021年大同地区生产总值", None),
            ("全年地区生产总值完成", None),
            ("第一季度", span("一季度")),
        ];
        for (text, part) in cases {
            assert_eq!(year_part(text), *part, "{text}");
        }
    }
}
