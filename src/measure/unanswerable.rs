//! `quotebot eval --squad FILE --unanswerable`: how often quotebot quotes when it should say
//! "not found". The articles of a SQuAD-format file are cut in two halves; the contexts of one
//! half are pooled and indexed, and the questions of the other half whose gold answers occur in
//! no pooled context are asked — every one of them should be refused. Both directions are run
//! (first half's contexts with the second half's questions, and the other way round).

use serde::Serialize;

use super::MeasureError;
use super::squad::{Article, Script, calibration_point, context_files, gold_answers, top_sentence};
use crate::config::Config;
use crate::corpus::CleaningRules;
use crate::engine::Engine;
use crate::search::decide;
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
    /// (confidence, right) of the top sentence of the even-numbered questions of each
    /// direction, which the shipped decision was not fitted on.
    #[serde(skip)]
    pub calibration: Vec<(f32, bool)>,
}

/// Runs both directions over `articles`, asking at most `max_questions` questions in each
/// (0 = all), in `script`.
pub fn run_unanswerable(
    config: &Config,
    articles: &[Article],
    script: Script,
    max_questions: usize,
) -> Result<UnanswerableReport, MeasureError> {
    let mut directions = Vec::new();
    let mut calibration = Vec::new();
    for_each_direction(config, articles, script, max_questions, |set| {
        let mut n_answered = 0;
        for (at, question) in set.questions.iter().enumerate() {
            let (_, ranking) = set.engine.ranking(question)?;
            let top = calibration_point(&set.engine, top_sentence(&ranking), &[]);
            n_answered += usize::from(!decide(ranking, set.engine.decision()).is_empty());
            if at % 2 == 0 {
                calibration.extend(top);
            }
        }
        directions.push(Direction {
            contexts_of: set.contexts_of,
            n_contexts: set.n_contexts,
            n_questions: set.questions.len(),
            n_answered,
        });
        Ok(())
    })?;
    let n_questions: usize = directions.iter().map(|d| d.n_questions).sum();
    let n_answered: usize = directions.iter().map(|d| d.n_answered).sum();
    Ok(UnanswerableReport {
        n_questions,
        n_answered,
        share_answered: n_answered as f64 / n_questions.max(1) as f64,
        directions,
        calibration,
    })
}

/// One direction built: the engine over one half's contexts and the other half's questions
/// that none of them answers, already in the script asked for.
pub struct UnanswerableSet {
    pub contexts_of: &'static str,
    pub n_contexts: usize,
    pub engine: Engine,
    pub questions: Vec<String>,
}

/// Builds each direction in turn (one engine at a time) and hands it to `visit`.
pub fn for_each_direction(
    config: &Config,
    articles: &[Article],
    script: Script,
    max_questions: usize,
    mut visit: impl FnMut(&UnanswerableSet) -> Result<(), MeasureError>,
) -> Result<(), MeasureError> {
    let (first, second) = articles.split_at(articles.len().div_ceil(2));
    for (contexts_of, pooled, asked) in [
        ("first half", first, second),
        ("second half", second, first),
    ] {
        visit(&direction(
            contexts_of,
            pooled,
            asked,
            config,
            script,
            max_questions,
        )?)?;
    }
    Ok(())
}

fn direction(
    contexts_of: &'static str,
    pooled: &[Article],
    asked: &[Article],
    config: &Config,
    script: Script,
    max_questions: usize,
) -> Result<UnanswerableSet, MeasureError> {
    let contexts: Vec<&String> = pooled.iter().flat_map(|a| &a.contexts).collect();
    let files = context_files(contexts.iter().copied());
    let searchable: Vec<String> = contexts.iter().map(|context| comparable(context)).collect();
    let (engine, _) = Engine::in_memory(config.clone(), &files, &CleaningRules::default())?;
    let limit = if max_questions == 0 {
        usize::MAX
    } else {
        max_questions
    };
    let questions = asked
        .iter()
        .flat_map(|article| &article.questions)
        .filter(|question| {
            let gold = gold_answers(question);
            !gold.is_empty()
                && !gold
                    .iter()
                    .any(|answer| searchable.iter().any(|context| context.contains(answer)))
        })
        .take(limit)
        .map(|question| script.convert(&question.question))
        .collect();
    Ok(UnanswerableSet {
        contexts_of,
        n_contexts: contexts.len(),
        engine,
        questions,
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
