//! The engine: configuration, corpus, index and synonyms opened together, and the one entry
//! point every front end calls to answer (`Engine::ask`). Opening reads files and may build the
//! index (with a progress bar); answering does no I/O.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::answer::{self, Reply, Status};
use crate::config::{self, Config, ConfigError, Synonyms};
use crate::context::{self, Context};
use crate::corpus::{self, Corpus, CorpusError, SentenceId, SkippedFile};
use crate::index::{self, IndexError, IndexStatus, SentenceIndex};
use crate::rerank::{FEATURE_NAMES, Ranker};
use crate::retrieve::{self, parse_question};

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// How to open the engine.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenOptions {
    /// Rebuild the index even if it matches the corpus.
    pub rebuild: bool,
    /// Show a progress bar while building (on a terminal only).
    pub progress: bool,
}

/// What opening found and did, for the `index` summary and `/stats`.
#[derive(Debug, Clone)]
pub struct IndexSummary {
    pub n_files: usize,
    pub n_paragraphs: usize,
    pub n_sentences: usize,
    pub skipped: Vec<SkippedFile>,
    pub built: bool,
    pub elapsed: Duration,
    pub index_path: Option<PathBuf>,
}

impl IndexSummary {
    /// The counts of `corpus`, with what opening did.
    fn of(corpus: &Corpus, built: bool, elapsed: Duration, index_path: Option<PathBuf>) -> Self {
        IndexSummary {
            n_files: corpus.documents.len(),
            n_paragraphs: corpus
                .documents
                .iter()
                .map(|doc| doc.n_paragraphs as usize)
                .sum(),
            n_sentences: corpus.sentences.len(),
            skipped: corpus.skipped.clone(),
            built,
            elapsed,
            index_path,
        }
    }
}

/// A document as listed by `/sources`.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentSummary {
    pub number: u32,
    pub file: String,
    pub source: corpus::Source,
    pub n_sentences: usize,
}

/// Everything needed to answer.
pub struct Engine {
    pub config: Config,
    pub corpus: Corpus,
    pub index: SentenceIndex,
    pub synonyms: Synonyms,
    pub ranker: Ranker,
    pub summary: IndexSummary,
}

