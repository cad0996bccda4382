//! Hits → [`Reply`]: the quotes a person sees, each a whole corpus sentence with its number,
//! its source and its figures (`quote`); near-duplicates removed; sources that disagree on a
//! figure shown side by side, newest first (`sources`); the context of a cited sentence
//! (`context`). Pure: nothing here reads files or the clock. Rendering is `render`'s.

mod asked_about;
mod claims;
mod context;
mod facts;
mod gather;
mod measure_words;
mod naming;
mod periods;
mod quote;
mod respective;
mod sources;

use crate::config::AnswerConfig;
use crate::corpus::Corpus;
use crate::question::Question;
use crate::search::{Hit, MeasurePool};
use crate::text::normalize::strip_whitespace;

use crate::text::values::{Kind, canonical_unit_of};
pub use claims::{
    Asked, CheckReport, Claim, Measure, Verdict, claim_measure, judge, measure_of, measure_question,
};
pub use context::{Context, context};
pub use facts::Fact;
use facts::{asks_change, facts_of, figures_line, line_of};
use gather::AskedMeasure;
pub use gather::FULL_SCAN_SENTENCES;
use measure_words::{in_asking_clause, without_generic};
pub use periods::asked_period_first;
use periods::{PeriodMatch, period_match, quote_years};
pub use quote::Quote;
use quote::distinct_quotes;
use sources::compare_sources;

/// What a question naming no unit asks of a quote's best figure, against `answer.unit_fit`:
/// its words are matched less surely (一年能产多少煤 against 煤炭产量达到1.6亿吨).
const NO_UNIT_FIT: f32 = 0.4;

/// What a reply is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Quotes ranked by relevance.
    Answered,
    /// Quotes from several sources stating different figures, newest first.
    SourcesDisagree,
    /// Quotes from several sources stating the same figure (by value), newest first.
    SourcesAgree,
    /// Nothing in the corpus answers the question.
    NotFound,
    /// The corpus states what was asked only for other periods than the asked one: the quotes
    /// are what it states, shown as such, not as answers.
    OtherPeriod,
    /// The message holds nothing to search for (empty, emoji only, punctuation only).
    NoQuestion,
    /// The index could not be searched: the reader gets an apology and the operator the error
    /// in the log, never a "not found".
    SearchFailed,
}

/// The answer to one question, ready for any front end to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The question as it was searched (shortened if it was too long).
    pub question: String,
    pub status: Status,
    /// The quotes shown: answers, or with [`Status::OtherPeriod`] what the corpus states for
    /// other periods.
    pub quotes: Vec<Quote>,
    /// Remarks for the reader, e.g. that a long question was shortened.
    pub notes: Vec<String>,
    /// The decision's probability that the first quote answers the question; when nothing is
    /// quoted, that of the best sentence found (0 when none was).
    pub confidence: f32,
    /// The years the question asks about.
    pub asked_years: Vec<u16>,
    /// With [`Status::OtherPeriod`], the year stated nearest to an asked one.
    pub nearest_year: Option<u16>,
    /// Further sentences passed the decision than are shown ("more results" has something).
    pub more: bool,
    /// For a question asking for an amount: every figure the quotes state, in reply order.
    pub facts: Vec<Fact>,
    /// For a question asking for an amount: each quote's figure for it with its source
    /// ("1686亿元（大同市人民政府 2022，2021）｜…"), made of figure spans and source metadata only.
    pub figures_line: Option<String>,
}

impl Reply {
    /// A reply that quotes nothing.
    pub fn empty(question: &str, status: Status, notes: Vec<String>) -> Reply {
        Reply {
            question: question.to_string(),
            status,
            quotes: Vec::new(),
            notes,
            confidence: 0.0,
            asked_years: Vec::new(),
            nearest_year: None,
            more: false,
            facts: Vec::new(),
            figures_line: None,
        }
    }

    /// The quotes that answer the question: none when it is refused or only other periods
    /// are stated.
    pub fn answers(&self) -> &[Quote] {
        if self.status == Status::OtherPeriod {
            &[]
        } else {
            &self.quotes
        }
    }

