//! Figures as values: the number a figure's text states (Arabic or Chinese numerals, 万/亿
//! multipliers, decimals, fractions, ranges, products), its unit in a canonical form (度 is
//! 千瓦时, 万千瓦 is 10^4 千瓦, 萬臺 is 10^4 台), how precisely it is stated, and the qualifier
//! around it (超过, 以上, 约, 左右 …), so that figures from different sources can be compared by
//! value: 1.6亿吨 agrees with 1.5亿吨以上, 1754.69万千瓦 with 1755万千瓦, 929万 not with 1000万.
//! Everything here reads normalised text (see `normalize`).

use std::ops::Range;

mod numerals;
mod units;

use numerals::{chinese_number_prefix, plain_number, plain_number_prefix};
use units::canonical_unit;
pub use units::{RANK_UNIT, UNITS, canonical_unit_of, same_unit};

/// What a figure states, as a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// The value in `unit` (the lower end of a range).
    pub value: f64,
    /// The upper end of a range (2~3年, 300到500亿), else `None`.
    pub high: Option<f64>,
    /// The canonical unit: figures compare only within one ("" for a bare number or 300万).
    pub unit: &'static str,
    /// The value of one step of the last digit stated, in `unit` (1755万 → 10^4, 1.6亿 → 10^7):
    /// two figures that differ by less than half the coarser step agree.
    pub precision: f64,
    /// What the text around the figure says of it.
    pub qualifier: Qualifier,
    /// The qualifying word as written ("超过", "以上", "多", "" when none).
    pub qualifier_word: &'static str,
}

/// How a figure bounds the true value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// The value itself.
    Exact,
    /// At least the value (超过, 突破, 以上, 300多).
    AtLeast,
    /// At most the value (以内, 不到, 不足).
    AtMost,
    /// Near the value (约, 近, 左右).
    About,
}

/// Words before a figure that qualify it.
const BEFORE: &[(&str, Qualifier)] = &[
    ("超过", Qualifier::AtLeast),
    ("突破", Qualifier::AtLeast),
    ("超", Qualifier::AtLeast),
    ("逾", Qualifier::AtLeast),
    ("至少", Qualifier::AtLeast),
    ("不少于", Qualifier::AtLeast),
    ("不低于", Qualifier::AtLeast),
    ("高达", Qualifier::AtLeast),
    ("不到", Qualifier::AtMost),
    ("不足", Qualifier::AtMost),
    ("不超过", Qualifier::AtMost),
    ("最多", Qualifier::AtMost),
    ("低于", Qualifier::AtMost),
    ("约", Qualifier::About),
    ("近", Qualifier::About),
    ("接近", Qualifier::About),
    ("将近", Qualifier::About),
    ("大约", Qualifier::About),
    ("大概", Qualifier::About),
];

/// Words that end like a qualifier but are none (节约120万吨 saves, it does not estimate).
const NOT_QUALIFIERS: &[&str] = &[
    "节约", "制约", "签约", "合约", "特约", "附近", "最近", "赶超",
];

/// Words after a figure that qualify it.
const AFTER: &[(&str, Qualifier)] = &[
    ("以上", Qualifier::AtLeast),
    ("之上", Qualifier::AtLeast),
    ("以内", Qualifier::AtMost),
    ("之内", Qualifier::AtMost),
    ("以下", Qualifier::AtMost),
    ("左右", Qualifier::About),
    ("上下", Qualifier::About),
];

/// Separators of a range (2~3年, 300到500亿) and of a product (2×100万千瓦).
const RANGE_MARKS: &[&str] = &["~", "～", "-", "—", "－", "至", "到"];
const PRODUCT_MARKS: &[&str] = &["×", "*", "x", "X"];

/// The figure at `span` of the normalised sentence `text`, as a value; `None` when its text
/// is not a number this module reads.
pub fn quantity_at(text: &str, span: Range<usize>) -> Option<Quantity> {
    let figure = text.get(span.clone())?;
    let mut quantity = quantity(figure)?;
    if quantity.qualifier == Qualifier::Exact {
        let before = &text[..span.start];
        let after = &text[span.end..];
        // The longest word wins: 不超过 is not 超过.
        let found = BEFORE
            .iter()
            .filter(|(word, _)| before.ends_with(word))
            .filter(|_| !NOT_QUALIFIERS.iter().any(|word| before.ends_with(word)))
            .max_by_key(|(word, _)| word.len())
            .or_else(|| AFTER.iter().find(|(word, _)| after.starts_with(word)));
        if let Some((word, qualifier)) = found {
            quantity.qualifier = *qualifier;
            quantity.qualifier_word = word;
        }
    }
    Some(quantity)
}

