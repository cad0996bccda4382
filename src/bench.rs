//! `quotebot bench`: speed figures on the shipped corpus, on the pooled CMRC 2018 + DRCD contexts,
//! and on that pool repeated to a target size: index build throughput, question latency
//! p50/p99 through [`Engine::rank`], peak memory, and cold start to first answer (a child
//! `quotebot ask` with a built index).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::config::{Config, Synonyms, load_cleaning, load_ranker, load_synonyms};
use crate::corpus::{CleaningRules, Corpus, RawFile, SourcesFile};
use crate::engine::Engine;
use crate::index;
use crate::rerank::Ranker;
use crate::squad::{parse_squad, percentile};

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Folder holding cmrc2018_dev.json and DRCD_dev.json (skipped when absent).
    pub data_dir: PathBuf,
    /// Size the pooled contexts are repeated to, in MB.
    pub target_mb: usize,
    /// Questions timed per corpus.
    pub n_questions: usize,
    /// The configuration file, for the cold-start child process.
    pub config_path: PathBuf,
}

/// One measured corpus.
#[derive(Debug, Clone)]
pub struct BenchRow {
    pub label: String,
    pub megabytes: f64,
    pub n_sentences: usize,
    pub build_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Runs every measurement and returns the report as text.
pub fn run_bench(config: &Config, options: &BenchOptions) -> Result<String, String> {
    let synonyms = load_synonyms(&config.synonyms_file).map_err(|err| err.to_string())?;
    let ranker = load_ranker(&config.ranker_file).map_err(|err| err.to_string())?;
    let setup = Setup {
        config,
        synonyms,
        ranker,
    };
    crate::tokenize::warm_up();
    let mut rows = Vec::new();

    let (rules, _) = load_cleaning(&config.cleaning_file).map_err(|err| err.to_string())?;
    let shipped = shipped_files(&config.corpus_dir)?;
    let questions: Vec<String> = shipped_questions(&shipped, &rules);
    rows.push(measure(
        "shipped corpus",
        &shipped,
        &rules,
        &questions,
        &setup,
        options.n_questions,
    )?);

    let mut pool = Vec::new();
    let mut pool_questions = Vec::new();
    for name in ["cmrc2018_dev.json", "DRCD_dev.json"] {
        let Ok(text) = std::fs::read_to_string(options.data_dir.join(name)) else {
            continue;
        };
        let (contexts, questions) = parse_squad(&text, 0)?;
        pool.extend(contexts);
        pool_questions.extend(questions.into_iter().map(|question| question.question));
    }
    if !pool.is_empty() {
        let none = CleaningRules::default();
        let scaled = repeat_to(&pool, options.target_mb * 1_000_000);
        let scaled_label = format!("pool repeated to ≥{} MB", options.target_mb);
        for (label, files) in [
            ("CMRC+DRCD contexts", &pool),
            (scaled_label.as_str(), &scaled),
        ] {
            let row = measure(
                label,
                files,
                &none,
                &pool_questions,
                &setup,
                options.n_questions,
            )?;
            rows.push(row);
        }
    }

    let mut out = String::from(
        "| corpus | MB | sentences | build s | build MB/s | p50 ms | p99 ms |\n|---|---|---|---|---|---|---|\n",
    );
    for row in &rows {
        out.push_str(&format!(
            "| {} | {:.1} | {} | {:.2} | {:.2} | {:.3} | {:.3} |\n",
            row.label,
            row.megabytes,
            row.n_sentences,
            row.build_s,
            row.megabytes / row.build_s.max(1e-9),
            row.p50_ms,
            row.p99_ms
        ));
    }
    out.push_str(&format!(
        "peak RSS of this benchmark process: {:.0} MB\n",
        peak_rss_mb().unwrap_or(f64::NAN)
    ));
    match cold_start(&options.config_path) {
        Ok((seconds, rss)) => out.push_str(&format!(
            "cold start to first answer (shipped corpus, built index, median of 5 runs of `quotebot ask`): {:.0} ms, peak RSS {:.0} MB\n",
            seconds * 1000.0,
            rss
        )),
        Err(err) => out.push_str(&format!("cold start not measured: {err}\n")),
    }
    Ok(out)
}

/// What every measured engine is opened with.
struct Setup<'a> {
    config: &'a Config,
    synonyms: Synonyms,
    ranker: Ranker,
}

