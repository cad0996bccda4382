//! The facts of a reply: each figure its quotes state, as a value with its unit, qualifier,
//! kind (actual, target, forecast, change, rank), period and source; and the first line of a
//! figure reply, built only from figure spans and source metadata.

use std::borrow::Cow;

use super::Quote;
use super::periods::dated_years_around;
use super::respective::{Listed, listed};
use crate::corpus::Corpus;
use crate::question::QueryTerm;
use crate::text::figures::FigureRow;
use crate::text::periods::year_of_figure;
use crate::text::values::{Kind, Quantity, RANK_UNIT, quantity_at, same_unit};

/// One figure of a quoted sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The figure as the sentence writes it (a verbatim span of it).
    pub figure: String,
    pub quantity: Quantity,
    pub kind: Kind,
    /// The years the sentence speaks of ("2021", "2021-2024"), else its source's date as
    /// `YYYY-MM` or `YYYY`, else "".
    pub period: String,
    /// The quote's sentence position, to find its citation and source.
    pub sentence_idx: usize,
    /// The figure's bytes in the sentence's normalised text.
    pub span: std::ops::Range<usize>,
    /// The part of the sentence the figure belongs to (normalised): where the measure it
    /// quantifies is named (在用服务器25.3万台, 建成6座智能化煤矿); `None` for a figure of a 分别
    /// list whose measure cannot be read, which states none on its own.
    pub context: Option<String>,
    /// The figure stands before the thing it counts (8家重点景区接待游客…, 建成6座智能化煤矿):
    /// often a count inside the subject, which the part's own figure answers before.
    pub counts_what_follows: bool,
}

/// The facts of `quote`, in the order its sentence states them.
pub fn facts_of(quote: &Quote, corpus: &Corpus) -> Vec<Fact> {
    let sentence = corpus.sentence(quote.sentence_idx());
    let normalized = sentence.normalized;
    let period = period_of(quote, corpus);
    // The quote's figures are the fact index's rows, in the same order.
    let spans: Vec<std::ops::Range<usize>> = sentence.figures.iter().map(FigureRow::span).collect();
    let kinds = sentence.figures.iter().map(FigureRow::kind);
    spans
        .iter()
        .cloned()
        .enumerate()
        .zip(kinds)
        .zip(quote.figures())
        .filter_map(|(((at, span), kind), figure)| {
            // 由2013年的233天增加到2021年的315天: a year just before a figure dates it alone.
            let period = year_of_figure(normalized, span.start)
                .map_or_else(|| period.clone(), |year| year.to_string());
            Some(Fact {
                figure: figure.text.clone(),
                quantity: quantity_at(normalized, span.clone())?,
                kind,
                context: figure_context(normalized, &spans, at).map(Cow::into_owned),
                counts_what_follows: counts_what_follows(normalized, span.end),
                span,
                period,
                sentence_idx: quote.sentence_idx(),
            })
        })
        .collect()
}

/// Words that qualify the figure before them (1.5亿吨以上, 20℃左右): what follows them is
/// not what the figure counts.
const QUALIFIERS_AFTER: &[&str] = &[
    "以上", "以内", "以下", "左右", "上下", "之多", "有余", "多", "余",
];

/// Whether the figure ending at byte `end` of `normalized` stands before the thing it counts
/// (8家重点景区, 6座智能化煤矿): a Chinese character follows it, past its qualifier.
fn counts_what_follows(normalized: &str, end: usize) -> bool {
    let after = &normalized[end..];
    let after = QUALIFIERS_AFTER
        .iter()
        .find_map(|word| after.strip_prefix(word))
        .unwrap_or(after);
    after
        .chars()
        .next()
        .is_some_and(crate::text::normalize::is_cjk)
}

/// Characters that end the part of a sentence a figure belongs to.
pub(super) const PART_ENDS: &[char] = &[
    '，', ',', '；', ';', '。', '：', ':', '！', '!', '？', '?', '、',
];

/// The part of the sentence the figure at `spans[at]` states a measure in (see
/// [`context_of`]); for a figure of a 分别 list, that part as written for it alone, or `None`
/// when which measure it is of cannot be read (see `respective`).
pub(super) fn figure_context<'t>(
    normalized: &'t str,
    spans: &[std::ops::Range<usize>],
    at: usize,
) -> Option<Cow<'t, str>> {
    match listed(normalized, spans, at) {
        Listed::No => Some(Cow::Borrowed(context_of(normalized, spans[at].clone()))),
        Listed::Resolved(context) => Some(Cow::Owned(context)),
        Listed::Unresolved => None,
    }
}

