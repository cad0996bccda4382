//! `quotebot eval --squad`: sentence retrieval measured on a SQuAD-format data set (CMRC 2018,
//! DRCD). Every context of the file becomes a document, split by the project's own cleaning and
//! splitting, indexed in memory by the project's own index code, and every question goes through
//! [`Engine::rank`], the retrieval step the bot uses. A question hits at k when one of the top k
//! sentences contains a gold answer, whitespace aside.

use std::time::Instant;

use serde::Deserialize;

use super::MeasureError;
use crate::config::Config;
use crate::corpus::{CleaningRules, RawFile};
use crate::engine::Engine;
use crate::percentile::percentile;
use crate::rank::Features;
use crate::search::{Ranking, decide};
use crate::text::normalize::{comparable, to_traditional};

/// A question of the data set and its gold answer texts.
#[derive(Debug, Clone, PartialEq)]
pub struct SquadQuestion {
    pub question: String,
    pub answers: Vec<String>,
}

/// Which script questions are put in before asking (the cross-script check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Script {
    /// Leave questions as they are.
    Original,
    Simplified,
    Traditional,
}

impl Script {
    /// `question` in this script.
    pub fn convert(self, question: &str) -> String {
        match self {
            Script::Original => question.to_string(),
            Script::Simplified => fast2s::convert(question),
            Script::Traditional => to_traditional(question),
        }
    }
}

#[derive(Deserialize)]
struct SquadFile {
    data: Vec<SquadArticle>,
}

#[derive(Deserialize)]
struct SquadArticle {
    paragraphs: Vec<SquadParagraph>,
}

#[derive(Deserialize)]
struct SquadParagraph {
    context: String,
    qas: Vec<SquadQa>,
}

#[derive(Deserialize)]
struct SquadQa {
    question: String,
    answers: Vec<SquadAnswer>,
}

#[derive(Deserialize)]
struct SquadAnswer {
    text: String,
}

/// One article of a SQuAD-format file: its contexts and its questions.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub contexts: Vec<String>,
    pub questions: Vec<SquadQuestion>,
}

/// Reads a SQuAD-format file article by article.
pub fn parse_articles(text: &str) -> Result<Vec<Article>, MeasureError> {
    let file: SquadFile = serde_json::from_str(text).map_err(MeasureError::NotSquad)?;
    Ok(file
        .data
        .iter()
        .map(|article| Article {
            contexts: article
                .paragraphs
                .iter()
                .map(|paragraph| paragraph.context.clone())
                .collect(),
            questions: article
                .paragraphs
                .iter()
                .flat_map(|paragraph| &paragraph.qas)
                .map(|qa| SquadQuestion {
                    question: qa.question.clone(),
                    answers: qa
                        .answers
                        .iter()
                        .map(|answer| answer.text.clone())
                        .collect(),
                })
                .collect(),
        })
        .collect())
}

/// Reads a SQuAD-format file: every context as a document, and the first `max_questions`
/// questions in file order (0 = all).
pub fn parse_squad(
    text: &str,
    max_questions: usize,
) -> Result<(Vec<RawFile>, Vec<SquadQuestion>), MeasureError> {
    let articles = parse_articles(text)?;
    let contexts = context_files(articles.iter().flat_map(|article| &article.contexts));
    let mut questions: Vec<SquadQuestion> = articles
        .into_iter()
        .flat_map(|article| article.questions)
        .collect();
    if max_questions > 0 {
        questions.truncate(max_questions);
    }
    Ok((contexts, questions))
}

/// Contexts as documents named by their place (`000001.txt` …).
pub(super) fn context_files<'c>(contexts: impl Iterator<Item = &'c String>) -> Vec<RawFile> {
    contexts
        .enumerate()
        .map(|(n, context)| RawFile {
            name: format!("{:06}.txt", n + 1),
            bytes: context.as_bytes().to_vec(),
        })
        .collect()
}

/// The figures of one run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SquadReport {
    pub n_questions: usize,
    pub n_sentences: usize,
    /// Questions the retrieval returned nothing for (all candidates below the coverage bar).
    pub n_refused: usize,
    pub r1: f64,
    pub r3: f64,
    pub r5: f64,
    pub mrr10: f64,
    pub build_s: f64,
    pub latency_mean_ms: f64,
    pub latency_p50_ms: f64,
    pub latency_p99_ms: f64,
    /// (confidence, right) of the top sentence of the even-numbered questions, which the
    /// shipped decision was not fitted on.
    #[serde(skip)]
    pub calibration: Vec<(f32, bool)>,
}

