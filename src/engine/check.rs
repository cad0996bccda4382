//! `Engine::check`: a draft's figures as claims, each searched for as a question and judged
//! against the facts of the sentences found (`answer::claims`).

use super::Engine;
use crate::answer::{Asked, CheckReport, Claim, Quote, claim_measure, judge, measure_question};
use crate::corpus::split_sentences;
use crate::search::{self, MeasurePool};
use crate::text::figures::{figure_spans, find_figures, names_a_class};
use crate::text::normalize::normalize;
use crate::text::periods::{year_part, years_back, years_in};
use crate::text::values::{kinds_of, quantity_at};

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

    /// The best-ranked sentences for a claim's question, read for its evidence: of a place
    /// the claim names (云州区), only those whose paragraph or title names it.
    fn evidence_quotes(&self, question: &str, places: &[String]) -> Vec<Quote> {
        match self.ranking(question) {
            Ok((_, ranking)) => ranking
                .hits
                .iter()
                .take(EVIDENCE_DEPTH)
                .filter(|hit| {
                    places
                        .iter()
                        .all(|place| self.corpus.names_near(hit.sentence_idx, place))
                })
                .map(|hit| {
                    Quote::from_corpus(&self.corpus, hit.sentence_idx, hit.score, hit.confidence)
                })
                .collect(),
            Err(err) => {
                tracing::error!("checking {question:?}: {err}");
                Vec::new()
            }
        }
    }

    /// The claims of one draft sentence.
    fn claims_of(&self, sentence: &str) -> Vec<Claim> {
        let normalized = normalize(sentence);
        let spans: Vec<_> = figure_spans(&normalized).collect();
        let figures = find_figures(sentence);
        let kinds = kinds_of(&normalized, &spans);
        spans
            .iter()
            .cloned()
            .enumerate()
            .zip(kinds)
            .zip(figures)
            .filter_map(|(((at, span), kind), figure)| {
                // 35千伏及以上变电站有118座: the class counted is no claim, the count is.
                if names_a_class(&normalized, span.clone()) {
                    return None;
                }
                let quantity = quantity_at(&normalized, span.clone())?;
                let measure = claim_measure(&normalized, &spans, at);
                // The figure's part of the sentence, the figure asked for: 大同投运服务器达多少
                // (after the subject named in another part: 全年地区生产总值同比增长多少).
                let question = format!(
                    "{}{}多少{}",
                    measure.subject.as_deref().unwrap_or(""),
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
                // A year in a clause stating no figure before the figure's part sets the period
                // of the sentence: 「2024年前三季度，农村居民人均可支配收入增长11.2%」.
                let no_figure_before = spans
                    .iter()
                    .filter(|other| other.end <= measure.part.start)
                    .all(|other| !years_in(&normalized[other.clone()]).is_empty());
                if years.is_empty() && no_figure_before {
                    years.extend(years_in(&normalized[..measure.part.start]));
                }
                years.sort_unstable();
                years.dedup();
                // Facts are rated against the measure's own words, dated by the years of
                // the figure's part of the draft (今年/去年 read against the day of checking).
                let mut rated = measure_question(&measure, &self.synonyms, years);
                // Counted over the part of a year the draft names before the figure.
                rated.year_part = year_part(&normalized[..span.start]);
                // The terms' weights; the sentences read are the ranked ones above.
                let pool = search::measure_pool(&rated, &self.index, &self.config.retrieval, 0)
                    .unwrap_or_else(|err| {
                        tracing::error!("checking {:?}: {err}", figure.text);
                        MeasurePool::default()
                    });
                // A measure the corpus has no words for is stated by no source (入境游客), however
                // well its other words match: it is not searched for.
                let quotes = if pool.unknown_share > self.config.retrieval.max_unknown_share {
                    Vec::new()
                } else {
                    self.evidence_quotes(&question, &rated.places)
                };
                let asked = Asked {
                    quantity: &quantity,
                    kind,
                    question: &rated,
                    pool: &pool,
                    min_fit: self.config.answer.measure_fit,
                    head: &measure.head(),
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