/// Words that open a part of a sentence stating how its measure changed or what share of a
/// whole it is (占比超过56%), without naming it.
const NO_SUBJECT: &[&str] = &[
    "比", "较", "同比", "环比", "增长", "增加", "下降", "减少", "提高", "增速", "分别", "占",
    "净增",
];

/// How many parts back a part with no subject looks for its measure.
const MAX_PARTS_BACK: usize = 3;

/// `part` opens with a word of [`NO_SUBJECT`].
pub(super) fn has_no_subject(part: &str) -> bool {
    NO_SUBJECT.iter().any(|word| part.starts_with(word))
}

/// Where the stretch of `text` that ends at `end` starts: just past the last of `ends` before
/// `end`, or at 0.
pub(super) fn start_after(text: &str, end: usize, ends: &[char]) -> usize {
    text[..end].rfind(ends).map_or(0, |at| {
        at + text[at..].chars().next().map_or(1, char::len_utf8)
    })
}

/// How far after a figure its measure may be named (6座智能化煤矿).
const MEASURE_AFTER_CHARS: usize = 8;

/// The part of `normalized` around the figure at `span`: from the end of the part before it
/// to a few characters after it, within its part.
pub(super) fn context_of(normalized: &str, span: std::ops::Range<usize>) -> &str {
    let part_start = |end: usize| start_after(normalized, end, PART_ENDS);
    let mut start = part_start(span.start);
    // 接待游客1575万人次,比2023年增长107.5%: a change in a part with no subject is of the
    // measure of the part before, or of the one before that when it has none either
    // (地区生产总值完成1686亿元,净增305亿元,比…多26.1亿元,同比增长7.5%).
    for _ in 0..MAX_PARTS_BACK {
        if start == 0 || !has_no_subject(&normalized[start..]) {
            break;
        }
        let separator = normalized[..start]
            .chars()
            .next_back()
            .map_or(0, char::len_utf8);
        start = part_start(start - separator);
    }
    let after = &normalized[span.end..];
    let end = after
        .char_indices()
        .take(MEASURE_AFTER_CHARS)
        .find(|(_, ch)| PART_ENDS.contains(ch))
        .map_or_else(
            || {
                after
                    .char_indices()
                    .nth(MEASURE_AFTER_CHARS)
                    .map_or(after.len(), |(at, _)| at)
            },
            |(at, _)| at,
        );
    &normalized[start..span.end + end]
}

/// The period a quote speaks of, as `Fact::period` says: the years named by number in the
/// sentence, else its paragraph's (or the one before it that 这一年 points to, or 今年/去年
/// read against the source's date); else its source's date.
fn period_of(quote: &Quote, corpus: &Corpus) -> String {
    let years = dated_years_around(corpus, quote.sentence_idx());
    match (years.first(), years.last()) {
        (Some(first), Some(last)) if first == last => first.to_string(),
        (Some(first), Some(last)) => format!("{first}-{last}"),
        _ => quote
            .source()
            .date
            .as_deref()
            .map(|date| date.chars().take(7).collect())
            .unwrap_or_default(),
    }
}

impl Fact {
    /// The fact's part of its sentence names `term` or one of its synonyms.
    pub fn names(&self, term: &QueryTerm) -> bool {
        std::iter::once(&term.text)
            .chain(&term.synonyms)
            .any(|word| {
                self.context
                    .as_deref()
                    .is_some_and(|context| context.contains(word.as_str()))
            })
    }
}

/// Orders facts with their quotes newest first: by the period the sentence states, then the
/// publication date; undated last.
pub fn newest_first(a: &(Fact, Quote), b: &(Fact, Quote)) -> std::cmp::Ordering {
    let dated =
        |(fact, quote): &(Fact, Quote)| (!fact.period.is_empty(), quote.source().date.is_some());
    dated(b)
        .cmp(&dated(a))
        .then(b.0.period.cmp(&a.0.period))
        .then(b.1.source().date.cmp(&a.1.source().date))
}

