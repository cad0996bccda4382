//! Quality measurement over question sets: `quotebot eval FILE.jsonl` runs every question
//! through `Engine::ask` — the path the bot uses — and reports hit@1, hit@3, MRR and refusal
//! accuracy, overall and per kind, with the questions it missed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Deserialize;

use super::MeasureError;
use crate::answer::{Reply, Status, is_verbatim};
use crate::engine::Engine;
use crate::text::normalize::comparable;

/// One line of a question file.
#[derive(Debug, Clone, Deserialize)]
pub struct EvalQuestion {
    pub id: String,
    pub q: String,
    /// Texts a good quote contains; empty means the right reply is "not found".
    #[serde(default)]
    pub answers: Vec<String>,
    #[serde(default)]
    pub kind: String,
}

/// The kind of a question whose right reply is "the corpus states this only for other
/// periods" (`status: other_period`).
pub const OTHER_PERIOD: &str = "other_period";

/// Reads a `.jsonl` question file; a bad line is an error naming its number.
pub fn parse_questions(text: &str) -> Result<Vec<EvalQuestion>, MeasureError> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line).map_err(|source| MeasureError::BadQuestion {
                line: n + 1,
                source,
            })
        })
        .collect()
}

/// The outcome of one question.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub question: EvalQuestion,
    /// 1-based rank of the first quote containing an answer.
    pub rank: Option<usize>,
    pub refused: bool,
    /// The search failed (an error, never counted as a right refusal).
    pub failed: bool,
    pub first_quote: Option<String>,
    pub n_quotes: usize,
    pub n_verbatim: usize,
    /// The reply said the corpus states the asked figure only for other periods.
    pub other_period: bool,
}

impl Outcome {
    fn answerable(&self) -> bool {
        !self.question.answers.is_empty()
    }

    fn correct(&self) -> bool {
        if self.failed {
            false
        } else if self.answerable() {
            self.rank == Some(1)
        } else if self.question.kind == OTHER_PERIOD {
            self.other_period
        } else {
            self.refused
        }
    }
}

/// How many of the reply's quotes are spans of their document's text (whitespace aside).
pub fn verbatim_quotes(engine: &Engine, reply: &Reply) -> usize {
    let corpus = engine.corpus();
    reply
        .quotes
        .iter()
        .filter(|quote| {
            let doc_idx = corpus.sentence(quote.sentence_idx()).doc_idx;
            is_verbatim(quote.text(), corpus.document_text(doc_idx))
        })
        .count()
}

/// Figures over a group of outcomes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    pub n_answerable: usize,
    pub hit1: f64,
    pub hit3: f64,
    pub mrr: f64,
    pub n_unanswerable: usize,
    pub refusal_accuracy: f64,
}

/// Runs every question through the engine.
pub fn run(engine: &Engine, questions: &[EvalQuestion]) -> Vec<Outcome> {
    questions
        .iter()
        .map(|question| judge(engine, question, &engine.ask(&question.q)))
        .collect()
}

/// Judges one reply against its expected answers.
pub fn judge(engine: &Engine, question: &EvalQuestion, reply: &Reply) -> Outcome {
    let wanted: Vec<String> = question
        .answers
        .iter()
        .map(|answer| comparable(answer))
        .collect();
    let rank = reply
        .answers()
        .iter()
        .position(|quote| {
            let text = comparable(quote.text());
            wanted
                .iter()
                .any(|answer| !answer.is_empty() && text.contains(answer.as_str()))
        })
        .map(|at| at + 1);
    let n_verbatim = verbatim_quotes(engine, reply);
    let failed = reply.status == Status::SearchFailed;
    Outcome {
        question: question.clone(),
        rank,
        refused: reply.refused() && !failed,
        other_period: reply.status == Status::OtherPeriod,
        failed,
        first_quote: reply
            .quotes
            .first()
            .map(|quote| format!("{} {}", quote.citation(), quote.text())),
        n_quotes: reply.quotes.len(),
        n_verbatim,
    }
}

/// Scores a group of outcomes.
pub fn score(outcomes: &[&Outcome]) -> Scores {
    let answerable: Vec<&&Outcome> = outcomes.iter().filter(|o| o.answerable()).collect();
    let unanswerable: Vec<&&Outcome> = outcomes.iter().filter(|o| !o.answerable()).collect();
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    Scores {
        n_answerable: answerable.len(),
        hit1: share(
            answerable.iter().filter(|o| o.rank == Some(1)).count(),
            answerable.len(),
        ),
        hit3: share(
            answerable
                .iter()
                .filter(|o| o.rank.is_some_and(|r| r <= 3))
                .count(),
            answerable.len(),
        ),
        mrr: if answerable.is_empty() {
            0.0
        } else {
            answerable
                .iter()
                .map(|o| o.rank.map_or(0.0, |r| 1.0 / r as f64))
                .sum::<f64>()
                / answerable.len() as f64
        },
        n_unanswerable: unanswerable.len(),
        refusal_accuracy: share(
            unanswerable.iter().filter(|o| o.refused).count(),
            unanswerable.len(),
        ),
    }
}

