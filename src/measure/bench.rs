//! `quotebot bench`: what a user waits for, on the shipped corpus, on the pooled CMRC 2018 +
//! DRCD contexts and on that pool repeated to target sizes. Each corpus is a folder on disk
//! (the pool as files of about 64 KB, contexts as paragraphs); for each: the build as a child
//! `quotebot index` (wall time, throughput, peak RSS from the kernel), open + first answer as a
//! child `quotebot ask` with the index built (median of 5, peak RSS), the heap an open engine
//! holds (counted by the binary's allocator), and each question end to end, reply included,
//! through [`Engine::ask`] (p50/p99).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use super::MeasureError;
use super::heap::heap_in_use;
use super::squad::parse_squad;
use crate::config::Config;
use crate::corpus::{self, CleaningRules, Corpus, RawFile, SourcesFile};
use crate::engine::{Engine, OpenOptions};
use crate::percentile::percentile;

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Folder holding cmrc2018_dev.json and DRCD_dev.json (skipped when absent).
    pub data_dir: PathBuf,
    /// Sizes the pooled contexts are repeated to, in MB.
    pub target_mb: Vec<usize>,
    /// Questions timed per corpus.
    pub n_questions: usize,
    /// The configuration file; its settings are used for every corpus.
    pub config_path: PathBuf,
}

/// One measured corpus.
#[derive(Debug, Clone)]
pub struct BenchRow {
    pub label: String,
    pub megabytes: f64,
    pub n_sentences: usize,
    pub build_s: f64,
    pub build_rss_mb: f64,
    /// Peak heap of the build, as `quotebot index` reports it.
    pub build_heap_mb: f64,
    /// Open + first answer of a fresh `quotebot ask`, with its peak RSS.
    pub first_answer_ms: f64,
    pub first_answer_rss_mb: f64,
    /// Heap an open engine holds.
    pub heap_mb: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Bytes of contexts per pool file: the size of a long article or a short report.
const POOL_FILE_BYTES: usize = 64 * 1024;

/// Runs every measurement and returns the report as text.
pub fn run_bench(config: &Config, options: &BenchOptions) -> Result<String, MeasureError> {
    let scratch = tempfile::TempDir::new().map_err(|err| MeasureError::Io("temp".into(), err))?;
    let mut rows = Vec::new();
    let rules =
        CleaningRules::load(&config.cleaning_file).map_err(crate::engine::EngineError::from)?;
    let (shipped, _) =
        corpus::list_documents(&config.corpus_dir).map_err(crate::engine::EngineError::from)?;
    let questions: Vec<String> = shipped_questions(&shipped, &rules);
    let bench = Bench {
        config,
        options,
        scratch: scratch.path(),
    };
    rows.push(bench.measure("shipped corpus", &config.corpus_dir, &questions)?);

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
        let pool_bytes: usize = pool.iter().map(|file| file.bytes.len()).sum();
        let mut sizes = vec![("CMRC+DRCD contexts".to_string(), pool_bytes)];
        for &mb in &options.target_mb {
            sizes.push((format!("pool repeated to ≥{mb} MB"), mb * 1_000_000));
        }
        for (i, (label, bytes)) in sizes.into_iter().enumerate() {
            let dir = scratch.path().join(format!("corpus-{i}"));
            write_pool(&pool, bytes, &dir)?;
            let row = bench.measure(&label, &dir, &pool_questions)?;
            // The folder and its index can be many GB.
            let _ = std::fs::remove_dir_all(&dir);
            let _ = std::fs::remove_dir_all(bench.work_dir(&label));
            rows.push(row);
        }
    }

