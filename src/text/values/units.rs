//! Units: the ones that make a number a figure, their canonical forms and factors (度 is
//! 千瓦时, 万千瓦 is 10^4 千瓦), and which canonical units measure the same thing.

/// Units that make a number a figure, in their Simplified form (matching is done on the
/// normalised text, so 臺, 萬 and full-width digits are covered too). Longer units come first so
/// that 千瓦时 wins over 千瓦. Month, day and hour are left out on purpose: they make dates;
/// 个月 counts months (超7个月), never a date.
pub const UNITS: &[&str] = &[
    "个百分点",
    "个月",
    "摄氏度",
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
    "斤",
    "列",
    "艘",
    "趟",
    "篇",
    "棵",
    "℃",
    // Normalised text is lower case: 1536TB is read as 1536tb.
    "tb",
    "pb",
    "gb",
    "%",
    "‰",
    // A place in a ranking (第三, 前三, 第3名): its own unit, never a count.
    RANK_UNIT,
];

/// The unit of a place in a ranking.
pub const RANK_UNIT: &str = "位次";

/// Surface units and the canonical unit and factor they stand for; the longest surface form is
/// tried first. A unit not listed is its own canonical unit, factor 1.
pub(super) const CONVERSIONS: &[(&str, &str, f64)] = &[
    ("度", "千瓦时", 1.0),
    ("千瓦时", "千瓦时", 1.0),
    ("万千瓦时", "千瓦时", 1e4),
    ("亿千瓦时", "千瓦时", 1e8),
    ("万千瓦", "千瓦", 1e4),
    ("兆瓦", "千瓦", 1e3),
    ("瓦", "千瓦", 1e-3),
    ("亿元", "元", 1e8),
    ("万元", "元", 1e4),
    ("公里", "千米", 1.0),
    ("米", "千米", 1e-3),
    ("平方公里", "平方米", 1e6),
    ("平方千米", "平方米", 1e6),
    ("公顷", "平方米", 1e4),
    ("亩", "平方米", 10_000.0 / 15.0),
    ("公斤", "千克", 1.0),
    ("克", "千克", 1e-3),
    ("名", "人", 1.0),
    ("位", "人", 1.0),
    ("‰", "%", 0.1),
    ("斤", "千克", 0.5),
    ("摄氏度", "℃", 1.0),
    ("gb", "tb", 1e-3),
    ("pb", "tb", 1e3),
];

/// The canonical units this module knows, beyond those of `CONVERSIONS`: every unit of
/// `UNITS` is one, so a unit is simply kept as written.
pub(super) fn canonical_unit(unit: &str) -> Option<(&'static str, f64)> {
    CONVERSIONS
        .iter()
        .find(|(surface, _, _)| *surface == unit)
        .map(|(_, canonical, factor)| (*canonical, *factor))
        .or_else(|| {
            UNITS
                .iter()
                .find(|known| **known == unit)
                .map(|known| (*known, 1.0))
        })
}

/// Classifiers that count things, each of which 个 may stand for: 24个 and 24座 of the same
/// cities are one figure (a measure's words tell what is counted, not the classifier).
const COUNT_CLASSIFIERS: &[&str] = &[
    "个", "座", "家", "所", "项", "条", "处", "批", "类", "种", "届", "场", "部", "支", "张", "件",
    "栋", "套", "辆", "颗", "枚", "份", "片", "组", "道", "层", "期", "株", "头", "列", "艘", "趟",
    "篇", "棵",
];

/// Two canonical units measure the same thing: equal, 个 beside another count classifier, or
/// 人 beside 人次.
pub fn same_unit(a: &str, b: &str) -> bool {
    // 多少人 is asked of visitors counted in 人次.
    a == b
        || matches!((a, b), ("人", "人次") | ("人次", "人"))
        || ((a == "个" || b == "个")
            && COUNT_CLASSIFIERS.contains(&a)
            && COUNT_CLASSIFIERS.contains(&b))
}

/// The canonical unit of a unit as written (度 → 千瓦时, 名 → 人, 台 → 台), if it is one.
pub fn canonical_unit_of(unit: &str) -> Option<&'static str> {
    canonical_unit(unit).map(|(canonical, _)| canonical)
}