/// The engine over `contexts`: corpus and index built in memory with the project's own code,
/// the configuration's synonyms and ranker. Returns it with the build time in seconds.
pub fn build_engine(config: &Config, contexts: &[RawFile]) -> Result<(Engine, f64), MeasureError> {
    let (engine, build) = Engine::in_memory(config.clone(), contexts, &CleaningRules::default())?;
    Ok((engine, build.as_secs_f64()))
}

/// Gold answers in comparable form (see `text::normalize::comparable`), empty ones dropped.
pub(super) fn gold_answers(question: &SquadQuestion) -> Vec<String> {
    question
        .answers
        .iter()
        .map(|a| comparable(a))
        .filter(|a| !a.is_empty())
        .collect()
}

/// Runs every question through [`Engine::rank`] and measures.
pub fn run_squad(
    engine: &Engine,
    build_s: f64,
    questions: &[SquadQuestion],
    script: Script,
) -> Result<SquadReport, MeasureError> {
    let sentences: Vec<String> = engine
        .corpus()
        .sentences()
        .map(|s| comparable(s.text))
        .collect();
    let mut ranks = Vec::with_capacity(questions.len());
    let mut latencies = Vec::with_capacity(questions.len());
    let mut n_refused = 0;
    let mut calibration = Vec::new();
    for (at, question) in questions.iter().enumerate() {
        let asked = script.convert(&question.question);
        let gold = gold_answers(question);
        let started = Instant::now();
        let (_, ranking) = engine.ranking(&asked)?;
        let top = top_sentence(&ranking);
        let hits = decide(ranking, engine.decision());
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        let top = calibration_point(engine, top, &gold);
        if at % 2 == 0 {
            calibration.extend(top);
        }
        n_refused += usize::from(hits.is_empty());
        let rank = hits.iter().take(10).position(|hit| {
            gold.iter()
                .any(|answer| sentences[hit.sentence_idx].contains(answer.as_str()))
        });
        ranks.push(rank.map(|at| at + 1));
    }
    let n = questions.len().max(1) as f64;
    let recall = |k: usize| {
        ranks
            .iter()
            .filter(|rank| rank.is_some_and(|r| r <= k))
            .count() as f64
            / n
    };
    latencies.sort_by(f64::total_cmp);
    Ok(SquadReport {
        n_questions: questions.len(),
        n_sentences: engine.corpus().n_sentences(),
        n_refused,
        r1: recall(1),
        r3: recall(3),
        r5: recall(5),
        mrr10: ranks
            .iter()
            .map(|rank| rank.map_or(0.0, |r| 1.0 / r as f64))
            .sum::<f64>()
            / n,
        build_s,
        latency_mean_ms: latencies.iter().sum::<f64>() / n,
        latency_p50_ms: percentile(&latencies, 50),
        latency_p99_ms: percentile(&latencies, 99),
        calibration,
    })
}

/// The top-ranked sentence of a question the coverage rule lets through: its position and
/// confidence.
pub fn top_sentence(ranking: &Ranking) -> Option<(usize, f32)> {
    let top = ranking.first_in_order().filter(|_| ranking.covers_enough)?;
    Some((top.sentence_idx, top.confidence))
}

/// The top sentence's confidence and whether it holds a gold answer (none holds one for an
/// unanswerable question): the pairs calibration is measured on, as
/// `scripts/fit_decision.py` measures it.
pub fn calibration_point(
    engine: &Engine,
    top: Option<(usize, f32)>,
    gold: &[String],
) -> Option<(f32, bool)> {
    let (ord, confidence) = top?;
    let text = comparable(engine.corpus().sentence(ord).text);
    Some((
        confidence,
        gold.iter().any(|answer| text.contains(answer.as_str())),
    ))
}