    let mut out = String::from(
        "| corpus | MB | sentences | build s | build MB/s | build peak RSS MB | build peak heap MB | open + first answer ms | its peak RSS MB | engine heap MB | p50 ms | p99 ms |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for row in &rows {
        out.push_str(&format!(
            "| {} | {:.1} | {} | {:.2} | {:.2} | {:.0} | {:.0} | {:.0} | {:.0} | {:.1} | {:.3} | {:.3} |\n",
            row.label,
            row.megabytes,
            row.n_sentences,
            row.build_s,
            row.megabytes / row.build_s.max(1e-9),
            row.build_rss_mb,
            row.build_heap_mb,
            row.first_answer_ms,
            row.first_answer_rss_mb,
            row.heap_mb,
            row.p50_ms,
            row.p99_ms
        ));
    }
    out.push_str(
        "build: a child `quotebot index` (corpus read, analysed, indexed and stored; peak RSS counts the segment files tantivy maps while merging, peak heap only allocations); open + first answer: median of 5 runs of a child `quotebot ask` with the index built; engine heap: allocated bytes an open engine holds (the generation's mapped files are not heap); p50/p99: `Engine::ask`, reply included\n",
    );
    Ok(out)
}

/// The settings and scratch folder every corpus is measured with.
struct Bench<'a> {
    config: &'a Config,
    options: &'a BenchOptions,
    scratch: &'a Path,
}

impl Bench<'_> {
    /// The scratch folder of one corpus's index, store and configuration.
    fn work_dir(&self, label: &str) -> PathBuf {
        let name: String = label
            .chars()
            .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '_' })
            .collect();
        self.scratch.join(format!("work-{name}"))
    }

    fn measure(
        &self,
        label: &str,
        corpus_dir: &Path,
        questions: &[String],
    ) -> Result<BenchRow, MeasureError> {
        let work = self.work_dir(label);
        std::fs::create_dir_all(&work).map_err(|err| MeasureError::Io(work.clone(), err))?;
        let mut config = self.config.clone();
        config.corpus_dir = corpus_dir.to_path_buf();
        config.index_dir = work.join("index");
        config.store_file = work.join("store.sqlite3");
        let config_path = write_child_config(&self.options.config_path, &config, &work)?;
        let megabytes = folder_bytes(corpus_dir) as f64 / 1e6;

        let (build_s, build_rss_mb, summary) = run_child(&config_path, &["index"])?;
        let build_heap_mb = summary
            .split("peak heap ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|mb| mb.parse().ok())
            .unwrap_or(f64::NAN);
        let question = questions.first().map_or("大同", String::as_str);
        let mut cold: Vec<(f64, f64)> = (0..5)
            .map(|_| run_child(&config_path, &["ask", question]).map(|(s, rss, _)| (s, rss)))
            .collect::<Result<_, _>>()?;
        cold.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (first_answer_s, first_answer_rss_mb) = cold[2];

        let before = heap_in_use();
        let engine = Engine::open(config, OpenOptions::default())?;
        let heap_mb = heap_in_use().saturating_sub(before) as f64 / 1e6;
        let mut latencies: Vec<f64> = Vec::new();
        for question in questions
            .iter()
            .cycle()
            .take(self.options.n_questions.min(questions.len().max(1) * 4))
        {
            let started = Instant::now();
            std::hint::black_box(engine.ask(question));
            latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        latencies.sort_by(f64::total_cmp);
        Ok(BenchRow {
            label: label.to_string(),
            megabytes,
            n_sentences: engine.corpus().n_sentences(),
            build_s,
            build_rss_mb,
            build_heap_mb,
            first_answer_ms: first_answer_s * 1000.0,
            first_answer_rss_mb,
            heap_mb,
            p50_ms: percentile(&latencies, 50),
            p99_ms: percentile(&latencies, 99),
        })
    }
}

/// Questions for the shipped corpus: pieces of its own sentences, as a user would quote them.
fn shipped_questions(files: &[RawFile], rules: &CleaningRules) -> Vec<String> {
    let corpus = Corpus::build(files, &SourcesFile::default(), rules);
    corpus
        .sentences()
        .map(|sentence| sentence.text.chars().skip(2).take(12).collect::<String>() + "是多少")
        .collect()
}

/// Writes the contexts of `pool`, repeated until they hold at least `bytes` bytes, into `dir`
/// as files of about [`POOL_FILE_BYTES`], one context per paragraph.
fn write_pool(pool: &[RawFile], bytes: usize, dir: &Path) -> Result<(), MeasureError> {
    let io = |err| MeasureError::Io(dir.to_path_buf(), err);
    std::fs::create_dir_all(dir).map_err(io)?;
    let (mut written, mut n_files) = (0, 0);
    let mut file: Vec<u8> = Vec::new();
    let flush = |file: &mut Vec<u8>, n_files: &mut usize| -> std::io::Result<()> {
        std::fs::write(dir.join(format!("pool-{:06}.txt", *n_files)), &*file)?;
        *n_files += 1;
        file.clear();
        Ok(())
    };
    'outer: loop {
        for context in pool {
            if written >= bytes {
                break 'outer;
            }
            file.extend_from_slice(&context.bytes);
            file.extend_from_slice(b"\n\n");
            written += context.bytes.len() + 2;
            if file.len() >= POOL_FILE_BYTES {
                flush(&mut file, &mut n_files).map_err(io)?;
            }
        }
    }
    if !file.is_empty() {
        flush(&mut file, &mut n_files).map_err(io)?;
    }
    Ok(())
}

