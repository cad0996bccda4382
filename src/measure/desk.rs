//! The fact desk measured: `quotebot eval` over a figure set (questions with every corpus
//! statement of the asked measure: its document, its verbatim figure, its kind, and whether the
//! sources' actual figures agree) or a claim set (one-figure drafts with their verdict). Both
//! go through the paths the bot uses, `Engine::ask` and `Engine::check`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;

use super::MeasureError;
use super::eval::verbatim_quotes;
use crate::answer::{Status, Verdict};
use crate::engine::Engine;
use crate::text::normalize::comparable;
use crate::text::values::Kind;

/// One statement of a measure in the corpus.
#[derive(Debug, Clone, Deserialize)]
pub struct Statement {
    /// The file stating it.
    pub doc: String,
    /// The figure as the file writes it.
    pub figure: String,
    /// `actual`, `target` or `forecast`.
    pub kind: String,
}

/// A figure question with every statement of its measure.
#[derive(Debug, Clone, Deserialize)]
pub struct FigureQuestion {
    pub id: String,
    pub question: String,
    pub sources: Vec<Statement>,
    /// Whether the actual figures of different sources agree; None with one source.
    pub agree: Option<bool>,
}

/// A one-figure draft and its verdict.
#[derive(Debug, Clone, Deserialize)]
pub struct ClaimCase {
    pub id: String,
    pub draft: String,
    pub verdict: Verdict,
}

/// A figure set or a claim set.
#[derive(Debug, Clone)]
pub enum DeskSet {
    Figures(Vec<FigureQuestion>),
    Claims(Vec<ClaimCase>),
}

/// Reads a figure set (lines with `sources`) or a claim set (lines with `draft`); None for any
/// other question file.
pub fn parse_set(text: &str) -> Result<Option<DeskSet>, MeasureError> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .collect();
    let first: serde_json::Value = match lines.first() {
        Some((_, line)) => serde_json::from_str(line).unwrap_or_default(),
        None => return Ok(None),
    };
    fn parse_all<T: serde::de::DeserializeOwned>(
        lines: &[(usize, &str)],
    ) -> Result<Vec<T>, MeasureError> {
        lines
            .iter()
            .map(|(n, line)| {
                serde_json::from_str(line).map_err(|source| MeasureError::BadQuestion {
                    line: n + 1,
                    source,
                })
            })
            .collect()
    }
    if first.get("sources").is_some() {
        Ok(Some(DeskSet::Figures(parse_all(&lines)?)))
    } else if first.get("draft").is_some() {
        Ok(Some(DeskSet::Claims(parse_all(&lines)?)))
    } else {
        Ok(None)
    }
}

/// The report of a set, as `quotebot eval` prints it.
pub fn report(engine: &Engine, set: &DeskSet) -> String {
    match set {
        DeskSet::Figures(questions) => figures_report(engine, questions),
        DeskSet::Claims(claims) => claims_report(engine, claims),
    }
}

/// Counts of one figure measure.
#[derive(Debug, Default)]
struct Tally {
    right: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, right: bool) {
        self.right += usize::from(right);
        self.total += 1;
    }

    fn share(&self) -> String {
        match self.total {
            0 => "  -  ".to_string(),
            total => format!("{:.3}", self.right as f64 / total as f64),
        }
    }
}

