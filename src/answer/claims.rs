//! The claim check of a draft: each figure of a draft sentence is a claim, judged against the
//! facts the corpus states for the same measure (same unit, same kind, the measure named in
//! the fact's part of its sentence, the draft's years when it names some): `supported` when
//! the newest of them agrees, `outdated` when only older ones do, `contradicted` when none
//! does, `not_found` when there are none. Pure: the facts come from the caller's search.

use super::Quote;
use std::ops::Range;

use super::facts::{Fact, PART_ENDS, facts_of, newest_first};
use super::periods::{PeriodMatch, period_match};
use crate::corpus::Corpus;
use crate::question::QueryTerm;
use crate::text::values::{Kind, Quantity, agrees};

/// What the corpus says of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The newest source stating this measure (for this period) agrees.
    Supported,
    /// An older source agrees; a newer one states another value.
    Outdated,
    /// Sources state another value, none this one.
    Contradicted,
    /// No source states this measure.
    NotFound,
}

/// One figure of a draft, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The draft's sentence, as the draft writes it.
    pub sentence: String,
    /// The figure, a verbatim span of `sentence`.
    pub figure: String,
    /// The words the draft says the figure is of.
    pub measure: String,
    pub verdict: Verdict,
    /// The facts of the same measure, newest first, each with its quote.
    pub evidence: Vec<(Fact, Quote)>,
}

/// A checked draft.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub draft: String,
    pub claims: Vec<Claim>,
}

/// What a draft's figure is a figure of.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// The words naming it (大同投运服务器, 智能化煤矿), normalised.
    pub text: String,
    /// They follow the figure (6座智能化煤矿) rather than lead to it (在用服务器25.3万台).
    pub after_figure: bool,
    /// The part of the sentence the figure is in (between commas), its bytes in the
    /// normalised sentence.
    pub part: Range<usize>,
}

/// Words between a measure and its figure that say nothing of the measure.
const LINKING: &[&str] = &[
    "达到",
    "达",
    "为",
    "是",
    "完成",
    "实现",
    "超过",
    "突破",
    "超",
    "逾",
    "约",
    "近",
    "共",
    "有",
    "建成",
    "累计",
    "增长",
    "增加",
    "提高",
    "下降",
    "减少",
    "同比",
    "了",
    "在",
    "稳定在",
    "控制在",
];

/// Words after a figure that qualify it rather than name its measure.
const AFTER_FIGURE: &[&str] = &["以上", "以内", "以下", "左右", "上下", "之内", "多", "余"];

/// What the figure at `span` of the normalised draft sentence `text` is a figure of.
pub fn measure_of(text: &str, span: Range<usize>) -> Measure {
    let start = text[..span.start].rfind(PART_ENDS).map_or(0, |at| {
        at + text[at..].chars().next().map_or(1, char::len_utf8)
    });
    let end = text[span.end..]
        .find(PART_ENDS)
        .map_or(text.len(), |at| span.end + at);
    let mut after = &text[span.end..end];
    while let Some(rest) = AFTER_FIGURE
        .iter()
        .find_map(|word| after.strip_prefix(word))
    {
        after = rest;
    }
    let mut before = &text[start..span.start];
    while let Some(rest) = LINKING.iter().find_map(|word| before.strip_suffix(word)) {
        before = rest;
    }
    let after_figure = after.starts_with(crate::text::normalize::is_cjk);
    Measure {
        text: if after_figure { after } else { before }.to_string(),
        after_figure,
        part: start..end,
    }
}

/// What a claim is compared on.
pub struct Asked<'a> {
    pub quantity: &'a Quantity,
    pub kind: Kind,
    /// The noun the draft's figure quantifies (or its synonyms), if the draft names one.
    pub attribute: Option<&'a QueryTerm>,
    /// The years the draft's sentence names.
    pub years: &'a [u16],
}

/// The evidence for a claim among `quotes` (the search's best sentences for it) and the
/// verdict on it.
pub fn judge(asked: &Asked, quotes: &[Quote], corpus: &Corpus) -> (Verdict, Vec<(Fact, Quote)>) {
    let same_kind = |kind: Kind| match asked.kind {
        // A target in a draft is checked against targets; anything else against what was
        // reached (a change against changes).
        Kind::Target | Kind::Forecast => matches!(kind, Kind::Target | Kind::Forecast),
        other => kind == other,
    };
    let mut evidence: Vec<(Fact, Quote)> = Vec::new();
    for quote in quotes {
        if !asked.years.is_empty()
            && period_match(corpus, quote.sentence_idx(), asked.years) == PeriodMatch::Other
        {
            continue;
        }
        // One fact a sentence: the first of the measure.
        let fact = facts_of(quote, corpus).into_iter().find(|fact| {
            fact.quantity.unit == asked.quantity.unit
                && same_kind(fact.kind)
                && asked.attribute.is_none_or(|term| fact.names(term))
        });
        if let Some(fact) = fact
            && !evidence
                .iter()
                .any(|(_, taken)| taken.sentence_idx() == quote.sentence_idx())
        {
            evidence.push((fact, quote.clone()));
        }
    }
    evidence.sort_by(newest_first);
    let agreeing: Vec<bool> = evidence
        .iter()
        .map(|(fact, _)| agrees(asked.quantity, &fact.quantity))
        .collect();
    let verdict = match agreeing.first() {
        None => Verdict::NotFound,
        Some(true) => Verdict::Supported,
        Some(false) if agreeing.contains(&true) => Verdict::Outdated,
        Some(false) => Verdict::Contradicted,
    };
    (verdict, evidence)
}
