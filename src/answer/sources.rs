//! Every source's figure: when close-scoring sentences of different sources state a figure of
//! the kind asked (the same canonical unit: 68萬臺 and 25.3万台, not 万台 and 亿元), the best
//! sentence of each such source, newest first, and whether their figures agree by value
//! (1.6亿吨 and 1.5亿吨以上 agree; 929万 and 突破1000万 do not).

use super::Quote;
use super::facts::{Fact, asks_change, best_rated, facts_of, headline, newest_first};
use super::gather::{AskedMeasure, BEST_SHARE, title_of};
use crate::config::AnswerConfig;
use crate::question::QueryTerm;
use crate::search::MeasurePool;
use crate::text::normalize::comparable;
use crate::text::segment::is_proper_name;
use crate::text::values::{Kind, agrees, same_unit};

/// Sources compared on one figure.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Compared {
    /// The statements of the measure: actual figures newest first (by the period they state,
    /// then the publication date; undated last), then targets and forecasts, newest first.
    pub quotes: Vec<Quote>,
    /// The figure of each quote that states the measure.
    pub facts: Vec<Fact>,
    /// Every pair of actual figures of different sources agrees; `None` when fewer than two
    /// sources state an actual figure.
    pub agree: Option<bool>,
}

/// Every source's statement of the figure `quotes` (best first) answers with, when two or more
/// sources state it; `asked_unit` is the canonical unit the question names and `attribute` what
/// it asks the figure of (see `facts::headline`). The statements are the confident quotes'
/// headline figures and `gathered` (the measure's statements found deeper, see
/// `gather::statements`, best first), one per sentence and per figure of a source.
pub(super) fn compare_sources(
    quotes: &[Quote],
    measure: &AskedMeasure,
    asked_unit: Option<&str>,
    attribute: Option<&QueryTerm>,
    config: &AnswerConfig,
) -> Option<Compared> {
    let corpus = measure.corpus;
    let first = quotes.first()?;
    // The answer's figure and the statements are measured without the question's own words
    // for what happened that the answer does not use (粮食能打多少斤: 打).
    let worded = MeasurePool {
        weights: measure.weights_worded_at(first.sentence_idx()),
        ..measure.pool.clone()
    };
    let measure = &measure.with_pool(&worded);
    let first_facts = facts_of(first, corpus);
    let rate = |fact: &Fact| measure.rate(fact);
    // The answer's figure: the actual one naming the asked attribute that fits the measure
    // best; else the best-fitting figure of any kind, so that a quote stating only a forecast
    // (预计…用电量突破100亿度) still says which unit the sources' figures are in.
    let asks_change = asks_change(measure.question);
    let (headline, headline_quote) =
        headline(&first_facts, asked_unit, attribute, asks_change, &rate)
            .cloned()
            .or_else(|| {
                let candidates = first_facts
                    .iter()
                    .filter(|fact| fact.kind != Kind::Rank)
                    .filter(|fact| {
                        asked_unit.is_none_or(|unit| same_unit(fact.quantity.unit, unit))
                    });
                let fitting = |fact: &Fact| rate(fact).filter(|fit| *fit >= measure.min_fit);
                best_rated(candidates, &fitting).map(|(fact, _)| fact.clone())
            })
            .map(|fact| (fact, first.clone()))
            .or_else(|| {
                // The first quote states no figure of the measure (力争…带动从业人员3.5万人以上,
                // asked 带动就业多少人), or only what is planned (预计…服务器规模突破200万台,
                // asked 目前投运的服务器规模): the best statement in the asked unit, or in the
                // unit of the planned figure that fits best, is the answer's.
                let asked = if asks_change {
                    Kind::Change
                } else {
                    Kind::Actual
                };
                let planned_unit = || {
                    let planned = first_facts
                        .iter()
                        .filter(|fact| matches!(fact.kind, Kind::Target | Kind::Forecast));
                    best_rated(planned, &rate).map(|(fact, _)| fact.quantity.unit)
                };
                let best = measure
                    .statements(asked_unit.or_else(planned_unit)?, &compared_with(asked))
                    .into_iter()
                    .next()?;
                Some((best.fact, best.quote))
            })?;
    tracing::debug!(
        "comparing sources on {} ({}, {:?}) over {} pooled sentences",
        headline.figure,
        headline.quantity.unit,
        headline.kind,
        measure.pool.sentences.len()
    );
    let (unit, kind) = (headline.quantity.unit, headline.kind);
    // Other statements are measured by the words the answer itself names.
    let focused = MeasurePool {
        weights: measure.weights_named_at(headline.sentence_idx),
        ..measure.pool.clone()
    };
    let measure = &measure.with_pool(&focused);
    tracing::debug!(
        "statements weighed by {:?}",
        measure
            .question
            .terms
            .iter()
            .map(|term| term.text.as_str())
            .zip(&focused.weights)
            .collect::<Vec<_>>()
    );
    let headline_fit = measure.fit(&headline);
    let mut gathered = measure.statements(unit, &compared_with(kind));
    // The names the answer's sentence states of the question (云冈石窟) say whose figure it is:
    // a statement naming none of them near it counts something else (the city's 1575万人次
    // beside 云冈石窟's 400万人次).
    let names = names_stated(measure, headline.sentence_idx);
    gathered.retain(|statement| {
        names
            .iter()
            .all(|name| corpus.names_near(statement.quote.sentence_idx(), name))
    });
    let best = gathered.first().map_or(0.0, |statement| statement.fit);
    let planned = |fact: &Fact| matches!(fact.kind, Kind::Target | Kind::Forecast);
    let mut taken: Vec<(Fact, Quote)> = Vec::new();
    let mut take = |fact: Fact, quote: Quote| {
        let repeated = taken.iter().any(|(had, with)| {
            (with.sentence_idx() == quote.sentence_idx() && planned(had) == planned(&fact))
                || (with.doc() == quote.doc()
                    && comparable(&had.figure) == comparable(&fact.figure))
        });
        if !repeated {
            taken.push((fact, quote));
        }
    };
    // The answer's figure is compared unless it fits the measure far worse than the
    // statements found (装机容量929万千瓦 asked 全市电力总装机容量).
    let headline_taken = headline_fit >= measure.min_fit.max(best * BEST_SHARE);
    if headline_taken {
        take(headline, headline_quote);
    }
    for statement in gathered {
        take(statement.fact, statement.quote);
    }
    let mut docs: Vec<&str> = taken.iter().map(|(_, quote)| quote.doc()).collect();
    docs.sort_unstable();
    docs.dedup();
    // One source is enough when the answer's figure is only planned and a statement says
    // what is (将提高至1100亿千瓦时, and 由现在的550亿千瓦时 in another sentence), or when
    // statements of the measure replace a first quote that states another (a holiday's
    // 152万人次 asked a year's visitors).
    let answers_plan_with_actual = matches!(kind, Kind::Target | Kind::Forecast)
        && taken.iter().any(|(fact, _)| !planned(fact));
    if docs.len() < 2 && !answers_plan_with_actual && (headline_taken || taken.is_empty()) {
        return None;
    }
    // Actual figures first (a change counts as one when a change is what is asked).
    taken.sort_by(|a, b| planned(&a.0).cmp(&planned(&b.0)).then(newest_first(a, b)));
    taken.truncate(config.max_sources);
    let actual: Vec<&(Fact, Quote)> = taken.iter().filter(|(fact, _)| !planned(fact)).collect();
    let mut actual_docs: Vec<&str> = actual.iter().map(|(_, quote)| quote.doc()).collect();
    actual_docs.sort_unstable();
    actual_docs.dedup();
    let agree = (actual_docs.len() >= 2).then(|| {
        actual.iter().enumerate().all(|(at, (a, qa))| {
            actual[at + 1..]
                .iter()
                .all(|(b, qb)| qa.doc() == qb.doc() || agrees(&a.quantity, &b.quantity))
        })
    });
    let (facts, quotes) = taken.into_iter().unzip();
    Some(Compared {
        quotes,
        facts,
        agree,
    })
}

/// The question's terms that are proper names (see `is_proper_name`) and that the sentence at
/// `ord` states but its document's title does not (a report on 大同 is about 大同 throughout:
/// the name says nothing of this sentence).
fn names_stated<'q>(measure: &AskedMeasure<'q>, ord: usize) -> Vec<&'q str> {
    let sentence = measure.corpus.sentence(ord);
    let title = title_of(measure.corpus, ord);
    measure
        .question
        .terms
        .iter()
        .map(|term| term.text.as_str())
        .filter(|word| {
            sentence.normalized.contains(word) && !title.contains(word) && is_proper_name(word)
        })
        .collect()
}

/// The kinds a figure of `kind` is compared with: a change with changes, a place in a ranking
/// with places, an amount with amounts, targets and forecasts (shown after them).
fn compared_with(kind: Kind) -> impl Fn(Kind) -> bool {
    move |found| match kind {
        Kind::Change => found == Kind::Change,
        Kind::Rank => found == Kind::Rank,
        _ => matches!(found, Kind::Actual | Kind::Target | Kind::Forecast),
    }
}
