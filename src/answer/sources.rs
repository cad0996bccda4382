//! Every source's figure: when close-scoring sentences of different sources state a figure of
//! the kind asked (the same canonical unit: 68萬臺 and 25.3万台, not 万台 and 亿元), the best
//! sentence of each such source, newest first, and whether their figures agree by value
//! (1.6亿吨 and 1.5亿吨以上 agree; 929万 and 突破1000万 do not).

use super::Quote;
use super::facts::{Fact, facts_of, headline, newest_first};
use crate::config::AnswerConfig;
use crate::corpus::Corpus;
use crate::question::QueryTerm;
use crate::text::values::agrees;

/// Sources compared on one figure.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Compared {
    /// The best sentence of each source, newest figure first (by the period it states, then
    /// the publication date; undated last).
    pub quotes: Vec<Quote>,
    /// Every pair of their figures agrees.
    pub agree: bool,
}

/// The sources of `quotes` (best first) that state the asked figure, when there are two or
/// more; `asked_unit` is the canonical unit the question names and `attribute` what it asks
/// the figure of (see `facts::headline`). `deeper` quotes (ranked below those worth showing)
/// add a source only when their figure names the attribute, whatever their confidence.
pub(super) fn compare_sources(
    quotes: &[Quote],
    deeper: &[Quote],
    corpus: &Corpus,
    asked_unit: Option<&str>,
    attribute: Option<&QueryTerm>,
    config: &AnswerConfig,
) -> Option<Compared> {
    let first = quotes.first()?;
    let unit = headline(&facts_of(first, corpus), asked_unit, attribute)?
        .quantity
        .unit;
    // One fact a source: the first quote's is found again first in the loop.
    let mut per_source: Vec<(Fact, Quote)> = Vec::new();
    let confident = quotes
        .iter()
        .filter(|quote| quote.confidence() >= first.confidence() * config.other_source_ratio);
    let named = deeper.iter().filter(|_| attribute.is_some());
    for quote in confident.chain(named) {
        if per_source
            .iter()
            .any(|(_, taken)| taken.doc() == quote.doc())
        {
            continue;
        }
        if let Some(fact) = headline(&facts_of(quote, corpus), Some(unit), attribute) {
            per_source.push((fact.clone(), quote.clone()));
        }
    }
    if per_source.len() < 2 {
        return None;
    }
    per_source.truncate(config.max_sources);
    let agree = per_source.iter().enumerate().all(|(at, (a, _))| {
        per_source[at + 1..]
            .iter()
            .all(|(b, _)| agrees(&a.quantity, &b.quantity))
    });
    per_source.sort_by(newest_first);
    Some(Compared {
        quotes: per_source.into_iter().map(|(_, quote)| quote).collect(),
        agree,
    })
}
