//! Figures stated in a sentence: numbers with a unit (1686亿元, 68萬臺, 54.35%, 三分之一, 一半, 2.6天),
//! found so that replies can highlight them, questions asking "how many" can prefer sentences
//! that state one, and answers from different sources can be compared. Calendar dates and bare
//! years are not figures; they are found separately by [`dates_in_normalized`].

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::normalize::{is_cjk, normalize};
use super::values::{Kind, UNITS, kinds_of, quantity, quantity_at};

/// A figure: its text as written in the original sentence and its byte range there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub text: String,
    pub range: Range<usize>,
}

static FIGURE_RE: LazyLock<Regex> = LazyLock::new(|| {
    let units = UNITS
        .iter()
        .map(|unit| regex::escape(unit))
        .collect::<Vec<_>>()
        .join("|");
    let number = r"\d+(?:[.,]\d+)*";
    let chinese = "[零〇一二两三四五六七八九十百千万]+";
    // A number in Chinese numerals counts as a figure only with a place in it (一千二百人,
    // 十二万亩, 三十个): 一个, 两批 and 一种 are words, not amounts.
    let chinese_amount =
        "(?:[一二两三四五六七八九][十百千万亿]|十)[零〇一二两三四五六七八九十百千万亿]*";
    // The low end of a range (2~3年, 300到500亿, 10%~15%) or the factor of a product
    // (2×100万千瓦) belongs to the figure.
    let lead = format!(r"(?:{number}%?(?:~|～|-|—|－|至|到)|{number}[×*])?");
    let pattern = format!(
        "(?:{chinese}分之{chinese}|{number}分之{number}|百分之{chinese}(?:点{chinese})?|一半)\
         |{lead}{number}(?:多|余)?[十百千万亿]*(?:多|余)?(?:{units})\
         |{lead}{number}[万亿]+\
         |{chinese_amount}(?:多|余)?(?:{units})\
         |[百千][万亿](?:多|余)?(?:{units})"
    );
    Regex::new(&pattern).expect("figure pattern is valid")
});

/// A place in a ranking: 全国第三, 稳居全国前三, 第3名 (whether it is one is checked after the
/// match, see [`is_rank_at`]).
static RANK_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:第|前)(?:\d+|[一二两三四五六七八九十]+)(?:名|位)?")
        .expect("rank pattern is valid")
});

/// One figure of a sentence as a corpus keeps it (the fact index): its span in the normalised
/// sentence, the canonical unit of its value (an index into [`UNITS`]; [`FigureRow::NO_UNIT`]
/// for a bare number such as 300万, [`FigureRow::UNREAD`] when the text reads as no value) and
/// its kind. Plain numbers only, so a corpus's rows are mapped from a file as they are; rows
/// stand in the order of [`figure_spans`], one per span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct FigureRow {
    pub start: u32,
    pub end: u32,
    unit: u32,
    kind: u32,
}

impl FigureRow {
    pub const NO_UNIT: u32 = u32::MAX;
    pub const UNREAD: u32 = u32::MAX - 1;

    /// The canonical unit ("" for a bare number), or None when the figure reads as no value.
    pub fn unit(&self) -> Option<&'static str> {
        match self.unit {
            Self::UNREAD => None,
            Self::NO_UNIT => Some(""),
            at => UNITS.get(at as usize).copied(),
        }
    }

    pub fn kind(&self) -> Kind {
        Kind::ALL
            .get(self.kind as usize)
            .copied()
            .unwrap_or(Kind::Actual)
    }

    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The figures of a normalised sentence as rows of the fact index.
