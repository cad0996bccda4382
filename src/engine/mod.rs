//! The engine: configuration, corpus, index, synonyms and ranker opened together, and the one
//! entry point every front end calls to answer (`Engine::ask`). Opening reads files and may build
//! the index (with a progress bar); answering does no I/O.

mod check;
mod why;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::answer::{self, Context, Reply, Status};
use crate::config::{Config, ConfigError};
use crate::corpus::{
    self, BadSentenceId, CleaningRules, Corpus, CorpusError, DocumentSummary, Folder, FolderStamp,
    RawFile, SentenceId, SkippedFile, SourcesFile,
};
use crate::index::{self, IndexError, IndexStatus, SentenceIndex};
use crate::question::{Question, Synonyms, parse_question};
use crate::rank::{Features, Ranker, RankerError};
use crate::search::{
    self, Candidates, Decision, DecisionError, Hit, MeasurePool, Ranking, SearchError,
};

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A configuration file is missing or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The corpus folder cannot be used.
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    /// The index cannot be opened or built.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The ranker's weights cannot be used.
    #[error(transparent)]
    Ranker(#[from] RankerError),
    /// The decision's model cannot be used.
    #[error(transparent)]
    Decision(#[from] DecisionError),
    /// An index in memory could not be built.
    #[error("cannot build the index in memory: {0}")]
    InMemory(tantivy::TantivyError),
}

/// A sentence reference that names no sentence; the message is for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    /// Not a reference at all.
    #[error(transparent)]
    BadReference(#[from] BadSentenceId),
    /// A well-formed reference to a sentence the corpus does not have.
    #[error("没有编号为 {0} 的句子。用 /sources 查看文档编号。")]
    NoSuchSentence(SentenceId),
    /// A document number the corpus does not have.
    #[error("没有编号为 {0} 的文档。用 /sources 查看文档编号。")]
    NoSuchDocument(u32),
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
    /// Problems of `sources.toml` that did not stop the build.
    pub warnings: Vec<String>,
    pub elapsed: Duration,
    pub index_path: Option<PathBuf>,
}

impl IndexSummary {
    /// The counts of `corpus`, with what opening took.
    fn of(corpus: &Corpus, elapsed: Duration, index_path: Option<PathBuf>) -> Self {
        IndexSummary {
            n_files: corpus.documents.len(),
            n_paragraphs: corpus
                .documents
                .iter()
                .map(|doc| doc.n_paragraphs as usize)
                .sum(),
            n_sentences: corpus.n_sentences(),
            skipped: corpus.skipped.clone(),
            warnings: corpus.warnings.clone(),
            elapsed,
            index_path,
        }
    }
}

/// Everything needed to answer.
pub struct Engine {
    config: Config,
    corpus: Corpus,
    index: SentenceIndex,
    synonyms: Synonyms,
    ranker: Ranker,
    decision: Decision,
    summary: IndexSummary,
}

impl Engine {
    /// Loads rules, synonyms and the ranker, then opens the index generation in use with the
    /// corpus it keeps. The corpus folder is only listed when nothing changed since the build
    /// (same names, sizes and times); it is read when something did, and the index is rebuilt
    /// only if what was read differs from what the index was built from.
    pub fn open(config: Config, options: OpenOptions) -> Result<Engine, EngineError> {
        let started = Instant::now();
        // jieba's dictionary loads on the other core while the corpus folder is stamped and
        // the generation mapped: the first question needs both.
        let dictionary = std::thread::spawn(crate::text::segment::warm_up);
        let rules = CleaningRules::load(&config.cleaning_file)?;
        let synonyms = Synonyms::load(&config.synonyms_file)?;
        let ranker = Ranker::load(&config.ranker_file)?;
        let decision = Decision::load(&config.decision_file)?;
        let stamp = corpus::folder_stamp(&config.corpus_dir, &rules)?;
        let unchanged = (!options.rebuild)
            .then(|| index::open_stamped(&config.index_dir, &stamp.hash))
            .flatten();
        let (corpus, index) = match unchanged {
            Some(opened) => opened,
            None => open_from_folder(&config, &rules, &stamp, options)?,
        };
        for skipped in &corpus.skipped {
            tracing::warn!("skipped {}: {}", skipped.file, skipped.reason);
        }
        for warning in &corpus.warnings {
            tracing::warn!("{warning}");
        }
        // A panic while loading it is raised here, as when it loaded on this thread.
        if dictionary.join().is_err() {
            crate::text::segment::warm_up();
        }
        let summary = IndexSummary::of(&corpus, started.elapsed(), index.path.clone());
        Ok(Engine {
            config,
            corpus,
            index,
            synonyms,
            ranker,
            decision,
            summary,
        })
    }

    /// An engine over `files` (no descriptions), cleaned by `rules` and indexed in memory with
    /// the configuration's synonyms and ranker: evaluation and benchmarks over data sets that
    /// are not the corpus. Returns it with the time the corpus and index took to build.
    pub fn in_memory(
        config: Config,
        files: &[RawFile],
        rules: &CleaningRules,
    ) -> Result<(Engine, Duration), EngineError> {
        let synonyms = Synonyms::load(&config.synonyms_file)?;
        let ranker = Ranker::load(&config.ranker_file)?;
        let decision = Decision::load(&config.decision_file)?;
        crate::text::segment::warm_up();
        let started = Instant::now();
        let corpus = Corpus::build(files, &SourcesFile::default(), rules);
        let index = index::build_in_ram(&corpus).map_err(EngineError::InMemory)?;
        let build = started.elapsed();
        let summary = IndexSummary::of(&corpus, build, None);
        let engine = Engine {
            config,
            corpus,
            index,
            synonyms,
            ranker,
            decision,
            summary,
        };
        Ok((engine, build))
    }

    /// The configuration the engine was opened with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The corpus it answers from.
    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// What opening found and did.
    pub fn summary(&self) -> &IndexSummary {
        &self.summary
    }

    /// Answers a question with the configured number of quotes.
    pub fn ask(&self, question: &str) -> Reply {
        self.ask_from(question, 0)
    }

    /// Answers a question, skipping the first `skip` quotes ("more results"). A failed search
    /// is logged for the operator and answered with an apology, never with "not found".
    pub fn ask_from(&self, question: &str, skip: usize) -> Reply {
        let (text, notes) = sanitize_question(question, self.config.answer.max_question_chars);
        let (parsed, ranking) = match self.ranking(&text) {
            Ok(ranked) => ranked,
            Err(err) => {
                tracing::error!("{err}");
                return Reply::empty(&text, Status::SearchFailed, notes);
            }
        };
        let best = ranking.hits.first().map_or(0.0, |hit| hit.confidence);
        let decided = answer::asked_period_first(
            &self.corpus,
            search::decide(ranking, &self.decision),
            &parsed.years,
            self.decision.answer_threshold,
        );
        let n_decided = decided.len();
        // The second floor shapes the first page; "more results" asks for what lies below it.
        // What lies below may still hold other sources' figures for a figure question.
        let shown;
        let hits: &[Hit] = if skip == 0 {
            shown = search::worth_showing(decided.clone(), &self.decision);
            &shown
        } else {
            &decided
        };
        // Every source's statement of an asked figure: a second, deeper search of the index
        // (the terms' weights alone for "more results", to tell a figure's measure there too).
        let pool = if parsed.wants_figure && !hits.is_empty() {
            let depth = if skip == 0 {
                self.config.answer.source_depth
            } else {
                0
            };
            // Every sentence of a small corpus is read for the measure: no second search,
            // the ranked hits say that the index found something.
            let small = self.corpus.n_sentences() <= answer::FULL_SCAN_SENTENCES;
            let searched = if small { 0 } else { depth };
            let mut pool =
                search::measure_pool(&parsed, &self.index, &self.config.retrieval, searched)
                    .unwrap_or_else(|err| {
                        tracing::error!("{err}");
                        MeasurePool::default()
                    });
            if small && depth > 0 {
                pool.sentences = hits.iter().map(|hit| hit.sentence_idx).collect();
            }
            pool
        } else {
            MeasurePool::default()
        };
        let mut reply = answer::reply(
            &parsed,
            &text,
            hits,
            &pool,
            &self.corpus,
            &self.config.answer,
            skip,
        );
        reply.notes.extend(notes);
        reply.more = n_decided > skip + reply.quotes.len();
        if reply.quotes.is_empty() && reply.status == Status::NotFound {
            reply.confidence = best;
        }
        reply
    }

    /// The ranked sentences for an already sanitised question: the retrieval step of
    /// [`Engine::ask`], also measured on its own by `eval --squad`.
    pub fn rank(&self, question: &str) -> Result<(Question, Vec<Hit>), SearchError> {
        let (parsed, ranking) = self.ranking(question)?;
        Ok((parsed, search::decide(ranking, &self.decision)))
    }

    /// Every ranked sentence with the decision's inputs, nothing refused: what
    /// `eval --decision` writes out for fitting the decision.
    pub fn ranking(&self, question: &str) -> Result<(Question, Ranking), SearchError> {
        let parsed = self.parse(question);
        let ranking = search::rank_all(
            &parsed,
            &self.index,
            &self.corpus,
            &self.config.retrieval,
            &self.ranker,
            &self.decision,
        )?;
        Ok((parsed, ranking))
    }

    /// A question read for search, its 今年 and 去年 read against the day of asking.
    fn parse(&self, question: &str) -> Question {
        let mut parsed = parse_question(question, &self.synonyms);
        parsed.resolve_years(self.config.answer.this_year());
        parsed
    }

    /// The decision's model and floors.
    pub fn decision(&self) -> &Decision {
        &self.decision
    }

    /// The index's candidates for a question with their features, before scoring: what
    /// `eval --squad --features` writes out for fitting the ranker.
    pub fn candidates(&self, question: &str) -> Result<Candidates, SearchError> {
        self.candidates_of(&self.parse(question))
    }

    fn candidates_of(&self, parsed: &Question) -> Result<Candidates, SearchError> {
        search::candidates(
            parsed,
            &self.index,
            &self.corpus,
            &self.config.retrieval,
            &self.ranker,
        )
    }

    /// How a question was read and scored, for operators tuning the configuration: its terms
    /// with their synonyms, what it asks for, the ranker's top candidates with every feature,
    /// and the decision on them (the re-ranker's order, each confidence, what is quoted).
    pub fn explain(&self, question: &str) -> String {
        let (text, _) = sanitize_question(question, self.config.answer.max_question_chars);
        let parsed = self.parse(&text);
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
        let found = match self.candidates_of(&parsed) {
            Ok(found) => found,
            Err(err) => {
                out.push_str(&format!("{err}\n"));
                return out;
            }
        };
        out.push_str(&format!(
            "unknown to the corpus: {:.2} of the question\nscore  {}\n",
            found.unknown_share,
            Features::NAMES.join(" ")
        ));
        for (score, candidate) in search::ranked(&found, &self.ranker).iter().take(8) {
            let sentence = self.corpus.sentence(candidate.sentence_idx);
            let text: String = sentence.text.chars().take(50).collect();
            let features: Vec<String> = candidate
                .features
                .values()
                .iter()
                .map(|value| format!("{value:.2}"))
                .collect();
            out.push_str(&format!(
                "{score:>6.2} {} [{}] {text}\n",
                features.join(" "),
                sentence.id
            ));
        }
        if let Ok((_, ranking)) = self.ranking(&text) {
            out.push_str(&self.explain_decision(ranking));
        }
        out
    }

    /// The decision's view of a ranking: the sentences it looks at in the re-ranker's order,
    /// each with its re-ranker score and confidence, and what `ask` quotes first.
    fn explain_decision(&self, ranking: Ranking) -> String {
        let scored: Vec<(usize, f64, f32)> = ranking
            .hits
            .iter()
            .zip(ranking.order.iter().copied().chain(std::iter::repeat(0.0)))
            .take(ranking.inputs.len())
            .map(|(hit, order)| (hit.sentence_idx, order, hit.confidence))
            .collect();
        let covers_enough = ranking.covers_enough;
        let quoted = search::decide(ranking, &self.decision)
            .first()
            .map(|hit| hit.sentence_idx);
        let mut out = format!(
            "decision (answer at {:.2}, more quotes at {:.2}; coverage rule {}):\n order  confidence\n",
            self.decision.answer_threshold,
            self.decision.more_quotes_threshold,
            if covers_enough { "passed" } else { "failed" }
        );
        let mut in_order = scored;
        in_order.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (ord, order, confidence) in in_order {
            let sentence = self.corpus.sentence(ord);
            let text: String = sentence.text.chars().take(50).collect();
            let mark = if quoted == Some(ord) {
                "  ← quoted first"
            } else {
                ""
            };
            out.push_str(&format!(
                "{order:>6.2}  {confidence:>10.3} [{}] {text}{mark}\n",
                sentence.id
            ));
        }
        if quoted.is_none() {
            out.push_str("nothing quoted: not found\n");
        }
        out
    }

    /// The sentence `reference` names, with two sentences of context either side.
    pub fn context(&self, reference: &str) -> Result<Context, ContextError> {
        let id: SentenceId = reference.parse()?;
        answer::context(&self.corpus, id, 2).ok_or(ContextError::NoSuchSentence(id))
    }

    /// The text extracted from the document `reference` names (a document number, or a
    /// sentence number of it): what every quote of it is a span of.
    pub fn document_text(&self, reference: &str) -> Result<&str, ContextError> {
        let number = match reference.trim().parse::<u32>() {
            Ok(number) => number,
            Err(_) => reference.parse::<SentenceId>()?.doc,
        };
        let doc_idx = self
            .corpus
            .documents
            .iter()
            .position(|doc| doc.number == number)
            .ok_or(ContextError::NoSuchDocument(number))?;
        Ok(self.corpus.document_text(doc_idx))
    }

    /// The documents, for `/sources`.
    pub fn documents(&self) -> Vec<DocumentSummary> {
        self.corpus.summaries()
    }
}

/// The corpus folder read: the generation in use if it was built from what was read, the one
/// in use while another process builds, or a new generation built here.
fn open_from_folder(
    config: &Config,
    rules: &CleaningRules,
    stamp: &FolderStamp,
    options: OpenOptions,
) -> Result<(Corpus, SentenceIndex), EngineError> {
    let dir = &config.index_dir;
    let folder = Folder::read(&config.corpus_dir, || index::last_sources(dir))?;
    // A stamp taken while a file was being written, or with sources.toml broken, is not kept:
    // the next opening reads the folder again.
    let trusted = (stamp.settled && folder.problem.is_none()).then_some(stamp.hash.as_str());
    // A forced rebuild need not read the documents twice.
    let fingerprint = (!options.rebuild).then(|| folder.fingerprint(rules));
    let fresh = fingerprint
        .as_deref()
        .and_then(|fingerprint| index::open_fresh(dir, fingerprint));
    if let Some((mut corpus, index)) = fresh {
        if let Some(stamp) = trusted {
            index::restamp(dir, stamp);
        }
        if let Some(problem) = &folder.problem
            && !corpus.warnings.contains(problem)
        {
            corpus.warnings.push(problem.clone());
        }
        return Ok((corpus, index));
    }
    if let Some(answering) = answer_meanwhile(dir, options) {
        return Ok(answering);
    }
    let bar = progress_bar(options.progress);
    let report = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let (corpus, index, status) = index::open_or_build(
        dir,
        &folder,
        rules,
        fingerprint.as_deref(),
        trusted,
        &report,
    )?;
    bar.finish_and_clear();
    if status == IndexStatus::Built && !options.rebuild {
        // No index yet, or the corpus, its descriptions or the cleaning rules changed, or the
        // index in use could not be opened.
        tracing::info!("built the index of {}", config.corpus_dir.display());
    }
    Ok((corpus, index))
}

/// While another process builds a new index (and this one need not build), the generation in
/// use with the corpus it keeps: questions are answered from the last good state rather than
/// kept waiting. None when no build is running or no generation can be opened.
fn answer_meanwhile(
    dir: &std::path::Path,
    options: OpenOptions,
) -> Option<(Corpus, SentenceIndex)> {
    if options.rebuild || !index::build_in_progress(dir) {
        return None;
    }
    let opened = index::open_current(dir)?;
    tracing::warn!(
        "another process is building the index in {}; answering from the generation in use, built from an earlier state of the corpus",
        dir.display()
    );
    Some(opened)
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
    if let Ok(style) = indicatif::ProgressStyle::with_template("索引 {bar:30} {pos}/{len} 个文件")
    {
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
