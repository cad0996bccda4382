//! The `quotebot` command: parse arguments, load the configuration, hand each subcommand to the
//! library. Errors end here, as one message and exit code 1 (2 for bad usage, from clap).

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand};
use tracing_subscriber::prelude::*;

use quotebot::config::{Config, DEFAULT_CONFIG};
use quotebot::engine::{Engine, OpenOptions};
use quotebot::measure::bench::{self, BenchOptions};
use quotebot::measure::squad::{self, Script};
use quotebot::measure::unanswerable;
use quotebot::measure::{decision, desk, eval};
use quotebot::render::{json, plain};
use quotebot::store::{Asker, AuditLog, Channel, Filter};

/// Counts heap bytes, for `bench`'s figure of the memory an open engine holds.
#[global_allocator]
static ALLOCATOR: quotebot::measure::heap::CountingAllocator =
    quotebot::measure::heap::CountingAllocator;

#[derive(Parser)]
#[command(
    name = "quotebot",
    version,
    about = "Answers questions about a set of documents by quoting them."
)]
struct Cli {
    /// Configuration file.
    #[arg(long, global = true, default_value = DEFAULT_CONFIG)]
    config: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Rebuild the index from the corpus folder and print a summary.
    Index,
    /// Answer one question (or, with --json and no question, one per line of standard input).
    Ask {
        /// Print the reply as JSON.
        #[arg(long)]
        json: bool,
        /// Also print how the question was read and scored (to standard error).
        #[arg(long)]
        explain: bool,
        /// The question.
        question: Option<String>,
    },
    /// Check every figure of a draft against the sources: supported, outdated, contradicted
    /// or not found, with the evidence (the draft from FILE, or standard input).
    Check {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The draft's file; `-` or none: standard input.
        file: Option<PathBuf>,
    },
    /// Show a cited sentence with two sentences of context either side, e.g. `source 4·12.1`;
    /// with --raw, the whole text extracted from its document (`source --raw 4`).
    Source {
        /// Print the document's extracted text, every quote of it a span of this text.
        #[arg(long)]
        raw: bool,
        /// The sentence number, document·paragraph.sentence (with --raw also a document number).
        reference: String,
    },
    /// The local chat in the terminal (the bot's pipeline without Telegram).
    Chat {
        /// Behave as in a group: answer only /ask, commands and @quotebot mentions.
        #[arg(long)]
        group: bool,
    },
    /// Run the Telegram bot: token from TELOXIDE_TOKEN (environment or .env), another Bot API
    /// server from TELOXIDE_API_URL; long polling, or a webhook when `[telegram] webhook_url` is set.
    Serve,
    /// The audit log: what was quoted to whom, oldest first (Telegram, the terminal chat and
    /// `ask`).
    Audit {
        /// Only entries at or after this time, UTC: YYYY-MM-DD or "YYYY-MM-DD HH:MM:SS".
        #[arg(long)]
        since: Option<String>,
        /// Only entries of this Telegram chat id (groups and channels are negative).
        #[arg(long, allow_hyphen_values = true)]
        chat: Option<i64>,
        /// One JSON object per line.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// CSV with a header line.
        #[arg(long)]
        csv: bool,
    },
    /// Speed figures: index build throughput, question latency, memory, cold start.
    Bench {
        /// Folder with cmrc2018_dev.json and DRCD_dev.json.
        #[arg(long, default_value = "../shared/data")]
        data_dir: PathBuf,
        /// Sizes in MB the pooled contexts are repeated to (repeat the flag or separate with
        /// commas: `--target-mb 50,1000`).
        #[arg(long, default_value = "50", value_delimiter = ',')]
        target_mb: Vec<usize>,
        /// Questions timed per corpus.
        #[arg(long, default_value_t = 3000)]
        questions: usize,
    },
    /// Measure answer quality over a question file (.jsonl), or sentence retrieval over a
    /// SQuAD-format data set (--squad).
    Eval {
        /// Question file: lines of {"id","q","answers":[...],"kind"}; with --squad, a
        /// SQuAD-format JSON file.
        file: PathBuf,
        /// The file is SQuAD-format: pool its contexts, index them, score R@1/3/5 and MRR@10.
        #[arg(long)]
        squad: bool,
        /// With --squad: score the first N questions in file order (0 = all).
        #[arg(long, default_value_t = 3000)]
        max_questions: usize,
        /// Put every question in this script before asking (the cross-script check).
        #[arg(long, value_enum, default_value = "original")]
        questions_in: Script,
        /// With --squad: print the figures as one JSON line too.
        #[arg(long)]
        json: bool,
        /// With --squad: also ask, from contexts of one half of the articles, the questions of
        /// the other half that none of them answers, and report the share answered (it should be
        /// 0); both directions.
        #[arg(long, requires = "squad")]
        unanswerable: bool,
        /// Instead of scoring, write every answerable question's candidates with their
        /// features and labels to this file (JSON lines, for scripts/fit_ranker.py).
        #[arg(long, value_name = "FILE")]
        features: Option<PathBuf>,
        /// Instead of scoring, write each question's first ranked sentences with the decision's
        /// inputs and labels to this file (JSON lines, for scripts/fit_decision.py); with
        /// --unanswerable, the unanswerable questions too.
        #[arg(long, value_name = "FILE", conflicts_with = "features")]
        decision: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    // Printing into a closed pipe (`quotebot eval … | head`) should end the program quietly,
    // as for other command-line tools, not panic in `println!`.
    #[cfg(unix)]
    // SAFETY: restoring the default action of a signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // The PDF reader logs what it makes of every font; only its errors are worth an
    // operator's eye, and the skip reason names the file anyway.
    let filter = tracing_subscriber::filter::Targets::new()
        .with_default(tracing::Level::INFO)
        .with_target("quotebot", quotebot::bot::log_level())
        .with_target("pdf_extract", tracing::Level::ERROR)
        .with_target("lopdf", tracing::Level::ERROR);
    tracing_subscriber::fmt()
        .with_writer(quotebot::bot::LogWriter::stderr)
        .with_target(false)
        .with_max_level(tracing::Level::TRACE)
        .finish()
        .with(filter)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("quotebot: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    // A missing .env is normal; the environment alone may hold the token.
    let _ = dotenvy::dotenv();
    let config = load_config(&cli.config)?;
    match cli.command {
        Some(Command::Index) => index(config),
        Some(Command::Ask {
            json,
            explain,
            question,
        }) => ask(config, json, explain, question),
        Some(Command::Source { raw, reference }) => source(config, &reference, raw),
        Some(Command::Check { json, file }) => check(config, json, file),
        Some(Command::Chat { group }) => chat(config, group),
        Some(Command::Eval {
            file,
            squad: true,
            max_questions,
            questions_in,
            json,
            unanswerable,
            features,
            decision,
        }) => run_squad(
            config,
            &file,
            SquadRun {
                max_questions,
                script: questions_in,
                json,
                unanswerable,
            },
            Dump::of(features, decision),
        ),
        Some(Command::Eval {
            file,
            questions_in,
            features,
            decision,
            ..
        }) => run_eval(config, &file, questions_in, Dump::of(features, decision)),
        Some(Command::Serve) => serve(config),
        Some(Command::Audit {
            since,
            chat,
            json,
            csv,
        }) => audit(config, since, chat, json, csv),
        Some(Command::Bench {
            data_dir,
            target_mb,
            questions,
        }) => {
            let options = BenchOptions {
                data_dir,
                target_mb,
                n_questions: questions,
                config_path: cli.config.clone(),
            };
            let report = bench::run_bench(&config, &options)?;
            print!("{report}");
            Ok(())
        }
        None if token_is_set() => serve(config),
        None => {
            eprintln!("quotebot: no TELOXIDE_TOKEN set, starting the terminal chat");
            chat(config, false)
        }
    }
}

/// The default file may be absent (the shipped defaults); a file named on the command line must
/// exist.
fn load_config(path: &Path) -> Result<Config> {
    if !path.exists() && path.as_os_str() == DEFAULT_CONFIG {
        tracing::warn!("{DEFAULT_CONFIG} not found, using the shipped defaults");
        return Ok(Config::default());
    }
    Ok(Config::load(path)?)
}

fn open(config: Config, rebuild: bool) -> Result<Engine> {
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    Engine::open(config, OpenOptions { rebuild, progress })
        .context("cannot open the corpus and index")
}

fn index(config: Config) -> Result<()> {
    let engine = open(config, true)?;
    let summary = engine.summary();
    println!(
        "indexed {} files, {} paragraphs, {} sentences in {:.2} s; skipped {} files; peak heap {:.0} MB",
        summary.n_files,
        summary.n_paragraphs,
        summary.n_sentences,
        summary.elapsed.as_secs_f64(),
        summary.skipped.len(),
        quotebot::measure::heap::heap_peak() as f64 / 1e6
    );
    for skipped in &summary.skipped {
        println!("  skipped {}: {}", skipped.file, skipped.reason);
    }
    for warning in &summary.warnings {
        println!("  warning: {warning}");
    }
    if let Some(path) = &summary.index_path {
        println!("index: {}", path.display());
    }
    Ok(())
}

/// The audit log, or none (with a warning) when it cannot be opened: answering matters more than
/// recording the answer.
fn audit_log(config: &Config) -> Option<AuditLog> {
    match AuditLog::open(&config.store_file, config.audit_retention_days) {
        Ok(log) => Some(log),
        Err(err) => {
            tracing::warn!("replies are not recorded in the audit log: {err}");
            None
        }
    }
}

/// Records a reply given on the command line.
fn record(log: Option<&AuditLog>, reply: &quotebot::answer::Reply) {
    if let Some(log) = log
        && let Err(err) = log.record(Channel::Cli, &Asker::default(), reply)
    {
        tracing::warn!("not recorded in the audit log: {err}");
    }
}

fn ask(config: Config, json: bool, explain: bool, question: Option<String>) -> Result<()> {
    let log = audit_log(&config);
    let engine = open(config, false)?;
    let answer = |question: &str| {
        let reply = engine.ask(question);
        record(log.as_ref(), &reply);
        reply
    };
    if let (true, Some(question)) = (explain, &question) {
        eprint!("{}", engine.explain(question));
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match (question, json) {
        (Some(question), true) => writeln!(out, "{}", json::reply(&answer(&question)))?,
        (Some(question), false) => writeln!(out, "{}", plain::reply(&answer(&question)))?,
        (None, true) => {
            // Lines are read as bytes: a line that is not UTF-8 is asked with its bad bytes
            // replaced, not as an empty question.
            for line in std::io::stdin().lock().split(b'\n') {
                let line = line?;
                let line = String::from_utf8_lossy(&line);
                let line = line.trim_end_matches('\r');
                writeln!(out, "{}", json::reply(&answer(line)))?;
                out.flush()?;
            }
        }
        (None, false) => anyhow::bail!(
            "no question given: quotebot ask \"问题\" (or ask --json reading standard input)"
        ),
    }
    Ok(())
}

fn check(config: Config, json: bool, file: Option<PathBuf>) -> Result<()> {
    let bytes = match file.filter(|path| path.as_os_str() != "-") {
        Some(path) => std::fs::read(&path).with_context(|| format!("cannot read {path:?}"))?,
        None => std::io::stdin().lock().bytes().collect::<Result<_, _>>()?,
    };
    // A draft that is not UTF-8 is read as GB18030 or Big5, as the corpus is.
    let (draft, _) = quotebot::corpus::decode(&bytes).context("the draft cannot be read")?;
    let log = audit_log(&config);
    let report = open(config, false)?.check(&draft);
    log.iter()
        .for_each(|log| log.record_check(Channel::Cli, &Asker::default(), &report));
    match json {
        true => println!("{}", json::check(&report)),
        false => println!("{}", plain::check(&report)),
    }
    Ok(())
}

fn source(config: Config, reference: &str, raw: bool) -> Result<()> {
    let engine = open(config, false)?;
    if raw {
        println!("{}", engine.document_text(reference)?);
    } else {
        println!("{}", plain::context(&engine.context(reference)?));
    }
    Ok(())
}

fn chat(config: Config, group: bool) -> Result<()> {
    let log = audit_log(&config);
    let engine = open(config, false)?;
    quotebot::chat::run_chat(
        &engine,
        std::io::stdin().lock(),
        std::io::stdout().lock(),
        group,
        log.as_ref(),
    )?;
    Ok(())
}

fn audit(
    config: Config,
    since: Option<String>,
    chat: Option<i64>,
    json: bool,
    csv: bool,
) -> Result<()> {
    let log = AuditLog::open(&config.store_file, config.audit_retention_days)
        .context("cannot open the audit log")?;
    let filter = Filter {
        since,
        chat_id: chat,
        last: None,
    };
    let entries = log.read(&filter)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        for entry in &entries {
            writeln!(out, "{}", serde_json::to_string(entry)?)?;
        }
    } else if csv {
        quotebot::store::write_csv(&entries, out)?;
    } else {
        for entry in &entries {
            writeln!(out, "{entry}")?;
        }
    }
    Ok(())
}

fn token_is_set() -> bool {
    std::env::var(quotebot::bot::TOKEN_VAR).is_ok_and(|token| !token.trim().is_empty())
}

fn serve(config: Config) -> Result<()> {
    let engine = open(config, false)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(quotebot::bot::serve(engine))?;
    Ok(())
}

/// What `eval` writes out instead of scoring, for a fitting script.
enum Dump {
    None,
    /// The ranker's candidates and features (scripts/fit_ranker.py).
    Features(PathBuf),
    /// The decision's inputs (scripts/fit_decision.py).
    Decision(PathBuf),
}

impl Dump {
    fn of(features: Option<PathBuf>, decision: Option<PathBuf>) -> Dump {
        match (features, decision) {
            (Some(path), _) => Dump::Features(path),
            (None, Some(path)) => Dump::Decision(path),
            (None, None) => Dump::None,
        }
    }
}

fn create(path: &Path) -> Result<std::io::BufWriter<std::fs::File>> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(std::io::BufWriter::new(file))
}

fn run_eval(config: Config, file: &Path, script: Script, dump: Dump) -> Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    if let Some(set) =
        desk::parse_set(&text).with_context(|| format!("{} is not readable", file.display()))?
    {
        print!("{}", desk::report(&open(config, false)?, &set));
        return Ok(());
    }
    let mut questions = eval::parse_questions(&text)
        .with_context(|| format!("{} is not a question file", file.display()))?;
    let engine = open(config, false)?;
    for question in &mut questions {
        question.q = script.convert(&question.q);
    }
    match dump {
        Dump::Features(path) => {
            let answerable: Vec<squad::SquadQuestion> = questions
                .into_iter()
                .filter(|question| !question.answers.is_empty())
                .map(|question| squad::SquadQuestion {
                    question: question.q,
                    answers: question.answers,
                })
                .collect();
            write_features(&engine, &answerable, Script::Original, &path)
        }
        Dump::Decision(path) => {
            let mut out = create(&path)?;
            decision::write_header(&mut out, &path)?;
            let set = file
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default();
            let labelled = questions.iter().map(|question| decision::Labelled {
                question: &question.q,
                answers: &question.answers,
            });
            decision::write_rows(&engine, &set, labelled, &mut out, &path)?;
            out.flush()?;
            Ok(())
        }
        Dump::None => {
            print!("{}", eval::report(&eval::run(&engine, &questions)));
            Ok(())
        }
    }
}