/// Total size of the files directly in `dir`.
fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.metadata().ok())
                .filter(|meta| meta.is_file())
                .map(|meta| meta.len())
                .sum()
        })
        .unwrap_or(0)
}

/// A configuration file for the child processes: the user's file with the corpus, index,
/// store and rule paths of `config`.
fn write_child_config(
    user_file: &Path,
    config: &Config,
    work: &Path,
) -> Result<PathBuf, MeasureError> {
    let mut table: toml::Table = std::fs::read_to_string(user_file)
        .ok()
        .and_then(|text| toml::from_str(&text).ok())
        .unwrap_or_default();
    let paths = [
        ("corpus_dir", &config.corpus_dir),
        ("index_dir", &config.index_dir),
        ("store_file", &config.store_file),
        ("cleaning_file", &config.cleaning_file),
        ("synonyms_file", &config.synonyms_file),
        ("ranker_file", &config.ranker_file),
        ("decision_file", &config.decision_file),
    ];
    for (key, path) in paths {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        table.insert(
            key.to_string(),
            toml::Value::String(path.to_string_lossy().into_owned()),
        );
    }
    let path = work.join("quotebot.toml");
    let text = toml::to_string(&table).map_err(|err| MeasureError::Child(err.to_string()))?;
    std::fs::write(&path, text).map_err(|err| MeasureError::Io(path.clone(), err))?;
    Ok(path)
}

/// Wall time (s), peak RSS (MB) and standard output of a child `quotebot --config CONFIG
/// ARGS…`. The child's peak memory comes from the kernel (`wait4`), not from anything the child
/// prints.
fn run_child(config_path: &Path, args: &[&str]) -> Result<(f64, f64, String), MeasureError> {
    let failed = |err: &dyn std::fmt::Display| {
        MeasureError::Child(format!("quotebot {}: {err}", args.join(" ")))
    };
    let exe = std::env::current_exe().map_err(|err| failed(&err))?;
    let started = Instant::now();
    let mut child = Command::new(&exe)
        .arg("--config")
        .arg(config_path)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| failed(&err))?;
    // Read each pipe on its own thread, so a chatty child cannot fill one and stall.
    let read = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = read(child.stdout.take().map(|pipe| Box::new(pipe) as _));
    let stderr = read(child.stderr.take().map(|pipe| Box::new(pipe) as _));
    let (code, rss_mb) = wait_measured(child.id()).map_err(|err| failed(&err))?;
    let seconds = started.elapsed().as_secs_f64();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if code != 0 {
        return Err(failed(&stderr));
    }
    Ok((seconds, rss_mb, stdout))
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