/// Expected calibration error over `bins` equal-width bins of confidence: the mean gap
/// between confidence and the share right, weighted by how many fall in each bin.
pub fn expected_calibration_error(points: &[(f32, bool)], bins: usize) -> f64 {
    let mut sums = vec![(0usize, 0.0f64, 0usize); bins];
    for &(confidence, right) in points {
        let bin = ((f64::from(confidence) * bins as f64) as usize).min(bins - 1);
        sums[bin].0 += 1;
        sums[bin].1 += f64::from(confidence);
        sums[bin].2 += usize::from(right);
    }
    let total = points.len().max(1) as f64;
    sums.iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|&(n, confidence, right)| {
            let n_f = n as f64;
            n_f / total * (confidence / n_f - right as f64 / n_f).abs()
        })
        .sum()
}

/// Writes, one JSON line per question, every candidate's features, text and whether it
/// contains a gold answer: the training data of `scripts/fit_ranker.py`, and what to read when
/// looking into a miss.
pub fn write_features(
    engine: &Engine,
    questions: &[SquadQuestion],
    script: Script,
    out: &mut impl std::io::Write,
    path: &std::path::Path,
) -> Result<(), MeasureError> {
    let write_err = |err: std::io::Error| MeasureError::Io(path.to_path_buf(), err);
    writeln!(
        out,
        "{}",
        serde_json::json!({ "features": Features::NAMES })
    )
    .map_err(write_err)?;
    for (at, question) in questions.iter().enumerate() {
        let gold = gold_answers(question);
        let found = engine.candidates(&script.convert(&question.question))?;
        let candidates = &found.list;
        let labels: Vec<u8> = candidates
            .iter()
            .map(|candidate| {
                let text = comparable(engine.corpus().sentence(candidate.sentence_idx).text);
                u8::from(gold.iter().any(|answer| text.contains(answer.as_str())))
            })
            .collect();
        let features: Vec<Vec<f32>> = candidates
            .iter()
            .map(|c| c.features.values().to_vec())
            .collect();
        let sentences: Vec<&str> = candidates
            .iter()
            .map(|c| engine.corpus().sentence(c.sentence_idx).text)
            .collect();
        // Where each candidate sits (document, sentence number): tells a neighbour of the
        // answer from a sentence elsewhere when looking into a miss.
        let places: Vec<(usize, usize)> = candidates
            .iter()
            .map(|c| {
                (
                    engine.corpus().sentence(c.sentence_idx).doc_idx,
                    c.sentence_idx,
                )
            })
            .collect();
        let line = serde_json::json!({
            "q": at,
            "question": question.question,
            "unknown": found.unknown_share,
            "labels": labels,
            "x": features,
            "sentences": sentences,
            "places": places,
        });
        writeln!(out, "{line}").map_err(write_err)?;
    }
    Ok(())
}

/// Human-readable report.
pub fn render(report: &SquadReport, label: &str) -> String {
    format!(
        "{label}: {} questions over {} sentences ({} refused)\n\
         R@1 {:.3}  R@3 {:.3}  R@5 {:.3}  MRR@10 {:.3}\n\
         index build {:.2} s; latency per question mean {:.3} ms, p50 {:.3} ms, p99 {:.3} ms",
        report.n_questions,
        report.n_sentences,
        report.n_refused,
        report.r1,
        report.r3,
        report.r5,
        report.mrr10,
        report.build_s,
        report.latency_mean_ms,
        report.latency_p50_ms,
        report.latency_p99_ms
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{"data":[{"paragraphs":[
        {"context":"甲城建于唐代。甲城人口三百万。","qas":[{"question":"甲城人口多少","answers":[{"text":"三百万"}]}]},
        {"context":"乙河長八百公里。","qas":[{"question":"乙河多長","answers":[{"text":"八百公里"}]},{"question":"x","answers":[]}]}
    ]}]}"#;

    #[test]
    fn reads_squad_files() {
        let (contexts, questions) = parse_squad(FILE, 0).unwrap();
        assert_eq!(contexts.len(), 2);
        assert_eq!(contexts[1].name, "000002.txt");
        assert_eq!(questions.len(), 3);
        assert_eq!(
            questions[1],
            SquadQuestion {
                question: "乙河多長".into(),
                answers: vec!["八百公里".into()]
            }
        );
        assert_eq!(parse_squad(FILE, 2).unwrap().1.len(), 2);
        assert!(parse_squad("{}", 0).is_err());
    }

    #[test]
    fn converts_scripts() {
        assert_eq!(Script::Traditional.convert("乙河多长"), "乙河多長");
        assert_eq!(Script::Simplified.convert("乙河多長"), "乙河多长");
    }
}