/// The printed report: overall, per kind, verbatim check, then the misses.
pub fn report(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    let all: Vec<&Outcome> = outcomes.iter().collect();
    let line = |label: &str, scores: &Scores| {
        format!(
            "{label:<18} answerable {:>3}  hit@1 {:.3}  hit@3 {:.3}  MRR {:.3}  | unanswerable {:>3}  refusal accuracy {:.3}\n",
            scores.n_answerable,
            scores.hit1,
            scores.hit3,
            scores.mrr,
            scores.n_unanswerable,
            scores.refusal_accuracy
        )
    };
    out.push_str(&line("overall", &score(&all)));
    let mut kinds: BTreeMap<&str, Vec<&Outcome>> = BTreeMap::new();
    for outcome in outcomes {
        kinds
            .entry(outcome.question.kind.as_str())
            .or_default()
            .push(outcome);
    }
    for (kind, group) in &kinds {
        out.push_str(&line(
            &format!("  {}", if kind.is_empty() { "(no kind)" } else { kind }),
            &score(group),
        ));
    }
    let n_quotes: usize = outcomes.iter().map(|o| o.n_quotes).sum();
    let n_verbatim: usize = outcomes.iter().map(|o| o.n_verbatim).sum();
    let _ = writeln!(out, "verbatim quotes    {n_verbatim}/{n_quotes}");
    let periods: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.question.kind == OTHER_PERIOD)
        .collect();
    if !periods.is_empty() {
        let _ = writeln!(
            out,
            "other period shown {}/{} (status other_period; every one is also a refusal)",
            periods.iter().filter(|o| o.other_period).count(),
            periods.len()
        );
    }
    let n_failed = outcomes.iter().filter(|o| o.failed).count();
    if n_failed > 0 {
        let _ = writeln!(out, "search failures    {n_failed} (see the log)");
    }
    let missed: Vec<&Outcome> = outcomes.iter().filter(|o| !o.correct()).collect();
    let _ = writeln!(
        out,
        "missed             {} of {}",
        missed.len(),
        outcomes.len()
    );
    for outcome in missed {
        let expected = if outcome.answerable() {
            outcome.question.answers.join(" | ")
        } else {
            "(not found)".to_string()
        };
        let got = match (&outcome.first_quote, outcome.rank) {
            (None, _) => "(not found)".to_string(),
            (Some(first), rank) => {
                let first: String = first.chars().take(80).collect();
                match rank {
                    Some(rank) => format!("answer at rank {rank}; first: {first}"),
                    None => format!("first: {first}"),
                }
            }
        };
        let _ = writeln!(
            out,
            "  {} [{}] {}\n      expected: {expected}\n      got:      {got}",
            outcome.question.id, outcome.question.kind, outcome.question.q
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(answers: &[&str], rank: Option<usize>, refused: bool) -> Outcome {
        Outcome {
            question: EvalQuestion {
                id: "x".into(),
                q: "q".into(),
                answers: answers.iter().map(|a| a.to_string()).collect(),
                kind: "k".into(),
            },
            rank,
            refused,
            failed: false,
            first_quote: None,
            n_quotes: 0,
            n_verbatim: 0,
            other_period: false,
        }
    }

    #[test]
    fn scores_outcomes() {
        let outcomes = [
            outcome(&["a"], Some(1), false),
            outcome(&["a"], Some(2), false),
            outcome(&["a"], None, true),
            outcome(&[], None, true),
            outcome(&[], None, false),
        ];
        let scores = score(&outcomes.iter().collect::<Vec<_>>());
        assert_eq!(scores.n_answerable, 3);
        assert!((scores.hit1 - 1.0 / 3.0).abs() < 1e-9);
        assert!((scores.hit3 - 2.0 / 3.0).abs() < 1e-9);
        assert!((scores.mrr - 0.5).abs() < 1e-9);
        assert_eq!(scores.n_unanswerable, 2);
        assert!((scores.refusal_accuracy - 0.5).abs() < 1e-9);
    }

    #[test]
    fn reads_question_files() {
        let parsed = parse_questions(
            "{\"id\":\"a\",\"q\":\"问\",\"answers\":[\"答\"],\"kind\":\"fact\"}\n\n",
        )
        .unwrap();
        assert_eq!(parsed.len(), 1);
        assert!(
            parse_questions("{\"id\":\"a\"}\nnot json")
                .unwrap_err()
                .to_string()
                .starts_with("line 1")
        );
    }
}