/// The fact of a quote that answers a figure question: among its actual figures in the asked
/// unit (canonical, `asked_unit`; without one, those that are not shares) whose part of the
/// sentence names the asked attribute (`attribute`, or a synonym, when the question names
/// one and some figure's part names it), the one `rate` rates best (the first on a tie; `rate`
/// leaves out a figure of a year not asked); else its best change so (a change first when the
/// question `asks_change`: 增长了多少). Targets and forecasts never stand for what a source
/// states, nor ranks unless the question asks for a place (排第几).
pub fn headline<'f>(
    facts: &'f [Fact],
    asked_unit: Option<&str>,
    attribute: Option<&QueryTerm>,
    asks_change: bool,
    rate: &dyn Fn(&Fact) -> Option<f32>,
) -> Option<&'f Fact> {
    let unit_fits = |fact: &&Fact| match asked_unit {
        Some(unit) => same_unit(fact.quantity.unit, unit),
        // A share answers only a question about a share or a change (增长了多少: 7.5%).
        None => asks_change || !matches!(fact.quantity.unit, "%" | "个百分点"),
    };
    // The attribute as the question words it need not be the sentence's (一年能产多少煤 asks
    // of 能产, the sentence says 产量): it only sets apart the figures that name it.
    let named = facts
        .iter()
        .filter(unit_fits)
        .any(|fact| attribute.is_some_and(|term| fact.names(term)));
    let fits =
        |fact: &&Fact| unit_fits(fact) && (!named || attribute.is_none_or(|term| fact.names(term)));
    // A figure the part states (接待游客152万人次) before one counting what follows it
    // (8家重点景区), which answers only when nothing else does.
    let best_of = |kind: Kind| {
        let of_kind = |counts: bool| {
            facts
                .iter()
                .filter(move |f| f.kind == kind && f.counts_what_follows == counts)
                .filter(fits)
        };
        best_rated(of_kind(false), rate)
            .or_else(|| best_rated(of_kind(true), rate))
            .map(|(fact, _)| fact)
    };
    // A place in a ranking answers only a question that asks for one (排第几).
    let rank = || best_of(Kind::Rank).filter(|_| asked_unit == Some(RANK_UNIT));
    let (first, then) = if asks_change {
        (Kind::Change, Kind::Actual)
    } else {
        (Kind::Actual, Kind::Change)
    };
    best_of(first).or_else(|| best_of(then)).or_else(rank)
}

/// The fact `rate` rates best (the first on a tie; `None` rates leave a fact out), with its
/// rating.
pub(super) fn best_rated<'f>(
    facts: impl IntoIterator<Item = &'f Fact>,
    rate: &dyn Fn(&Fact) -> Option<f32>,
) -> Option<(&'f Fact, f32)> {
    facts
        .into_iter()
        .filter_map(|fact| Some((fact, rate(fact)?)))
        .fold(None, |best, (fact, score)| match best {
            Some((_, had)) if had >= score => best,
            _ => Some((fact, score)),
        })
}

/// Words of a question that ask how much a measure changed (whole words: 增加 would take
/// 增加值 for a change, see `values::CHANGE_CUES` for the words before a figure) (增长了多少), not its level.
const CHANGE_ASKED: &[&str] = &[
    "增长", "增速", "增幅", "涨", "提高", "提升", "下降", "降低", "减少", "降了", "降幅", "增加",
    "上升",
];

/// The question asks how much a measure changed (增加值, value added, is a measure).
pub fn asks_change(question: &crate::question::Question) -> bool {
    let text = question.normalized.as_str();
    CHANGE_ASKED.iter().any(|word| {
        text.match_indices(word)
            .any(|(at, _)| !text[at..].starts_with("增加值"))
    })
}

/// "1686亿元（大同市人民政府 2022）｜68萬臺（新華網 2025-03-12）": each quote's headline figure
/// with its source's publisher (or title) and date, in reply order, a figure's period shown
/// where it is not the source's year. `None` when no quote states a figure.
pub fn figures_line(
    quotes: &[Quote],
    facts: &[Vec<Fact>],
    asked_unit: Option<&str>,
    attribute: Option<&QueryTerm>,
    asks_change: bool,
    rate: &dyn Fn(&Fact) -> Option<f32>,
) -> Option<String> {
    let chosen: Vec<(&Fact, &Quote)> = quotes
        .iter()
        .zip(facts)
        .filter_map(|(quote, facts)| {
            Some((
                headline(facts, asked_unit, attribute, asks_change, rate)?,
                quote,
            ))
        })
        .collect();
    line_of(&chosen)
}