fn write_features(
    engine: &Engine,
    questions: &[squad::SquadQuestion],
    script: Script,
    path: &Path,
) -> Result<()> {
    let mut out = create(path)?;
    squad::write_features(engine, questions, script, &mut out, path)?;
    out.flush()?;
    Ok(())
}

/// How to run `eval --squad`.
struct SquadRun {
    max_questions: usize,
    script: Script,
    json: bool,
    unanswerable: bool,
}

fn run_squad(config: Config, file: &Path, run: SquadRun, dump: Dump) -> Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let (contexts, questions) = squad::parse_squad(&text, run.max_questions)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let (engine, build_s) = squad::build_engine(&config, &contexts)?;
    let label = file
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    match dump {
        Dump::Features(path) => return write_features(&engine, &questions, run.script, &path),
        Dump::Decision(path) => {
            let mut out = create(&path)?;
            decision::write_header(&mut out, &path)?;
            let converted: Vec<String> = questions
                .iter()
                .map(|question| run.script.convert(&question.question))
                .collect();
            let labelled =
                questions
                    .iter()
                    .zip(&converted)
                    .map(|(question, text)| decision::Labelled {
                        question: text,
                        answers: &question.answers,
                    });
            decision::write_rows(&engine, &label, labelled, &mut out, &path)?;
            drop(engine);
            if run.unanswerable {
                let articles = squad::parse_articles(&text)?;
                let set = format!("{label}/unanswerable");
                unanswerable::for_each_direction(
                    &config,
                    &articles,
                    run.script,
                    run.max_questions,
                    |direction| {
                        let labelled =
                            direction
                                .questions
                                .iter()
                                .map(|question| decision::Labelled {
                                    question,
                                    answers: &[],
                                });
                        decision::write_rows(&direction.engine, &set, labelled, &mut out, &path)
                    },
                )?;
            }
            out.flush()?;
            return Ok(());
        }
        Dump::None => {}
    }
    let report = squad::run_squad(&engine, build_s, &questions, run.script)?;
    drop(engine);
    println!("{}", squad::render(&report, &label));
    let mut figures = serde_json::to_value(&report)?;
    let mut calibration = report.calibration.clone();
    if run.unanswerable {
        let articles = squad::parse_articles(&text)?;
        let refusals =
            unanswerable::run_unanswerable(&config, &articles, run.script, run.max_questions)?;
        println!("{}", unanswerable::render(&refusals));
        figures["unanswerable"] = serde_json::to_value(&refusals)?;
        calibration.extend(&refusals.calibration);
    }
    let ece = squad::expected_calibration_error(&calibration, 10);
    println!(
        "calibration of the top sentence (even-numbered questions, held out of the decision's fit): ECE {ece:.3} over {}",
        calibration.len()
    );
    figures["ece"] = serde_json::json!(ece);
    figures["n_calibrated"] = serde_json::json!(calibration.len());
    if run.json {
        println!("{figures}");
    }
    Ok(())
}