fn measure(
    label: &str,
    files: &[RawFile],
    rules: &CleaningRules,
    questions: &[String],
    setup: &Setup,
    n_questions: usize,
) -> Result<BenchRow, String> {
    let Setup {
        config,
        synonyms,
        ranker,
    } = setup;
    let megabytes = files.iter().map(|file| file.bytes.len()).sum::<usize>() as f64 / 1e6;
    let started = Instant::now();
    let corpus = Corpus::build(files, &SourcesFile::default(), rules);
    let index = index::build_in_ram(&corpus).map_err(|err| err.to_string())?;
    let build_s = started.elapsed().as_secs_f64();
    let n_sentences = corpus.sentences.len();
    let engine = Engine::from_parts(
        (*config).clone(),
        corpus,
        index,
        synonyms.clone(),
        ranker.clone(),
    );
    let mut latencies: Vec<f64> = Vec::new();
    for question in questions
        .iter()
        .cycle()
        .take(n_questions.min(questions.len().max(1) * 10))
    {
        let started = Instant::now();
        engine.rank(question).map_err(|err| err.to_string())?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    Ok(BenchRow {
        label: label.to_string(),
        megabytes,
        n_sentences,
        build_s,
        p50_ms: percentile(&latencies, 0.5),
        p99_ms: percentile(&latencies, 0.99),
    })
}

/// The corpus folder's documents.
fn shipped_files(dir: &Path) -> Result<Vec<RawFile>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|err| format!("cannot read {}: {err}", dir.display()))?;
    let mut files: Vec<RawFile> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "txt" || ext == "md")
        })
        .filter_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            Some(RawFile {
                name: path.file_name()?.to_string_lossy().into_owned(),
                bytes,
            })
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// Questions for the shipped corpus: pieces of its own sentences, as a user would quote them.
fn shipped_questions(files: &[RawFile], rules: &CleaningRules) -> Vec<String> {
    let corpus = Corpus::build(files, &SourcesFile::default(), rules);
    corpus
        .sentences
        .iter()
        .map(|sentence| sentence.text.chars().skip(2).take(12).collect::<String>() + "是多少")
        .collect()
}

/// `files` repeated (with new names) until they hold at least `bytes` bytes.
fn repeat_to(files: &[RawFile], bytes: usize) -> Vec<RawFile> {
    let mut out = Vec::new();
    let mut total = 0;
    'outer: for round in 0.. {
        for file in files {
            if total >= bytes {
                break 'outer;
            }
            total += file.bytes.len();
            out.push(RawFile {
                name: format!("r{round:03}-{}", file.name),
                bytes: file.bytes.clone(),
            });
        }
    }
    out
}

/// Peak resident memory of this process (Linux), in MB.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Median wall time and peak RSS of `quotebot ask` as a fresh process, after one run that makes
/// sure the index is built.
fn cold_start(config_path: &Path) -> Result<(f64, f64), String> {
    let exe = std::env::current_exe().map_err(|err| err.to_string())?;
    let run = || -> Result<(f64, f64), String> {
        let started = Instant::now();
        let output = Command::new(&exe)
            .arg("--config")
            .arg(config_path)
            .args(["ask", "大同2021年地区生产总值是多少"])
            .env("QUOTEBOT_REPORT_RSS", "1")
            .output()
            .map_err(|err| err.to_string())?;
        let seconds = started.elapsed().as_secs_f64();
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).into_owned());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let rss = stderr
            .lines()
            .find_map(|line| line.strip_prefix("peak RSS MB: "))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(f64::NAN);
        Ok((seconds, rss))
    };
    run()?;
    let mut runs: Vec<(f64, f64)> = (0..5).map(|_| run()).collect::<Result<_, _>>()?;
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(runs[2])
}
