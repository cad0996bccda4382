//! `quotebot eval --squad` end to end on a small SQuAD-format fixture (a few contexts of CMRC
//! 2018 and DRCD with their questions), so the public-data benchmark path cannot rot.

use serde_json::Value;

use crate::support::{config_for, quotebot, root, write_config};

const FIXTURE: &str = "tests/fixtures/squad_mini.json";

/// Runs `quotebot eval --squad FIXTURE` with `extra` arguments in a scratch folder (kept alive
/// with the output, for files written there).
fn eval_squad(extra: &[&std::ffi::OsStr]) -> (tempfile::TempDir, std::process::Output) {
    let scratch = tempfile::TempDir::new().expect("temp folder");
    let config = config_for(&root().join("corpus"), scratch.path());
    let path = write_config(&config, scratch.path());
    let output = quotebot(&path)
        .args(["eval", "--squad", FIXTURE])
        .args(extra)
        .output()
        .expect("quotebot runs");
    (scratch, output)
}

/// Runs `eval --squad FIXTURE --json` with `extra` arguments and returns the JSON figures.
fn figures(extra: &[&str]) -> Value {
    let mut args: Vec<&std::ffi::OsStr> = vec!["--json".as_ref()];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    let (_scratch, output) = eval_squad(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    assert!(stdout.contains("R@1"), "{stdout}");
    let line = stdout
        .lines()
        .rev()
        .find(|line| line.starts_with('{'))
        .expect("a JSON line");
    serde_json::from_str(line).expect("valid JSON")
}

#[test]
fn squad_eval_reports_recall_and_latency() {
    let all = figures(&[]);
    assert_eq!(all["n_questions"], 13);
    assert!(all["n_sentences"].as_u64().unwrap() > 10);
    let r = |key: &str| all[key].as_f64().unwrap();
    assert!(r("r1") <= r("r3") && r("r3") <= r("r5"), "{all}");
    assert!(
        r("r5") >= 0.5,
        "the fixture's answers are mostly found: {all}"
    );
    // A hit at rank k adds 1/k: at most 1 within R@1, 1/2 up to R@3, 1/4 up to R@5 and 1/6
    // beyond (ranks 6 to 10).
    let ceiling =
        r("r1") + (r("r3") - r("r1")) / 2.0 + (r("r5") - r("r3")) / 4.0 + (1.0 - r("r5")) / 6.0;
    assert!(
        r("mrr10") >= r("r1") && r("mrr10") <= ceiling + 1e-9,
        "{all}"
    );
    assert!(r("latency_p50_ms") <= r("latency_p99_ms"));
    assert!(r("build_s") > 0.0);
}

#[test]
fn squad_eval_takes_the_first_questions_and_converts_scripts() {
    for (extra, n_questions) in [
        (&["--max-questions", "5"][..], 5),
        (&["--questions-in", "traditional"][..], 13),
        (&["--questions-in", "simplified"][..], 13),
    ] {
        let report = figures(extra);
        assert_eq!(report["n_questions"], n_questions, "{extra:?}: {report}");
    }
}

#[test]
fn squad_eval_writes_ranking_features_for_fitting() {
    let written = tempfile::TempDir::new().expect("temp folder");
    let out = written.path().join("features.jsonl");
    let (_scratch, output) = eval_squad(&["--features".as_ref(), out.as_os_str()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("features written");
    let mut lines = text
        .lines()
        .map(|line| -> Value { serde_json::from_str(line).expect("every line is JSON") });
    let header = lines.next().expect("a header line");
    let names = header["features"].as_array().expect("feature names");
    assert_eq!(names.len(), quotebot::rank::N_FEATURES);
    let questions: Vec<Value> = lines.collect();
    assert_eq!(questions.len(), 13);
    let mut labelled = 0;
    for question in &questions {
        let labels = question["labels"].as_array().unwrap();
        let rows = question["x"].as_array().unwrap();
        assert_eq!(labels.len(), rows.len(), "{question}");
        assert_eq!(
            labels.len(),
            question["sentences"].as_array().unwrap().len()
        );
        assert!(
            rows.iter()
                .all(|row| row.as_array().unwrap().len() == names.len())
        );
        labelled += usize::from(labels.iter().any(|label| label == 1));
    }
    assert!(
        labelled >= 7,
        "most questions have a candidate holding the answer: {labelled}"
    );
}

#[test]
fn squad_eval_asks_what_no_pooled_context_answers() {
    let all = figures(&["--unanswerable"]);
    assert_eq!(
        all["n_questions"], 13,
        "the normal run is still reported: {all}"
    );
    let refusals = &all["unanswerable"];
    let count = |value: &Value| value.as_u64().expect("a count");
    let directions = refusals["directions"].as_array().expect("two directions");
    assert_eq!(directions.len(), 2, "{refusals}");
    assert_eq!(
        count(&refusals["n_questions"]),
        directions
            .iter()
            .map(|d| count(&d["n_questions"]))
            .sum::<u64>()
    );
    assert!(count(&refusals["n_questions"]) > 0, "{refusals}");
    // Questions are asked of the other half only: never more than the file has.
    assert!(count(&refusals["n_questions"]) <= 13, "{refusals}");
    assert!(count(&refusals["n_answered"]) <= count(&refusals["n_questions"]));
    let share = refusals["share_answered"].as_f64().expect("a share");
    let expected = count(&refusals["n_answered"]) as f64 / count(&refusals["n_questions"]) as f64;
    assert!((share - expected).abs() < 1e-9, "{refusals}");
}