    /// Nothing answers the question (whatever else is shown).
    pub fn refused(&self) -> bool {
        self.answers().is_empty()
    }
}

/// Builds the reply for `question` from ranked `hits`, skipping the first `skip` quotes (for
/// "more results"). When the question asks about years, quotes of the asked years come first,
/// quotes of other years are left out, and when only those remain the reply says so. A
/// question asking for an amount gets the quotes' facts and the line of their figures, and
/// every source's statement of it: other sources are looked for in `hits` and, deeper, in
/// `pool` (the index's best sentences for the question), where a figure counts when its own
/// part of the sentence names the question's words (`gather`).
pub fn reply(
    question: &Question,
    text: &str,
    hits: &[Hit],
    pool: &MeasurePool,
    corpus: &Corpus,
    config: &AnswerConfig,
    skip: usize,
) -> Reply {
    let pool = &in_asking_clause(question, &without_generic(question, pool));
    let mut reply = quoted(question, text, hits, pool, corpus, config, skip);
    if question.wants_figure && !reply.quotes.is_empty() {
        let per_quote: Vec<Vec<Fact>> = reply
            .quotes
            .iter()
            .map(|quote| facts_of(quote, corpus))
            .collect();
        let unit = asked_unit(question);
        if reply.figures_line.is_none() {
            let measure = AskedMeasure::new(question, pool, corpus, config.measure_fit);
            reply.figures_line = figures_line(
                &reply.quotes,
                &per_quote,
                unit,
                question.attribute.as_ref(),
                asks_change(question),
                // The first line lists figures of what was asked only: not 1686亿元 of the
                // GDP beside 城镇居民人均可支配收入分别增长8.1% asked the income.
                &|fact| measure.rate(fact).filter(|fit| *fit >= config.unit_fit),
            );
        }
        reply.facts = per_quote.into_iter().flatten().collect();
    }
    reply
}

