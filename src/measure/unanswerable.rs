//! `quotebot eval --squad FILE --unanswerable`: how often quotebot quotes when it should say
//! "not found". The articles of a SQuAD-format file are cut in two halves; the contexts of one
//! half are pooled and indexed, and the questions of the other half whose gold answers occur in
//! no pooled context are asked — every one of them should be refused. Both directions are run
//! (first half's contexts with the second half's questions, and the other way round).

use serde::Serialize;

use super::MeasureError;
use super::squad::{Article, Script, context_files, gold_answers};
use crate::config::Config;
use crate::corpus::CleaningRules;
use crate::engine::Engine;
use crate::text::normalize::comparable;

/// One direction: the contexts of one half, the questions of the other.
#[derive(Debug, Clone, Serialize)]
pub struct Direction {
    /// Which half's contexts were pooled: "first half" or "second half".
    pub contexts_of: &'static str,
    pub n_contexts: usize,
    /// Questions of the other half that no pooled context answers.
    pub n_questions: usize,
    /// Of those, the ones answered with a quote (each one a wrong answer).
    pub n_answered: usize,
}

/// Both directions together.
#[derive(Debug, Clone, Serialize)]
pub struct UnanswerableReport {
    pub n_questions: usize,
    pub n_answered: usize,
    /// `n_answered / n_questions`: the share of questions the corpus cannot answer that got a
    /// quote anyway (lower is better; 0 is the goal).
    pub share_answered: f64,
    pub directions: Vec<Direction>,
}

/// Runs both directions over `articles`, asking at most `max_questions` questions in each
/// (0 = all), in `script`.
pub fn run_unanswerable(
    config: &Config,
    articles: &[Article],
    script: Script,
    max_questions: usize,
) -> Result<UnanswerableReport, MeasureError> {
    let (first, second) = articles.split_at(articles.len().div_ceil(2));
    let directions = vec![
        direction("first half", first, second, config, script, max_questions)?,
        direction("second half", second, first, config, script, max_questions)?,
    ];
    let n_questions: usize = directions.iter().map(|d| d.n_questions).sum();
    let n_answered: usize = directions.iter().map(|d| d.n_answered).sum();
    Ok(UnanswerableReport {
        n_questions,
        n_answered,
        share_answered: n_answered as f64 / n_questions.max(1) as f64,
        directions,
    })
}

fn direction(
    contexts_of: &'static str,
    pooled: &[Article],
    asked: &[Article],
    config: &Config,
    script: Script,
    max_questions: usize,
) -> Result<Direction, MeasureError> {
    let contexts: Vec<&String> = pooled.iter().flat_map(|a| &a.contexts).collect();
    let files = context_files(contexts.iter().copied());
    let searchable: Vec<String> = contexts.iter().map(|context| comparable(context)).collect();
    let (engine, _) = Engine::in_memory(config.clone(), &files, &CleaningRules::default())?;
    let unanswerable = asked
        .iter()
        .flat_map(|article| &article.questions)
        .filter(|question| {
            let gold = gold_answers(question);
            !gold.is_empty()
                && !gold
                    .iter()
                    .any(|answer| searchable.iter().any(|context| context.contains(answer)))
        });
    let limit = if max_questions == 0 {
        usize::MAX
    } else {
        max_questions
    };
    let (mut n_questions, mut n_answered) = (0, 0);
    for question in unanswerable.take(limit) {
        let (_, hits) = engine.rank(&script.convert(&question.question))?;
        n_questions += 1;
        n_answered += usize::from(!hits.is_empty());
    }
    Ok(Direction {
        contexts_of,
        n_contexts: contexts.len(),
        n_questions,
        n_answered,
    })
}

/// Human-readable report.
pub fn render(report: &UnanswerableReport) -> String {
    let mut out = format!(
        "unanswerable (article halves, both directions): {} questions no pooled context answers; answered {} ({:.3})",
        report.n_questions, report.n_answered, report.share_answered
    );
    for direction in &report.directions {
        out.push_str(&format!(
            "\n  contexts of the {} ({}): {} questions, {} answered",
            direction.contexts_of,
            direction.n_contexts,
            direction.n_questions,
            direction.n_answered
        ));
    }
    out
}