/// A figure's text alone (normalised) as a value, its in-figure qualifier (300多, 20余) read.
pub fn quantity(figure: &str) -> Option<Quantity> {
    if let Some(quantity) = fraction(figure).or_else(|| rank(figure)) {
        return Some(quantity);
    }
    let (factor, rest) = match PRODUCT_MARKS
        .iter()
        .find_map(|mark| figure.split_once(mark))
    {
        Some((left, right)) => (plain_number(left)?.0, right),
        None => (1.0, figure),
    };
    let (low, rest) = amount(rest)?;
    // A range's mark may come after the low end's unit (10%~15%): the high end then has it too.
    let range = RANGE_MARKS.iter().find_map(|mark| {
        let (unit, after) = rest.split_once(mark)?;
        (unit.is_empty() || canonical_unit(unit).is_some()).then_some((unit, after))
    });
    let (high, rest) = match range {
        Some((unit, after)) => {
            let (high, rest) = amount(after)?;
            if !unit.is_empty() && rest != unit {
                return None;
            }
            (Some(high), rest)
        }
        None => (None, rest),
    };
    // In 300到500亿 the multiplier written once is the range's: the low end takes it too.
    let low = match (&high, low.multiplier) {
        (Some(high), 1.0) => Amount {
            value: low.value * high.multiplier,
            precision: low.precision * high.multiplier,
            ..low
        },
        _ => low,
    };
    let (unit, unit_factor) = if rest.is_empty() {
        ("", 1.0)
    } else {
        canonical_unit(rest)?
    };
    let top = high.as_ref().unwrap_or(&low);
    let scale = factor * unit_factor;
    let (qualifier, qualifier_word) = match (low.more, top.more) {
        (Some(word), _) | (_, Some(word)) => (Qualifier::AtLeast, word),
        _ => (Qualifier::Exact, ""),
    };
    Some(Quantity {
        value: low.value * scale,
        high: high.as_ref().map(|high| high.value * scale),
        unit,
        precision: top.precision * scale,
        qualifier,
        qualifier_word,
    })
}

/// Whether two figures of one measure say the same: one unit, and values equal within half
/// the coarser figure's last step, or compatible bounds (1.6亿 and 1.5亿以上 agree; 929万 and
/// 突破1000万 do not; a lower bound reaches the next step of its last digit). Ranges agree with a value inside them.
pub fn agrees(a: &Quantity, b: &Quantity) -> bool {
    if !same_unit(a.unit, b.unit) {
        return false;
    }
    let slack = a.precision.max(b.precision) / 2.0 + f64::EPSILON * a.value.abs().max(1.0);
    // Two bounds the same way (超过100亿 and 超过700亿) always overlap and say nothing of each
    // other: they agree only on one bound.
    let one_way = matches!(
        (a.qualifier, b.qualifier),
        (Qualifier::AtLeast, Qualifier::AtLeast) | (Qualifier::AtMost, Qualifier::AtMost)
    );
    if one_way {
        let (a_bound, b_bound) = match a.qualifier {
            Qualifier::AtLeast => (a.value, b.value),
            _ => (a.high.unwrap_or(a.value), b.high.unwrap_or(b.value)),
        };
        return (a_bound - b_bound).abs() <= slack;
    }
    // The slack widens one side only: 36万 and 37万 are a step apart, not within half a step.
    let (a_low, a_high) = bounds(a, slack);
    let (b_low, b_high) = bounds(b, 0.0);
    a_low <= b_high && b_low <= a_high
}

/// The interval a figure allows, widened by `slack`.
fn bounds(q: &Quantity, slack: f64) -> (f64, f64) {
    let high = q.high.unwrap_or(q.value);
    match q.qualifier {
        Qualifier::Exact => (q.value - slack, high + slack),
        // 6000多 and 20余 stop at the next step of their last digit: 6000–7000, 20–30; so do
        // 超过 and 以上, as a source rounds down to its last digit (超过25万台 is not 74.5万台).
        // A bound is stated exactly: 突破1亿吨 allows no 8600万吨, however round 1亿 is.
        Qualifier::AtLeast => (q.value, high + more_step(q)),
        Qualifier::AtMost => (f64::NEG_INFINITY, high),
        // 约/近/左右: within a tenth of the value, and at least the stated precision.
        Qualifier::About => {
            let spread = (q.value.abs() * 0.1).max(slack);
            (q.value - spread, high + spread)
        }
    }
}