pub fn figure_rows(normalized: &str) -> Vec<FigureRow> {
    let spans: Vec<Range<usize>> = figure_spans(normalized).collect();
    let kinds = kinds_of(normalized, &spans);
    spans
        .into_iter()
        .zip(kinds)
        .map(|(span, kind)| {
            let unit = match quantity_at(normalized, span.clone()) {
                None => FigureRow::UNREAD,
                Some(quantity) if quantity.unit.is_empty() => FigureRow::NO_UNIT,
                Some(quantity) => UNITS
                    .iter()
                    .position(|unit| *unit == quantity.unit)
                    .map_or(FigureRow::UNREAD, |at| at as u32),
            };
            FigureRow {
                start: span.start as u32,
                end: span.end as u32,
                unit,
                kind: Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u32,
            }
        })
        .collect()
}

static YEAR_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:19|20)\d\d年$").expect("year pattern is valid"));

static DATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:19|20)\d\d年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日(?:\d{1,2}时)?")
        .expect("date pattern is valid")
});

/// Finds the figures of `text`, in order, as spans of `text` itself.
pub fn find_figures(text: &str) -> Vec<Figure> {
    let normalized = normalize(text);
    let spans: Vec<Range<usize>> = figure_spans(&normalized).collect();
    map_to_original(text, &normalized, spans)
}

/// The figures of an already normalised text, as slices of it: for ranking, where offsets in
/// the original are not needed.
pub fn figures_in_normalized(normalized: &str) -> impl Iterator<Item = &str> {
    figure_spans(normalized).map(|span| &normalized[span])
}

/// The spans of the figures of a normalised text. Years are not figures, nor are year ranges
/// (2021-2025年); a figure whose unit 年 begins a word (2万年轻人) is cut to its number when
/// that still is one (2万), and a Chinese numeral must read as a number (十三五期 does not).
pub fn figure_spans(normalized: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let ranks: Vec<Range<usize>> = RANK_RE
        .find_iter(normalized)
        .map(|found| found.range())
        .filter(|span| is_rank_at(normalized, span.clone()))
        .filter(|span| quantity(&normalized[span.clone()]).is_some())
        .collect();
    // 第3名 is a place, not three people: a rank takes the place of the amount inside it.
    let amounts = amount_spans(normalized)
        .filter(|span| {
            !ranks
                .iter()
                .any(|rank| rank.start < span.end && span.start < rank.end)
        })
        .collect::<Vec<_>>();
    let mut spans = ranks;
    spans.extend(amounts);
    let bare: Vec<Range<usize>> = BARE_DECIMAL_RE
        .find_iter(normalized)
        .map(|found| found.range())
        .filter(|span| is_bare_value_at(normalized, span.clone()))
        .filter(|bare| {
            !spans
                .iter()
                .any(|span| span.start < bare.end && bare.start < span.end)
        })
        .collect();
    spans.extend(bare);
    spans.sort_by_key(|span| span.start);
    spans.into_iter()
}

/// A decimal with no unit (平均PUE(能耗水平)1.17, 控制在1.15以内), a figure only where it
/// stands as a value; see [`is_bare_value_at`].
static BARE_DECIMAL_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+\.\d+").expect("decimal pattern is valid"));

/// Words after which a bare decimal is a measure's value.
const BEFORE_BARE_VALUE: &[&str] = &[")", "）", "为", "达", "在", "是", "至", "到", "约", "仅"];

/// Words after a bare decimal that qualify it as a value.
const AFTER_BARE_VALUE: &[&str] = &["以内", "以下", "以上", "左右"];

/// The bare decimal at `span` is a value: it follows a closing bracket or a linking word
/// and ends its part of the sentence or is qualified (以内), so neither a version (工业4.0的)
/// nor a piece of a date or a number (2024.11.01).
fn is_bare_value_at(normalized: &str, span: Range<usize>) -> bool {
    let (before, after) = (&normalized[..span.start], &normalized[span.end..]);
    let ends_part = after.is_empty()
        || after.starts_with(|ch: char| ch.is_whitespace() || "，,；;。：:！!？?、".contains(ch))
        || AFTER_BARE_VALUE.iter().any(|word| after.starts_with(word));
    BEFORE_BARE_VALUE.iter().any(|word| before.ends_with(word)) && ends_part
}

