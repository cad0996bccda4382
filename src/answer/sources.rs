//! Sources that disagree: when close-scoring sentences of different sources state different
//! figures of the same kind, the best sentence of each such source, newest first.

use std::collections::BTreeSet;

use super::Quote;
use crate::config::AnswerConfig;
use crate::text::figures::figure_key;

/// When close-scoring sentences from different sources state different figures of the same
/// kind (the same unit: 万台 and 万台, not 万台 and 亿元), the best sentence of each such
/// source, newest source first (undated last).
pub(super) fn disagreeing_sources(quotes: &[Quote], config: &AnswerConfig) -> Option<Vec<Quote>> {
    let first = quotes.first()?;
    let units = figure_units(first);
    if units.is_empty() {
        return None;
    }
    let mut per_source: Vec<Quote> = vec![first.clone()];
    for quote in quotes
        .iter()
        .skip(1)
        .take_while(|quote| quote.score() >= first.score() * config.other_source_ratio)
    {
        let same_kind = !figure_units(quote).is_disjoint(&units);
        if same_kind && per_source.iter().all(|taken| taken.doc() != quote.doc()) {
            per_source.push(quote.clone());
        }
    }
    let keys: BTreeSet<BTreeSet<String>> = per_source
        .iter()
        .map(|quote| {
            quote
                .figures()
                .iter()
                .map(|figure| figure_key(&figure.text))
                .collect()
        })
        .collect();
    if per_source.len() < 2 || keys.len() < 2 {
        return None;
    }
    per_source.truncate(config.max_sources);
    per_source.sort_by(|a, b| {
        b.source()
            .date
            .is_some()
            .cmp(&a.source().date.is_some())
            .then(b.source().date.cmp(&a.source().date))
    });
    Some(per_source)
}

/// The units of a quote's figures (亿元, 万台), the part after the number.
fn figure_units(quote: &Quote) -> BTreeSet<String> {
    quote
        .figures()
        .iter()
        .map(|figure| {
            figure_key(&figure.text)
                .trim_start_matches(|ch: char| ch.is_ascii_digit() || ch == '.')
                .to_string()
        })
        // Shares and growth rates are stated about anything, so they do not make two
        // sentences talk about the same quantity.
        .filter(|unit| !unit.is_empty() && !matches!(unit.as_str(), "%" | "‰" | "个百分点"))
        .collect()
}