/// The step 多 or 余 adds to a figure at most: the place of its last non-zero digit (300多 →
/// 100, 3万多 → 1万, 1.5万多 → 1000).
fn more_step(q: &Quantity) -> f64 {
    if q.precision <= 0.0 {
        return 0.0;
    }
    let mut steps = (q.value / q.precision).round();
    let mut step = q.precision;
    while steps >= 10.0 && steps % 10.0 == 0.0 {
        steps /= 10.0;
        step *= 10.0;
    }
    step
}

/// What a figure is a figure of, read from the words before it in its clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A value that was reached (完成1686亿元, 达到68万台).
    Actual,
    /// A value set as a goal (力争…3.5万人以上, 目标, 计划, 确保).
    Target,
    /// A value expected (预计到“十四五”末…200万台, 有望).
    Forecast,
    /// A change of a value (增长7.5%, 净增305亿元, 提高3.2个百分点).
    Change,
    /// A place in a ranking (第3名, 第1位).
    Rank,
}

impl Kind {
    /// Every kind, in the order the fact index numbers them.
    pub const ALL: [Kind; 5] = [
        Kind::Actual,
        Kind::Target,
        Kind::Forecast,
        Kind::Change,
        Kind::Rank,
    ];
}

/// Words of a clause that make its figures goals.
const TARGET_CUES: &[&str] = &[
    "力争",
    "着力",
    "目标",
    "计划",
    "争取",
    "确保",
    "规划",
    "拟",
    "要达到",
    "要实现",
    "要突破",
    "要完成",
];
/// Words of a clause that make its figures expectations.
const FORECAST_CUES: &[&str] = &[
    "预计",
    "预期",
    "有望",
    "预测",
    "将达",
    "将突破",
    "将超过",
    "将提高",
    "将提升",
    "将增加",
    "将增长",
    "将新增",
    "将建成",
    "将形成",
    "未来",
    "届时",
    "今后",
];
/// Words just before a figure that make it a change of a value.
pub const CHANGE_CUES: &[&str] = &[
    "增长",
    "增加",
    "提高",
    "提升",
    "下降",
    "减少",
    "降低",
    "上涨",
    "上升",
    "回落",
    "净增",
    "增速",
    "涨幅",
    "降幅",
    "增幅",
    "增",
    "降",
    "涨",
    "同比",
    "比上年",
];
/// Characters that end the reach of a goal's or an expectation's word.
const SCOPE_ENDS: &[char] = &['；', ';', '。', '！', '!', '？', '?'];

/// Words between 由/从 and the level a change starts from (由现在的550亿千瓦时提高至…).
const NOW_WORDS: &[&str] = &[
    "现在的",
    "目前的",
    "当前的",
    "原来的",
    "现有的",
    "现在",
    "目前",
    "当前",
    "原来",
    "现有",
];
/// Words after a starting level that lead to the level reached.
const TOWARDS: &[&str] = &[
    "提高", "增加", "增长", "提升", "上升", "扩大", "下降", "减少", "降低", "降", "升",
];

/// The figure at `span` is the level a change starts from (由现在的550亿千瓦时提高至1100亿千瓦时):
/// what is, even in a sentence of what will be.
fn is_starting_level(text: &str, span: Range<usize>) -> bool {
    let (Some(before), Some(after)) = (text.get(..span.start), text.get(span.end..)) else {
        return false;
    };
    let head = NOW_WORDS
        .iter()
        .find_map(|word| before.strip_suffix(word))
        .unwrap_or(before);
    let after = TOWARDS
        .iter()
        .find_map(|word| after.strip_prefix(word))
        .unwrap_or(after);
    (head.ends_with('由') || head.ends_with('从')) && after.starts_with(['到', '至'])
}

/// The kinds of the figures at `spans` (in order) of the normalised sentence `text`: each
/// one's [`kind_at`], and a figure listed right after another (分别增长8.1%、11.2%) of that
/// one's kind.
pub fn kinds_of(text: &str, spans: &[Range<usize>]) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = Vec::with_capacity(spans.len());
    for (at, span) in spans.iter().enumerate() {
        let mut kind = kind_at(text, span.clone());
        if kind == Kind::Actual
            && let Some(previous) = at.checked_sub(1).map(|before| &spans[before])
            && text.get(previous.end..span.start) == Some("、")
        {
            kind = kinds[at - 1];
        }
        kinds.push(kind);
    }
    kinds
}