/// The quotes of a reply and its status (see [`reply`]).
fn quoted(
    question: &Question,
    text: &str,
    hits: &[Hit],
    pool: &MeasurePool,
    corpus: &Corpus,
    config: &AnswerConfig,
    skip: usize,
) -> Reply {
    if question.terms.is_empty() {
        return Reply::empty(text, Status::NoQuestion, Vec::new());
    }
    // Enough distinct quotes for this page and for comparing sources; the rest are never shown.
    let wanted = skip + config.max_quotes.max(config.max_sources) * config.over_fetch;
    let mut distinct = distinct_quotes(hits, corpus, wanted, config.same_text_overlap);
    let done = |status: Status, quotes: Vec<Quote>| Reply {
        question: text.to_string(),
        status,
        confidence: quotes.first().map_or(0.0, Quote::confidence),
        quotes,
        notes: Vec::new(),
        asked_years: question.years.clone(),
        nearest_year: None,
        more: false,
        facts: Vec::new(),
        figures_line: None,
    };
    if distinct.is_empty() {
        return done(Status::NotFound, Vec::new());
    }
    if !question.years.is_empty() {
        let matched: Vec<PeriodMatch> = distinct
            .iter()
            .map(|quote| period_match(corpus, quote.sentence_idx(), &question.years))
            .collect();
        if matched.iter().all(|m| *m == PeriodMatch::Other) {
            let quotes: Vec<Quote> = distinct.into_iter().take(config.max_quotes).collect();
            let asked = question.years[0];
            let nearest = quotes
                .iter()
                .flat_map(|quote| quote_years(corpus, quote.sentence_idx()))
                .min_by_key(|year| (year.abs_diff(asked), std::cmp::Reverse(*year)));
            return Reply {
                nearest_year: nearest,
                ..done(Status::OtherPeriod, quotes)
            };
        }
        // The asked years first, then quotes that state no year; other years never answer.
        let mut ordered: Vec<(PeriodMatch, Quote)> = matched.into_iter().zip(distinct).collect();
        ordered.retain(|(m, _)| *m != PeriodMatch::Other);
        ordered.sort_by_key(|(m, _)| *m != PeriodMatch::Asked);
        distinct = ordered.into_iter().map(|(_, quote)| quote).collect();
    }
    let asked_unit = asked_unit(question);
    let measure = AskedMeasure::new(question, pool, corpus, config.measure_fit);
    let asks_change = asks_change(question);
    // A figure question is answered by a sentence naming something of the measure asked, not
    // only where and when (大同2024年旅游收入多少: not 2024…大同市城市算力指数位居全国第三),
    // and of the place asked about, when the question names one.
    if question.wants_figure {
        distinct.retain(|quote| {
            let ord = quote.sentence_idx();
            measure.names_measure(ord) && measure.of_asked_place(ord)
        });
        if distinct.is_empty() {
            return done(Status::NotFound, Vec::new());
        }
    }
    // A question naming its figure's unit is answered by sentences stating a figure in it of
    // what was asked, not by one whose figures in the unit are of another measure.
    if let Some(unit) = asked_unit.filter(|_| question.wants_figure) {
        distinct.retain(|quote| {
            // Read without the asker's casual words the quote does not use (一年能产多少吨煤).
            let ord = quote.sentence_idx();
            let worded = MeasurePool {
                weights: measure.weights_worded_at(ord),
                ..pool.clone()
            };
            measure
                .with_pool(&worded)
                .fit_in_unit(ord, unit, asks_change)
                .is_some_and(|fit| fit >= config.unit_fit)
        });
        if distinct.is_empty() {
            return done(Status::NotFound, Vec::new());
        }
    } else if question.wants_figure && !pool.weights.is_empty() {
        // No unit named (规模有多大): a quote still states a figure of what was asked, in
        // whatever unit, not only figures of other measures beside the question's words
        // (read with the terms' weights; without them, as before).
        distinct.retain(|quote| {
            let ord = quote.sentence_idx();
            let rows = corpus.figures_of(ord);
            // A sentence whose figures the fact index has not read, or not their units
            // (三百万棵), cannot be rated: the quote stays.
            if rows.iter().all(|row| row.unit().is_none()) {
                return true;
            }
            let mut units: Vec<&str> = rows.iter().filter_map(|row| row.unit()).collect();
            units.sort_unstable();
            units.dedup();
            units.into_iter().any(|unit| {
                measure
                    .fit_in_unit(ord, unit, asks_change)
                    .is_some_and(|fit| fit >= config.unit_fit * NO_UNIT_FIT)
            })
        });
        if distinct.is_empty() {
            return done(Status::NotFound, Vec::new());
        }
    }
    if skip == 0
        && question.wants_figure
        && let Some(compared) = compare_sources(
            &distinct,
            &measure,
            asked_unit,
            question.attribute.as_ref(),
            config,
        )
    {
        let status = match compared.agree {
            Some(true) => Status::SourcesAgree,
            Some(false) => Status::SourcesDisagree,
            None => Status::Answered,
        };
        // Targets and forecasts stay in the quotes and the facts, never in the first line.
        let chosen: Vec<(&Fact, &Quote)> = compared
            .facts
            .iter()
            .zip(&compared.quotes)
            .filter(|(fact, _)| matches!(fact.kind, Kind::Actual | Kind::Change | Kind::Rank))
            .collect();
        let line = line_of(&chosen);
        return Reply {
            figures_line: line,
            ..done(status, compared.quotes)
        };
    }
    let quotes: Vec<Quote> = distinct
        .into_iter()
        .skip(skip)
        .take(config.max_quotes)
        .collect();
    let status = if quotes.is_empty() {
        Status::NotFound
    } else {
        Status::Answered
    };
    done(status, quotes)
}

/// The canonical unit a figure question asks for. 多少度 asks for a temperature as often as
/// for kilowatt-hours: the figures' fit to the question decides, not the unit.
fn asked_unit(question: &Question) -> Option<&'static str> {
    question
        .unit
        .filter(|unit| *unit != "度")
        .and_then(canonical_unit_of)
}

/// True when `quote` is a span of `document_text` once whitespace is removed from both.
pub fn is_verbatim(quote: &str, document_text: &str) -> bool {
    let quote = strip_whitespace(quote);
    !quote.is_empty() && strip_whitespace(document_text).contains(&quote)
}

#[cfg(test)]
pub(crate) mod tests;
