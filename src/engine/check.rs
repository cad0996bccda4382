//! `Engine::check`: a draft's figures as claims, each searched for as a question and judged
//! against the facts of the sentences found (`answer::claims`).

use super::Engine;
use crate::answer::{Asked, CheckReport, Claim, Quote, judge, measure_of};
use crate::corpus::split_sentences;
use crate::question::parse_question;
use crate::text::figures::{figure_spans, find_figures};
use crate::text::normalize::normalize;
use crate::text::periods::{years_back, years_in};
use crate::text::values::{kind_at, quantity_at};

/// How many of the best-ranked sentences for a claim are read for its evidence.
const EVIDENCE_DEPTH: usize = 10;

impl Engine {
    /// Checks every figure of `draft` against the corpus. A draft longer than the question
    /// limit times a hundred is checked for its start.
    pub fn check(&self, draft: &str) -> CheckReport {
        let limit = self.config.answer.max_question_chars.saturating_mul(100);
        let draft: String = draft.chars().take(limit).collect();
        let mut claims = Vec::new();
        for line in draft.lines() {
            for sentence in split_sentences(line) {
                claims.extend(self.claims_of(sentence));
            }
        }
        CheckReport { draft, claims }
    }

    /// The claims of one draft sentence.
    fn claims_of(&self, sentence: &str) -> Vec<Claim> {
        let normalized = normalize(sentence);
        let spans: Vec<_> = figure_spans(&normalized).collect();
        let figures = find_figures(sentence);
        spans
            .into_iter()
            .zip(figures)
            .filter_map(|(span, figure)| {
                let quantity = quantity_at(&normalized, span.clone())?;
                let kind = kind_at(&normalized, span.clone());
                let measure = measure_of(&normalized, span.clone());
                // The figure's part of the sentence, the figure asked for: 大同投运服务器达多少.
                let question = format!(
                    "{}多少{}",
                    &normalized[measure.part.start..span.start],
                    &normalized[span.end..measure.part.end]
                );
                // The years of the figure's part only: in 「2021年GDP为1686亿元，服务器达80万台」
                // the year sets the period of the GDP, not of the servers.
                let part = &normalized[measure.part.clone()];
                let this_year = self.config.answer.this_year();
                let mut years = years_in(part);
                years.extend(
                    years_back(part)
                        .iter()
                        .filter_map(|back| this_year.checked_sub(*back)),
                );
                years.sort_unstable();
                years.dedup();
                // The measure's word nearest the figure names it: 服务器 in 大同投运服务器,
                // 智能化 in 智能化煤矿 (the words after a figure read outwards from it).
                let measure_terms = parse_question(&measure.text, &self.synonyms).terms;
                let placed = measure_terms.iter().filter_map(|term| {
                    let at = measure.text.find(term.text.as_str())?;
                    Some((at, at + term.text.len(), term))
                });
                let attribute = if measure.after_figure {
                    placed.min_by_key(|(start, _, _)| *start)
                } else {
                    placed.max_by_key(|(_, end, _)| *end)
                }
                .map(|(_, _, term)| term);
                let quotes: Vec<Quote> = match self.ranking(&question) {
                    Ok((_, ranking)) => ranking
                        .hits
                        .iter()
                        .take(EVIDENCE_DEPTH)
                        .map(|hit| {
                            Quote::from_corpus(
                                &self.corpus,
                                hit.sentence_idx,
                                hit.score,
                                hit.confidence,
                            )
                        })
                        .collect(),
                    Err(err) => {
                        tracing::error!("checking {:?}: {err}", figure.text);
                        Vec::new()
                    }
                };
                let asked = Asked {
                    quantity: &quantity,
                    kind,
                    attribute,
                    years: &years,
                };
                let (verdict, evidence) = judge(&asked, &quotes, &self.corpus);
                Some(Claim {
                    sentence: sentence.to_string(),
                    figure: figure.text,
                    measure: measure.text,
                    verdict,
                    evidence,
                })
            })
            .collect()
    }
}