/// The spans of the amounts of a normalised text (figures other than ranks).
fn amount_spans(normalized: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    FIGURE_RE.find_iter(normalized).filter_map(|found| {
        let mut span = found.range();
        let text = found.as_str();
        if text.ends_with('年') && normalized[span.end..].starts_with(YEAR_WORD_ENDS) {
            span.end -= '年'.len_utf8();
            if !normalized[..span.end].ends_with(['万', '亿']) {
                return None;
            }
        }
        let text = &normalized[span.clone()];
        // 5.76米/秒, 214瓦/平方米: a unit of a ratio, which no figure is read in.
        if YEAR_RE.is_match(text) || is_year_range(text) || normalized[span.end..].starts_with('/')
        {
            return None;
        }
        let in_words = text.starts_with(|ch: char| !ch.is_ascii_digit());
        if in_words && quantity(text).is_none() {
            return None;
        }
        Some(span)
    })
}

/// The 第三 or 前三 at `span` is a place in a ranking: it follows a word (位居全国第三, not the
/// list's 第一,) and ends one (not 第三产业, 前三季度, 第一次).
fn is_rank_at(normalized: &str, span: Range<usize>) -> bool {
    let before = normalized[..span.start].chars().next_back();
    let after = normalized[span.end..].chars().next();
    before.is_some_and(is_cjk) && !after.is_some_and(|ch| is_cjk(ch) || ch.is_ascii_alphanumeric())
}

/// Characters that make 年 the start of a word rather than a unit: 年轻, 年代, 年级, 年龄, 年纪.
const YEAR_WORD_ENDS: &[char] = &['轻', '代', '级', '龄', '纪'];

/// 2021-2025年, 2021至2024年: a span of years, not an amount of them.
fn is_year_range(text: &str) -> bool {
    quantity(text).is_some_and(|q| {
        let year = |value: f64| (1900.0..=2100.0).contains(&value) && value.fract() == 0.0;
        q.unit == "年" && year(q.value) && q.high.is_some_and(year)
    })
}

