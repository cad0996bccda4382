//! `quotebot eval … --decision FILE`: the training data of `scripts/fit_decision.py`. One JSON
//! line per question: the decision's inputs of its first ranked sentences, whether each holds a
//! gold answer, whether the question is answerable at all, and whether the coverage rule lets
//! it through (a question it stops is refused whatever the model says).

use std::io::Write;
use std::path::Path;

use super::MeasureError;
use crate::engine::Engine;
use crate::search::Inputs;
use crate::text::normalize::comparable;

/// A question to write out and the texts a sentence that answers it holds (none: nothing in
/// the corpus answers it).
pub struct Labelled<'q> {
    pub question: &'q str,
    pub answers: &'q [String],
}

/// Writes the header line (the inputs' names).
pub fn write_header(out: &mut impl Write, path: &Path) -> Result<(), MeasureError> {
    writeln!(
        out,
        "{}",
        serde_json::json!({ "inputs": Inputs::NAMES.as_slice() })
    )
    .map_err(|err| MeasureError::Io(path.to_path_buf(), err))
}

/// Writes one line per question of `questions`, tagged with `set`.
pub fn write_rows<'q>(
    engine: &Engine,
    set: &str,
    questions: impl IntoIterator<Item = Labelled<'q>>,
    out: &mut impl Write,
    path: &Path,
) -> Result<(), MeasureError> {
    for (at, question) in questions.into_iter().enumerate() {
        let gold: Vec<String> = question
            .answers
            .iter()
            .map(|answer| comparable(answer))
            .filter(|answer| !answer.is_empty())
            .collect();
        let (_, ranking) = engine.ranking(question.question)?;
        let labels: Vec<u8> = ranking
            .hits
            .iter()
            .take(ranking.inputs.len())
            .map(|hit| {
                let text = comparable(engine.corpus().sentence(hit.sentence_idx).text);
                u8::from(gold.iter().any(|answer| text.contains(answer.as_str())))
            })
            .collect();
        let x: Vec<Vec<f32>> = ranking.inputs.iter().map(|i| i.values().to_vec()).collect();
        let line = serde_json::json!({
            "set": set,
            "q": at,
            "question": question.question,
            "answerable": !gold.is_empty(),
            "covers": ranking.covers_enough,
            "labels": labels,
            "x": x,
        });
        writeln!(out, "{line}").map_err(|err| MeasureError::Io(path.to_path_buf(), err))?;
    }
    Ok(())
}