/// The kind of the figure at `span` of the normalised sentence `text`.
pub fn kind_at(text: &str, span: Range<usize>) -> Kind {
    let Some(before) = text.get(..span.start) else {
        return Kind::Actual;
    };
    // 力争 and 预计 govern the list that follows them, to the end of the sentence's part.
    let scope = before.rfind(SCOPE_ENDS).map_or(before, |at| &before[at..]);
    let figure = text.get(span.clone()).unwrap_or("");
    if before.ends_with('第') || figure.starts_with(['第', '前']) {
        return Kind::Rank;
    }
    if is_starting_level(text, span.clone()) {
        return Kind::Actual;
    }
    if TARGET_CUES.iter().any(|cue| scope.contains(cue)) {
        return Kind::Target;
    }
    if FORECAST_CUES.iter().any(|cue| scope.contains(cue)) {
        return Kind::Forecast;
    }
    // 增长了7.5%, 增速为7.5%; but 增加到500万 states the level reached.
    let head = before.trim_end_matches(['了', '为', '达', '约', '超', '近']);
    let qualifier_free = BEFORE
        .iter()
        .find_map(|(word, _)| head.strip_suffix(word))
        .unwrap_or(head);
    if CHANGE_CUES.iter().any(|cue| qualifier_free.ends_with(cue)) {
        return Kind::Change;
    }
    Kind::Actual
}

/// A number with its multipliers read, before its unit.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Amount {
    value: f64,
    precision: f64,
    /// The product of the 十/百/千/万/亿 after the digits (1 when none).
    multiplier: f64,
    /// 多 or 余 after the digits or the multiplier.
    more: Option<&'static str>,
}

/// A number at the start of `text` (Arabic or Chinese), its multipliers and 多/余; the rest.
fn amount(text: &str) -> Option<(Amount, &str)> {
    let (value, precision, mut rest) = match plain_number_prefix(text) {
        Some(found) => found,
        None => chinese_number_prefix(text)?,
    };
    let mut more = None;
    let mut multiplier = 1.0;
    loop {
        if let Some(after) = rest.strip_prefix('多') {
            more = Some("多");
            rest = after;
        } else if let Some(after) = rest.strip_prefix('余') {
            more = Some("余");
            rest = after;
        } else if let Some((factor, after)) = multiplier_prefix(rest) {
            // 万千瓦 and 亿元 are units: the multiplier is read there.
            if canonical_unit(rest).is_some() {
                break;
            }
            multiplier *= factor;
            rest = after;
        } else {
            break;
        }
    }
    Some((
        Amount {
            value: value * multiplier,
            precision: precision * multiplier,
            multiplier,
            more,
        },
        rest,
    ))
}

fn multiplier_prefix(text: &str) -> Option<(f64, &str)> {
    let first = text.chars().next()?;
    let factor = match first {
        '十' => 10.0,
        '百' => 100.0,
        '千' => 1e3,
        '万' => 1e4,
        '亿' => 1e8,
        _ => return None,
    };
    Some((factor, &text[first.len_utf8()..]))
}

/// 第三, 第3名, 前三, 前10位: a place in a ranking (前 is at most that place).
fn rank(figure: &str) -> Option<Quantity> {
    let (place, qualifier, qualifier_word) = if let Some(place) = figure.strip_prefix('第') {
        (place, Qualifier::Exact, "")
    } else {
        (figure.strip_prefix('前')?, Qualifier::AtMost, "前")
    };
    let place = place.trim_end_matches(['名', '位']);
    let (value, _) = plain_number(place).or_else(|| match chinese_number_prefix(place)? {
        (value, precision, "") => Some((value, precision)),
        _ => None,
    })?;
    (value >= 1.0 && value.fract() == 0.0).then_some(Quantity {
        value,
        high: None,
        unit: RANK_UNIT,
        precision: 1.0,
        qualifier,
        qualifier_word,
    })
}

/// 三分之一, 2分之1, 百分之三十, 百分之三十点五, 一半: a share, in %.
fn fraction(figure: &str) -> Option<Quantity> {
    let number = |text: &str| -> Option<(f64, f64)> {
        let (value, precision, rest) =
            plain_number_prefix(text).or_else(|| chinese_number_prefix(text))?;
        rest.is_empty().then_some((value, precision))
    };
    let (value, precision) = if figure == "一半" {
        (50.0, 0.01)
    } else if let Some(percent) = figure.strip_prefix("百分之") {
        number(percent)?
    } else {
        let (whole, part) = figure.split_once("分之")?;
        let (whole, _) = number(whole)?;
        let (part, _) = number(part)?;
        if whole == 0.0 {
            return None;
        }
        // A fraction is exact; a hundredth of a percent is as fine as any figure compares.
        (part / whole * 100.0, 0.01)
    };
    Some(Quantity {
        value,
        high: None,
        unit: "%",
        precision,
        qualifier: Qualifier::Exact,
        qualifier_word: "",
    })
}

#[cfg(test)]
mod tests;