/// The figures line of facts already chosen, one per quote (see [`figures_line`]).
pub fn line_of(chosen: &[(&Fact, &Quote)]) -> Option<String> {
    let parts: Vec<String> = chosen
        .iter()
        .map(|(fact, quote)| {
            let source = quote.source();
            let who = source.publisher.as_deref().unwrap_or(&source.title);
            let date = source.date.as_deref().unwrap_or("");
            let mut label = [who, date]
                .iter()
                .filter(|part| !part.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            // A 2021 figure in a 2022 report: the publication date alone would mislead.
            if !fact.period.is_empty() && !date.starts_with(&fact.period) {
                label = format!("{label}，{}", fact.period);
            }
            format!("{}（{label}）", fact.figure)
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("｜"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::figures::figure_spans;

    /// The facts of one normalised sentence, every one actual.
    fn facts_in(text: &str) -> Vec<Fact> {
        let spans: Vec<_> = figure_spans(text).collect();
        spans
            .iter()
            .cloned()
            .enumerate()
            .map(|(at, span)| Fact {
                figure: text[span.clone()].to_string(),
                quantity: quantity_at(text, span.clone()).expect("a figure has a value"),
                kind: Kind::Actual,
                period: String::new(),
                sentence_idx: 0,
                context: figure_context(text, &spans, at).map(Cow::into_owned),
                counts_what_follows: counts_what_follows(text, span.end),
                span,
            })
            .collect()
    }

    #[test]
    fn a_count_of_what_follows_heads_only_when_nothing_else_does() {
        let rate_all = |_: &Fact| Some(1.0);
        let headed = |text: &str, unit: Option<&str>| {
            let facts = facts_in(text);
            headline(&facts, unit, None, false, &rate_all).map(|fact| fact.figure.clone())
        };
        assert_eq!(
            headed(
                "国庆假期,大同8家重点景区接待游客152万人次,同比增长20%",
                None
            )
            .as_deref(),
            Some("152万人次")
        );
        assert_eq!(
            headed("全市已建成14座智能化煤矿,目前先进产能占比超85%", None).as_deref(),
            Some("14座")
        );
        assert_eq!(
            headed("大同8家重点景区接待游客152万人次", Some("家")).as_deref(),
            Some("8家")
        );
        // A qualifier after a figure is no thing it counts.
        assert_eq!(
            headed(
                "原煤年产量稳定在1.5亿吨以上,2021至2024年累计生产原煤6.4亿吨",
                None
            )
            .as_deref(),
            Some("1.5亿吨")
        );
    }

    #[test]
    fn a_respective_list_names_a_measure_only_when_its_items_are_read() {
        let contexts = |text: &str| -> Vec<Option<String>> {
            let spans: Vec<_> = figure_spans(text).collect();
            (0..spans.len())
                .map(|at| figure_context(text, &spans, at).map(Cow::into_owned))
                .collect()
        };
        let unread = contexts("两地居民收入分别增长8.1%、11.2%,农村居民收入增长7.7%");
        assert_eq!(unread[..2], [None, None]);
        assert_eq!(unread[2].as_deref(), Some("农村居民收入增长7.7%"));
        let read = contexts("城乡居民人均可支配收入分别增长8.1%、11.2%");
        assert_eq!(read[1].as_deref(), Some("农村居民人均可支配收入增长11.2%"));
    }

    #[test]
    fn a_change_is_asked_by_its_verbs_not_by_value_added() {
        let asks = |text: &str| {
            asks_change(&crate::question::parse_question(
                text,
                &crate::question::Synonyms::default(),
            ))
        };
        assert!(asks("优良天数增加了百分之多少"));
        assert!(asks("GDP增长了多少"));
        assert!(!asks("民营经济增加值占GDP的比重是多少"));
        assert!(!asks("优良天数有多少天"));
    }

    #[test]
    fn a_change_subject_comes_from_the_part_before() {
        let text = "累计接待游客1575万人次,比2023年增长107.5%,同比增长5%";
        let span = |figure: &str| {
            let start = text.find(figure).unwrap();
            start..start + figure.len()
        };
        assert!(context_of(text, span("107.5%")).contains("接待游客"));
        assert_eq!(
            context_of(text, span("1575万人次")),
            "累计接待游客1575万人次"
        );
        let chained =
            "全年地区生产总值完成1686亿元,净增305亿元,比近三年净增量之和多26.1亿元,同比增长7.5%";
        let start = chained.find("7.5%").unwrap();
        assert!(context_of(chained, start..start + 4).starts_with("全年地区生产总值"));
    }
}