/// The figure at `span` names a class of things rather than states an amount: 35千伏及以上变电站
/// (the stations counted are those of 35 kV and more).
pub fn names_a_class(normalized: &str, span: Range<usize>) -> bool {
    let after = normalized.get(span.end..).unwrap_or("");
    ["及以上", "及以下"]
        .iter()
        .find_map(|bound| after.strip_prefix(bound))
        .is_some_and(|rest| rest.starts_with(is_cjk))
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

/// The figures at `spans` of `normalized` (the normalised form of `text`, e.g. the fact
/// index's rows of a sentence), as spans of `text` itself.
pub fn figures_at(text: &str, normalized: &str, spans: Vec<Range<usize>>) -> Vec<Figure> {
    if spans.is_empty() {
        return Vec::new();
    }
    map_to_original(text, normalized, spans)
}

/// Maps spans of the normalised text back to the original. Normalisation keeps one
/// character for one character, so the k-th character is the same in both.
fn map_to_original(text: &str, normalized: &str, spans: Vec<Range<usize>>) -> Vec<Figure> {
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
    spans
        .into_iter()
        .filter_map(|found| {
            let start = *original_offsets.get(char_at(found.start))?;
            let end = *original_offsets.get(char_at(found.end))?;
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
        // Places in a ranking, but not a list's 第一, 第三产业, 前三季度 or 目前8家.
        check(
            "城市算力分指数位居全国第三,连续两年稳居全国前三,位列全省第3名。",
            &["第三", "前三", "第3名"],
        );
        check(
            "第一,前三季度第三产业增加值增长5%,目前8家企业第一次落地。",
            &["5%", "8家"],
        );
        check("在用服務器68萬臺", &["68萬臺"]);
        check("新能源装机占比达54.35%", &["54.35%"]);
        check("左云县煤基活性炭产能占全国三分之一", &["三分之一"]);
        check("两次以上来同游客占比达一半以上", &["一半"]);
        check("平均停留2.6天", &["2.6天"]);
        check("森林覆盖率每年至少提升0.5个百分点", &["0.5个百分点"]);
        check("全年自然冷却时长超7个月,建设期18个月", &["7个月", "18个月"]);
        check("距北京300多公里", &["300多公里"]);
        check("全市电力总装机达到1755萬千瓦", &["1755萬千瓦"]);
        check(
            "服务器规模突破200万台,年用电量100亿度以上",
            &["200万台", "100亿度"],
        );
        check("人口超过300万", &["300万"]);
        // A decimal with no unit, where it stands as a value.
        check(
            "年用电量突破15亿度,平均PUE(能耗水平)1.17",
            &["15亿度", "1.17"],
        );
        check("PUE控制在1.15以内", &["1.15"]);
        check("推进工业4.0发展,版本为2.0的系统", &[]);
        check("在2024.11.01发布", &[]);
        check("年平均风速5.76米/秒,有效风时2803小时", &["2803小时"]);
    }

    #[test]
    fn a_bound_before_a_noun_names_a_class() {
        let text = "35千伏及以上变电站118座,产能1.5亿吨及以上,10万元及以下的贷款";
        let named: Vec<bool> = figure_spans(text)
            .map(|span| names_a_class(text, span))
            .collect();
        assert_eq!(named, [true, false, false, true]);
    }

    #[test]
    fn finds_figures_in_chinese_numerals_ranges_and_products() {
        check("招聘一千二百人,种植十二万亩", &["一千二百人", "十二万亩"]);
        check("建成三百多家企业", &["三百多家"]);
        check("打造300到500亿级产业集群", &["300到500亿"]);
        check("用2~3年时间", &["2~3年"]);
        check("装机突破千万千瓦,投资超過千億元", &["千万千瓦", "千億元"]);
        check("建设2×100万千瓦机组", &["2×100万千瓦"]);
        check("占比10%~15%", &["10%~15%"]);
        // Words, not amounts.
        check("一个重要的一批项目,一种模式", &[]);
        check("“十三五”期间和十四五时期", &[]);
        check("千家万户", &[]);
    }

    #[test]
    fn counts_trains_ships_and_trees() {
        check(
            "中欧班列开行超过100列,港口停靠12艘货轮,种下3000棵树",
            &["100列", "12艘", "3000棵"],
        );
    }

    #[test]
    fn a_unit_that_begins_a_word_is_no_unit() {
        check("累计带动超过2万年轻人就业", &["2万"]);
        check("上世纪90年代", &[]);
        check(
            "2021-2025年规划,2021至2024年累计生产原煤6.4亿吨",
            &["6.4亿吨"],
        );
    }

    #[test]
    fn years_and_dates_are_not_figures() {
        check("2021年,大同实现了新突破", &[]);
        check("11月8日10时公布成绩", &[]);
        check("没有数字", &[]);
        check("计划用5年时间", &["5年"]);
    }

    #[test]
    fn keeps_figures_as_rows() {
        let text = normalize(
            "全市电力总装机达1754.69万千瓦，预计到“十四五”末服务器规模突破200万台，增长7.5%，共300万",
        );
        let rows = figure_rows(&text);
        let units: Vec<Option<&str>> = rows.iter().map(FigureRow::unit).collect();
        assert_eq!(units, [Some("千瓦"), Some("台"), Some("%"), Some("")]);
        let kinds: Vec<Kind> = rows.iter().map(FigureRow::kind).collect();
        assert_eq!(
            kinds,
            [Kind::Actual, Kind::Forecast, Kind::Forecast, Kind::Forecast]
        );
        assert_eq!(&text[rows[0].span()], "1754.69万千瓦");
        assert_eq!(rows.len(), figure_spans(&text).count());
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
