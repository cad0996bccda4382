//! `quotebot bench`: speed figures on the shipped corpus, on the pooled CMRC 2018 + DRCD contexts,
//! and on that pool repeated to a target size: index build throughput, question latency
//! p50/p99 through [`Engine::rank`], peak memory, and cold start to first answer (a child
//! `quotebot ask` with a built index, its peak memory read from the kernel's accounting of
//! children).

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use super::MeasureError;
use super::squad::parse_squad;
use crate::config::Config;
use crate::corpus::{self, CleaningRules, Corpus, RawFile, SourcesFile};
use crate::engine::Engine;
use crate::percentile::percentile;

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
pub fn run_bench(config: &Config, options: &BenchOptions) -> Result<String, MeasureError> {
    // First, while this process is small: a child's peak memory as the kernel reports it
    // includes the pages it shared with this process until it started the new program.
    let cold = cold_start(&options.config_path);
    let mut rows = Vec::new();
    let rules =
        CleaningRules::load(&config.cleaning_file).map_err(crate::engine::EngineError::from)?;
    let (shipped, _) =
        corpus::list_documents(&config.corpus_dir).map_err(crate::engine::EngineError::from)?;
    let questions: Vec<String> = shipped_questions(&shipped, &rules);
    rows.push(measure(
        "shipped corpus",
        &shipped,
        &rules,
        &questions,
        config,
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
                config,
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
    match cold {
        Ok((seconds, rss)) => out.push_str(&format!(
            "cold start to first answer (shipped corpus, built index, median of 5 runs of `quotebot ask`): {:.0} ms, peak RSS {:.0} MB\n",
            seconds * 1000.0,
            rss
        )),
        Err(err) => out.push_str(&format!("{err}\n")),
    }
    Ok(out)
}

fn measure(
    label: &str,
    files: &[RawFile],
    rules: &CleaningRules,
    questions: &[String],
    config: &Config,
    n_questions: usize,
) -> Result<BenchRow, MeasureError> {
    let megabytes = files.iter().map(|file| file.bytes.len()).sum::<usize>() as f64 / 1e6;
    let (engine, build) = Engine::in_memory(config.clone(), files, rules)?;
    let mut latencies: Vec<f64> = Vec::new();
    for question in questions
        .iter()
        .cycle()
        .take(n_questions.min(questions.len().max(1) * 10))
    {
        let started = Instant::now();
        engine.rank(question)?;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    Ok(BenchRow {
        label: label.to_string(),
        megabytes,
        n_sentences: engine.corpus().n_sentences(),
        build_s: build.as_secs_f64(),
        p50_ms: percentile(&latencies, 50),
        p99_ms: percentile(&latencies, 99),
    })
}

/// Questions for the shipped corpus: pieces of its own sentences, as a user would quote them.
fn shipped_questions(files: &[RawFile], rules: &CleaningRules) -> Vec<String> {
    let corpus = Corpus::build(files, &SourcesFile::default(), rules);
    corpus
        .sentences()
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

/// Median wall time and peak RSS (MB) of `quotebot ask` as a fresh process, after one run that
/// makes sure the index is built. The child's peak memory comes from the kernel (`wait4`), not
/// from anything the child prints.
fn cold_start(config_path: &Path) -> Result<(f64, f64), MeasureError> {
    let failed = |err: &dyn std::fmt::Display| MeasureError::ColdStart(err.to_string());
    let exe = std::env::current_exe().map_err(|err| failed(&err))?;
    let run = || -> Result<(f64, f64), MeasureError> {
        let started = Instant::now();
        let mut child = Command::new(&exe)
            .arg("--config")
            .arg(config_path)
            .args(["ask", "大同2021年地区生产总值是多少"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| failed(&err))?;
        let (code, rss_mb) = wait_measured(child.id()).map_err(|err| failed(&err))?;
        let seconds = started.elapsed().as_secs_f64();
        if code != 0 {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            return Err(failed(&stderr));
        }
        Ok((seconds, rss_mb))
    };
    run()?;
    let mut runs: Vec<(f64, f64)> = (0..5).map(|_| run()).collect::<Result<_, _>>()?;
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(runs[2])
}

/// Waits for child `pid`; returns its exit code (-1 if it did not exit normally) and its peak
/// resident memory in MB (Linux reports kB).
fn wait_measured(pid: u32) -> std::io::Result<(i32, f64)> {
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 only writes the two structs it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointers to a status and a rusage; pid is our own child, not yet waited for.
    let waited = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    if waited < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, usage.ru_maxrss as f64 / 1024.0))
}