/// Statements present in the reply's facts, targets and forecasts never read as actuals, the
/// agreement flag, verbatim quotes; then the questions with something missing.
fn figures_report(engine: &Engine, questions: &[FigureQuestion]) -> String {
    let (mut present, mut planned, mut agreement) =
        (Tally::default(), Tally::default(), Tally::default());
    let (mut n_quotes, mut n_verbatim) = (0, 0);
    let mut misses = String::new();
    for question in questions {
        let reply = engine.ask(&question.question);
        let found: Vec<(String, &str, Kind)> = reply
            .facts
            .iter()
            .filter_map(|fact| {
                let quote = reply
                    .quotes
                    .iter()
                    .find(|quote| quote.sentence_idx() == fact.sentence_idx)?;
                Some((comparable(&fact.figure), quote.doc(), fact.kind))
            })
            .collect();
        let mut missing = Vec::new();
        for statement in &question.sources {
            let figure = comparable(&statement.figure);
            let kind = found
                .iter()
                .find(|(f, doc, _)| *doc == statement.doc && same_figure(f, &figure))
                .map(|(_, _, kind)| *kind);
            present.add(kind.is_some());
            if kind.is_none() {
                missing.push(format!("{} in {}", statement.figure, statement.doc));
            }
            if let (Some(kind), "target" | "forecast") = (kind, statement.kind.as_str()) {
                planned.add(kind != Kind::Actual);
            }
        }
        let mut wrong_flag = None;
        if let Some(agree) = question.agree {
            let expected = if agree {
                Status::SourcesAgree
            } else {
                Status::SourcesDisagree
            };
            agreement.add(reply.status == expected);
            if reply.status != expected {
                wrong_flag = Some(format!("status {:?}, expected {expected:?}", reply.status));
            }
        }
        n_quotes += reply.quotes.len();
        n_verbatim += verbatim_quotes(engine, &reply);
        if !missing.is_empty() || wrong_flag.is_some() {
            let _ = writeln!(misses, "  {} {}", question.id, question.question);
            if !missing.is_empty() {
                let _ = writeln!(misses, "      missing: {}", missing.join("; "));
            }
            if let Some(flag) = wrong_flag {
                let _ = writeln!(misses, "      {flag}");
            }
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "figure questions {}: statements present {} ({}/{})  targets and forecasts not read as actual {} ({}/{})  agreement flag {} ({}/{})",
        questions.len(),
        present.share(),
        present.right,
        present.total,
        planned.share(),
        planned.right,
        planned.total,
        agreement.share(),
        agreement.right,
        agreement.total,
    );
    let _ = writeln!(out, "verbatim quotes    {n_verbatim}/{n_quotes}");
    if !misses.is_empty() {
        let _ = write!(out, "missed\n{misses}");
    }
    out
}

/// A fact's figure is the statement's: the same text, or the statement's text with the
/// qualifier the fact keeps apart (超过100亿元 for the figure 100亿元 qualified by 超过).
fn same_figure(fact: &str, statement: &str) -> bool {
    fact == statement
        || (!fact.is_empty()
            && statement.split_once(fact).is_some_and(|(before, after)| {
                !format!("{before}{after}").contains(|c: char| c.is_ascii_digit())
            }))
}

/// Accuracy per verdict class, then the claims judged otherwise.
fn claims_report(engine: &Engine, claims: &[ClaimCase]) -> String {
    let mut classes: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = String::new();
    let mut all = Tally::default();
    for claim in claims {
        let report = engine.check(&claim.draft);
        let verdict = report.claims.first().map(|judged| judged.verdict);
        let right = verdict == Some(claim.verdict);
        all.add(right);
        classes.entry(name(claim.verdict)).or_default().add(right);
        if !right {
            let got = verdict.map_or("no claim read".to_string(), name);
            let _ = writeln!(
                misses,
                "  {} {} — expected {}, got {got}",
                claim.id,
                claim.draft,
                name(claim.verdict)
            );
        }
    }
    let mut out = format!(
        "claims {}: accuracy {} ({}/{})\n",
        claims.len(),
        all.share(),
        all.right,
        all.total
    );
    for (class, tally) in &classes {
        let _ = writeln!(
            out,
            "  {class:<13} {} ({}/{})",
            tally.share(),
            tally.right,
            tally.total
        );
    }
    if !misses.is_empty() {
        let _ = write!(out, "missed\n{misses}");
    }
    out
}

/// A verdict as the JSON contract names it.
fn name(verdict: Verdict) -> String {
    serde_json::to_value(verdict)
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_figure_sets_claim_sets_and_question_files_apart() {
        let figures = r#"{"id": "f1", "question": "多少台", "sources": [{"doc": "a.txt", "figure": "5台", "kind": "actual"}], "agree": null}"#;
        assert!(matches!(parse_set(figures), Ok(Some(DeskSet::Figures(set))) if set.len() == 1));
        let claims = "{\"id\": \"c1\", \"draft\": \"有5台。\", \"verdict\": \"outdated\"}\n\n";
        assert!(
            matches!(parse_set(claims), Ok(Some(DeskSet::Claims(set))) if set[0].verdict == Verdict::Outdated)
        );
        assert!(matches!(parse_set(r#"{"id": "q", "q": "问题"}"#), Ok(None)));
        let bad = "{\"id\": \"c1\", \"draft\": \"有5台。\", \"verdict\": \"maybe\"}";
        assert!(matches!(
            parse_set(bad),
            Err(MeasureError::BadQuestion { line: 1, .. })
        ));
    }
}