impl Engine {
    /// Loads rules, synonyms and the corpus, then opens the index or builds it if the corpus
    /// changed since it was built.
    pub fn open(config: Config, options: OpenOptions) -> Result<Engine, EngineError> {
        let started = Instant::now();
        let (rules, rules_text) = config::load_cleaning(&config.cleaning_file)?;
        let synonyms = config::load_synonyms(&config.synonyms_file)?;
        let ranker = config::load_ranker(&config.ranker_file)?;
        let corpus = corpus::load_corpus(&config.corpus_dir, &rules, &rules_text)?;
        for skipped in &corpus.skipped {
            tracing::warn!("skipped {}: {}", skipped.file, skipped.reason);
        }
        crate::tokenize::warm_up();
        let bar = progress_bar(options.progress);
        let report = |done: usize, total: usize| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        };
        let (index, status) =
            index::open_or_build(&config.index_dir, &corpus, options.rebuild, &report)?;
        bar.finish_and_clear();
        let built = status == IndexStatus::Built;
        let summary = IndexSummary::of(&corpus, built, started.elapsed(), index.path.clone());
        let mut engine = Engine::from_parts(config, corpus, index, synonyms, ranker);
        engine.summary = summary;
        Ok(engine)
    }

    /// Answers a question with the configured number of quotes.
    pub fn ask(&self, question: &str) -> Reply {
        self.ask_from(question, 0)
    }

    /// Answers a question, skipping the first `skip` quotes ("more results").
    pub fn ask_from(&self, question: &str, skip: usize) -> Reply {
        let (text, notes) = sanitize_question(question, self.config.answer.max_question_chars);
        let (parsed, hits) = match self.rank(&text) {
            Ok(ranked) => ranked,
            Err(err) => {
                tracing::error!("search failed: {err}");
                let notes = vec!["检索出错，请稍后再试".to_string()];
                return Reply::empty(&text, Status::NotFound, notes);
            }
        };
        let mut reply = answer::reply(
            &parsed,
            &text,
            &hits,
            &self.corpus,
            &self.config.answer,
            skip,
        );
        reply.notes.extend(notes);
        reply
    }

    /// The ranked sentences for an already sanitised question: the retrieval step of
    /// [`Engine::ask`], also measured on its own by `eval --squad`.
    pub fn rank(
        &self,
        question: &str,
    ) -> tantivy::Result<(retrieve::Question, Vec<retrieve::Hit>)> {
        let parsed = parse_question(question, &self.synonyms);
        let hits = retrieve::retrieve(
            &parsed,
            &self.index,
            &self.corpus,
            &self.config.retrieval,
            &self.ranker,
        )?;
        Ok((parsed, hits))
    }

    /// The index's candidates for a question with their features, before scoring: what
    /// `eval --squad --features` writes out for fitting the ranker.
    pub fn candidates(&self, question: &str) -> tantivy::Result<retrieve::Candidates> {
        self.candidates_of(&parse_question(question, &self.synonyms))
    }

    fn candidates_of(&self, parsed: &retrieve::Question) -> tantivy::Result<retrieve::Candidates> {
        retrieve::candidates(
            parsed,
            &self.index,
            &self.corpus,
            &self.config.retrieval,
            &self.ranker,
        )
    }

    /// An engine over a corpus and index made in memory (evaluation on data sets).
    pub fn from_parts(
        config: Config,
        corpus: Corpus,
        index: SentenceIndex,
        synonyms: Synonyms,
        ranker: Ranker,
    ) -> Engine {
        let summary = IndexSummary::of(&corpus, true, Duration::ZERO, None);
        Engine {
            config,
            corpus,
            index,
            synonyms,
            ranker,
            summary,
        }
    }

    /// How a question was read and scored, for operators tuning the configuration: its terms
    /// with their synonyms, what it asks for, and the top hits with their coverage.
    pub fn explain(&self, question: &str) -> String {
        let (text, _) = sanitize_question(question, self.config.answer.max_question_chars);
        let parsed = parse_question(&text, &self.synonyms);
        let mut out = format!(
            "terms: {:?}\nwants figure: {}, wants date: {}, asks for: {:?}, numbers: {:?}\n",
            parsed
                .terms
                .iter()
                .map(|term| (&term.text, &term.synonyms))
                .collect::<Vec<_>>(),
            parsed.wants_figure,
            parsed.wants_date,
            parsed.asks,
            parsed.numbers
        );
        let found = self.candidates_of(&parsed).unwrap_or_default();
        out.push_str(&format!(
            "unknown to the corpus: {:.2} of the question\nscore  {}\n",
            found.unknown_share,
            FEATURE_NAMES.join(" ")
        ));
        let mut scored: Vec<(f32, &retrieve::Candidate)> = found
            .list
            .iter()
            .map(|candidate| (self.ranker.score(&candidate.features), candidate))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (score, candidate) in scored.iter().take(8) {
            let sentence = &self.corpus.sentences[candidate.sentence_idx];
            let text: String = sentence.text.chars().take(50).collect();
            let features: Vec<String> = candidate
                .features
                .iter()
                .map(|value| format!("{value:.2}"))
                .collect();
            out.push_str(&format!(
                "{score:>6.2} {} [{}] {text}\n",
                features.join(" "),
                sentence.id
            ));
        }
        out
    }

    /// The sentence `reference` names, with two sentences of context either side.
    pub fn context(&self, reference: &str) -> Result<Context, String> {
        let id: SentenceId = reference
            .parse()
            .map_err(|err: corpus::BadSentenceId| err.to_string())?;
        context::context(&self.corpus, id, 2)
            .ok_or_else(|| format!("没有编号为 {id} 的句子。用 /sources 查看文档编号。"))
    }

    /// The documents, for `/sources`.
    pub fn documents(&self) -> Vec<DocumentSummary> {
        self.corpus
            .documents
            .iter()
            .map(|doc| DocumentSummary {
                number: doc.number,
                file: doc.file.clone(),
                source: doc.source.clone(),
                n_sentences: doc.sentences.len(),
            })
            .collect()
    }
}

/// Makes any user text safe to search: control characters (NUL included) become spaces, the
/// text is trimmed and cut to `max_chars` characters, with a note when it was cut.
pub fn sanitize_question(question: &str, max_chars: usize) -> (String, Vec<String>) {
    let cleaned: String = question
        .chars()
        .map(|ch| if ch.is_control() { ' ' } else { ch })
        .collect();
    let trimmed = cleaned.trim();
    let mut notes = Vec::new();
    let text = if trimmed.chars().count() > max_chars {
        notes.push(format!("问题过长，只按前{max_chars}个字检索"));
        trimmed
            .chars()
            .take(max_chars)
            .collect::<String>()
            .trim()
            .to_string()
    } else {
        trimmed.to_string()
    };
    (text, notes)
}

fn progress_bar(visible: bool) -> indicatif::ProgressBar {
    if !visible {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template("索引 {bar:30} {pos}/{len} 句") {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_questions() {
        let check = |input: &str, max: usize, expected: &str, n_notes: usize| {
            let (text, notes) = sanitize_question(input, max);
            assert_eq!(text, expected, "{input:?}");
            assert_eq!(notes.len(), n_notes, "{input:?}");
        };
        check("  大同\0GDP\u{7}  ", 300, "大同 GDP", 0);
        check("\n\t", 300, "", 0);
        check(&"大".repeat(10_000), 300, &"大".repeat(300), 1);
        check("abc", 2, "ab", 1);
    }
}
