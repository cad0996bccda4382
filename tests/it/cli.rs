//! The command line end to end: the `ask --json` contract (one question and stdin mode),
//! `source`, `chat` driven over stdin, the `index` summary, the `eval` report, and bad input of
//! every kind.
//!
//! These run on the fixture corpus (`support::FIXTURE`) and check the plumbing: where a reply
//! quotes, that it quotes fixture sentences, never which sentence comes first. How well the
//! shipped corpus is answered is measured by `quotebot eval`, not here.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::questions::{COOP, GREENWAY, GREENWAY_TRADITIONAL, MARS_CAFE, TEA, TOWN};
use crate::support::{
    FIXTURE, config_for, dated_corpus, fixture, fixture_corpus, is_fixture_sentence, quotebot,
    write_config,
};

/// Checks one `ask --json` object against the contract, its quotes against the fixture corpus
/// in `corpus`, and returns it.
fn check_contract(line: &str, corpus: &Path) -> Value {
    let value: Value =
        serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}"));
    let object = value.as_object().expect("an object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "answers",
            "confidence",
            "facts",
            "other_periods",
            "question",
            "refused",
            "reply",
            "status"
        ]
    );
    let confidence = value["confidence"]
        .as_f64()
        .expect("confidence is a number");
    assert!((0.0..=1.0).contains(&confidence), "confidence {confidence}");
    assert!(value["question"].is_string() && value["reply"].is_string());
    let status = value["status"].as_str().expect("status is a string");
    let statuses = [
        "answered",
        "sources_disagree",
        "sources_agree",
        "not_found",
        "no_question",
        "other_period",
    ];
    assert!(statuses.contains(&status), "status {status}");
    assert_eq!(
        ["answered", "sources_disagree", "sources_agree"].contains(&status),
        !value["answers"].as_array().is_none_or(Vec::is_empty),
        "quotes exactly when answered: {line}"
    );
    let answers = value["answers"].as_array().expect("answers is an array");
    let other_periods = value["other_periods"]
        .as_array()
        .expect("other_periods is an array");
    assert_eq!(
        status == "other_period",
        !other_periods.is_empty(),
        "other periods exactly when that is the status: {line}"
    );
    assert_eq!(
        value["refused"].as_bool(),
        Some(answers.is_empty()),
        "refused is true exactly when answers is empty"
    );
    for answer in answers.iter().chain(other_periods) {
        let mut keys: Vec<&str> = answer
            .as_object()
            .expect("answer object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "confidence",
                "doc",
                "figures",
                "page",
                "paragraph",
                "ref",
                "score",
                "section",
                "sentence",
                "text",
                "title",
                "url"
            ]
        );
        let text = answer["text"].as_str().expect("text");
        assert!(is_fixture_sentence(text), "a fixture sentence: {text}");
        assert!(answer["paragraph"].as_u64().is_some_and(|n| n > 0));
        assert!(answer["sentence"].as_u64().is_some_and(|n| n > 0));
        // Plain-text fixture files have neither pages nor sections.
        assert!(answer["page"].is_null() && answer["section"].is_null());
        assert!(answer["score"].as_f64().is_some_and(f64::is_finite));
        assert!(
            answer["confidence"]
                .as_f64()
                .is_some_and(|p| (0.0..=1.0).contains(&p))
        );
        let reference = answer["ref"].as_str().expect("ref");
        assert!(
            value["reply"].as_str().unwrap().contains(reference),
            "the reply cites {reference}"
        );
        for figure in answer["figures"].as_array().expect("figures") {
            assert!(
                text.contains(figure.as_str().expect("figure is a string")),
                "figure {figure} is in {text}"
            );
        }
        let doc = answer["doc"].as_str().expect("doc");
        let described = FIXTURE
            .iter()
            .find(|fixture_doc| fixture_doc.file == doc)
            .unwrap_or_else(|| panic!("doc names a fixture file: {doc}"));
        assert_eq!(answer["title"], described.title, "the title of {doc}");
        let file = std::fs::read_to_string(corpus.join(doc)).expect("doc names a corpus file");
        assert!(file.contains(text), "{text} is verbatim in {doc}");
    }
    let quoted: Vec<&str> = answers
        .iter()
        .chain(other_periods)
        .filter_map(|answer| answer["text"].as_str())
        .collect();
    for fact in value["facts"].as_array().expect("facts is an array") {
        let mut keys: Vec<&str> = fact
            .as_object()
            .expect("fact object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "date",
                "doc",
                "figure",
                "kind",
                "period",
                "qualifier",
                "ref",
                "text",
                "unit",
                "value"
            ]
        );
        let text = fact["text"].as_str().expect("text");
        assert!(
            quoted.contains(&text),
            "a fact of a quoted sentence: {fact}"
        );
        let figure = fact["figure"].as_str().expect("figure");
        assert!(
            !figure.is_empty() && text.contains(figure),
            "{figure} is in {text}"
        );
        assert!(fact["value"].as_f64().is_some_and(f64::is_finite));
        let kinds = ["actual", "target", "forecast", "change", "rank"];
        assert!(
            kinds.contains(&fact["kind"].as_str().expect("kind")),
            "{fact}"
        );
        for key in ["unit", "qualifier", "period", "date", "doc", "ref"] {
            assert!(fact[key].is_string(), "{key} of {fact}");
        }
    }
    value
}

/// The fixture corpus folder of a scratch folder made by `support::fixture`.
fn corpus_of(scratch: &tempfile::TempDir) -> PathBuf {
    scratch.path().join("corpus")
}

/// The output of a successful run as text.
fn stdout_of(command: &mut assert_cmd::Command) -> String {
    let output = command.assert().success();
    String::from_utf8(output.get_output().stdout.clone()).expect("UTF-8 output")
}

#[test]
fn ask_json_answers_a_question_by_the_contract() {
    let (scratch, config) = fixture();
    let stdout = stdout_of(quotebot(&config).args(["ask", "--json", TEA]));
    assert_eq!(stdout.lines().count(), 1, "one object for one question");
    let value = check_contract(stdout.trim(), &corpus_of(&scratch));
    assert_eq!(value["question"], TEA);
    assert_eq!(value["refused"], false, "the fixture answers it: {value}");
}

#[test]
fn ask_json_reads_stdin_line_by_line_in_order() {
    let (scratch, config) = fixture();
    let corpus = corpus_of(&scratch);
    let questions = [
        COOP,
        "",
        "😀😀",
        "<b>青禾镇</b> AND ( \" * : 茶园",
        GREENWAY_TRADITIONAL,
    ];
    let stdout = stdout_of(
        quotebot(&config)
            .args(["ask", "--json"])
            .write_stdin(questions.join("\n")),
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), questions.len());
    for (line, question) in lines.iter().zip(questions) {
        let value = check_contract(line, &corpus);
        assert_eq!(value["question"].as_str(), Some(question.trim()));
    }
    assert_eq!(
        check_contract(lines[1], &corpus)["refused"],
        true,
        "an empty line is refused"
    );
    assert_eq!(
        check_contract(lines[2], &corpus)["refused"],
        true,
        "emoji only is refused"
    );

    let stdout = stdout_of(
        quotebot(&config)
            .args(["ask", "--json"])
            .write_stdin("\0\0\n青禾镇\0茶园\n"),
    );
    let lines: Vec<Value> = stdout
        .lines()
        .map(|line| check_contract(line, &corpus))
        .collect();
    assert_eq!(lines.len(), 2, "NUL bytes do not end the input: {stdout}");
    assert_eq!(lines[0]["refused"], true);
    assert_eq!(lines[1]["question"], "青禾镇 茶园");
}

#[test]
fn bad_questions_get_a_clear_reply() {
    let (scratch, config) = fixture();
    let corpus = corpus_of(&scratch);
    let long = TOWN.repeat(5_000);
    let cases = [
        "",
        "   ",
        "\u{7}\u{1b}[2J",
        "🙂🙃",
        "<script>alert(1)</script>",
        "AND OR NOT ( ) \" * : ^ ~ [ ]",
        long.as_str(),
    ];
    for question in cases {
        let stdout = stdout_of(quotebot(&config).args(["ask", "--json", question]));
        let value = check_contract(stdout.trim(), &corpus);
        assert!(
            !value["reply"].as_str().unwrap().is_empty(),
            "a reply for {question:?}"
        );
    }
    let stdout = stdout_of(quotebot(&config).args(["ask", "--json", &long]));
    let value = check_contract(stdout.trim(), &corpus);
    assert!(
        value["question"].as_str().unwrap().chars().count() <= 300,
        "a long question is cut"
    );
    assert!(
        value["reply"].as_str().unwrap().contains("问题过长"),
        "and the reply says so"
    );
}

#[test]
fn plain_ask_prints_quotes_with_citations_or_says_not_found() {
    let (_scratch, config) = fixture();
    let stdout = stdout_of(quotebot(&config).args(["ask", GREENWAY]));
    let quote = regex::Regex::new(r"「([^」]+)」").unwrap();
    let quotes: Vec<String> = quote
        .captures_iter(&stdout)
        .map(|found| found[1].replace(['【', '】'], ""))
        .collect();
    assert!(!quotes.is_empty(), "quotes: {stdout}");
    for quote in &quotes {
        assert!(is_fixture_sentence(quote), "a fixture sentence: {quote}");
    }
    assert_eq!(
        stdout.matches("—— ").count(),
        quotes.len(),
        "a citation per quote: {stdout}"
    );
    assert!(stdout.contains('·'), "{stdout}");

    let stdout = stdout_of(quotebot(&config).args(["ask", MARS_CAFE]));
    assert!(stdout.contains("资料中没有找到"), "{stdout}");
    quotebot(&config).arg("ask").assert().failure();
}

/// The `ref` and `text` of the first quote `ask --json` gives for `question`.
fn first_answer(config: &Path, question: &str) -> (String, String) {
    let stdout = stdout_of(quotebot(config).args(["ask", "--json", question]));
    let value: Value = serde_json::from_str(stdout.trim()).expect("JSON");
    let answer = &value["answers"][0];
    let reference = answer["ref"].as_str().expect("an answer");
    (
        reference.to_string(),
        answer["text"].as_str().unwrap().to_string(),
    )
}

#[test]
fn source_shows_context_of_a_cited_sentence() {
    let (_scratch, config) = fixture();
    let (reference, text) = first_answer(&config, TEA);
    let stdout = stdout_of(quotebot(&config).args(["source", &reference]));
    let marked = stdout
        .lines()
        .find(|line| line.starts_with('▶'))
        .expect("the cited line is marked");
    assert_eq!(marked, format!("▶ {reference} {text}"), "{stdout}");
    assert!(stdout.lines().count() >= 3, "context around it: {stdout}");

    let output = quotebot(&config)
        .args(["source", "not-a-ref"])
        .assert()
        .failure();
    assert!(String::from_utf8_lossy(&output.get_output().stderr).contains("不是句子编号"));
    let output = quotebot(&config)
        .args(["source", "999·1.1"])
        .assert()
        .failure();
    assert!(String::from_utf8_lossy(&output.get_output().stderr).contains("999·1.1"));
}

#[test]
fn why_explains_the_last_question_or_asks_for_one() {
    let (_scratch, config) = fixture();
    let (reference, _) = first_answer(&config, TEA);
    let input = format!("/why\n{TEA}\n/why\n/why {MARS_CAFE}\n");
    let stdout = stdout_of(quotebot(&config).arg("chat").write_stdin(input));
    assert!(stdout.contains("先问一个问题"), "no question yet: {stdout}");
    let explained: Vec<&str> = stdout.split("的读法：").skip(1).collect();
    assert_eq!(explained.len(), 2, "{stdout}");
    assert!(explained[0].contains("检索词："), "{stdout}");
    assert!(
        explained[0].contains(&format!("结论：引用了 {reference}")),
        "the quoted sentence is named: {stdout}"
    );
    assert!(
        explained[1].contains("所以回答“没有找到”"),
        "a refusal explained: {stdout}"
    );
}

#[test]
fn chat_runs_the_conversation_over_stdin() {
    let (_scratch, config) = fixture();
    let (reference, text) = first_answer(&config, TEA);
    let input = format!(
        "/help\n/sources\n{GREENWAY}\n/frobnicate\n/source {reference}\n/source nonsense\n\n/ask\n"
    );
    let stdout = stdout_of(quotebot(&config).arg("chat").write_stdin(input));
    assert!(stdout.contains("/source 编号"), "help: {stdout}");
    assert!(
        stdout.contains(&format!("共 {} 篇文档", FIXTURE.len())),
        "sources: {stdout}"
    );
    for doc in FIXTURE {
        assert!(
            stdout.contains(&format!("《{}》", doc.title)),
            "{} listed: {stdout}",
            doc.file
        );
    }
    assert!(stdout.contains("1. 「"), "a quote: {stdout}");
    assert!(
        stdout.contains("不认识的命令 /frobnicate"),
        "unknown command: {stdout}"
    );
    assert!(
        stdout.contains(&format!("▶ {reference} {text}")),
        "source: {stdout}"
    );
    assert!(stdout.contains("不是句子编号"), "bad source: {stdout}");
    assert!(
        stdout.contains("请在命令后写上问题"),
        "empty /ask: {stdout}"
    );
}

#[test]
fn group_chat_answers_only_when_addressed() {
    let (_scratch, config) = fixture();
    let input =
        format!("大家好，今天开会\n{GREENWAY}\n/ask@otherbot {GREENWAY}\n/ask {GREENWAY}\n");
    let stdout = stdout_of(
        quotebot(&config)
            .args(["chat", "--group"])
            .write_stdin(input),
    );
    assert_eq!(
        stdout.matches("1. 「").count(),
        1,
        "only /ask is answered: {stdout}"
    );
}

#[test]
fn index_prints_a_summary_and_rebuilds_when_the_corpus_changes() {
    let scratch = tempfile::TempDir::new().unwrap();
    let corpus = scratch.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(
        corpus.join("a.txt"),
        "甲市今年种树三百万棵。\n\n甲市的湖泊面积扩大了。",
    )
    .unwrap();
    std::fs::write(corpus.join("b.txt"), [0xFFu8, 0xFE, 0x00, 0x01, 0x02]).unwrap();
    let config = write_config(&config_for(&corpus, scratch.path()), scratch.path());
    let output = quotebot(&config).arg("index").assert().success();
    let stdout = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    assert!(
        stdout.contains("indexed 1 files, 2 paragraphs, 2 sentences"),
        "{stdout}"
    );
    assert!(
        stdout.contains("skipped 1 files") && stdout.contains("b.txt"),
        "{stdout}"
    );

    let ask = |question: &str| {
        let output = quotebot(&config)
            .args(["ask", "--json", question])
            .assert()
            .success();
        serde_json::from_str::<Value>(String::from_utf8_lossy(&output.get_output().stdout).trim())
            .unwrap()
    };
    assert_eq!(ask("乙县的桥有多长")["refused"], true);
    std::fs::write(corpus.join("c.md"), "乙县新建大桥长达八百米。").unwrap();
    let value = ask("乙县的大桥有多长");
    let docs: Vec<&str> = value["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .filter_map(|answer| answer["doc"].as_str())
        .collect();
    assert!(
        docs.contains(&"c.md"),
        "a new file is indexed on the next question: {value}"
    );
}

#[test]
fn eval_reports_scores_and_misses() {
    let (scratch, config) = fixture();
    let questions = scratch.path().join("questions.jsonl");
    // One answerable question, one the fixture cannot answer, and one whose expected answer is
    // in no sentence at all: that one is a miss whatever the ranker does.
    let never = "不会出现在任何回答里的文字";
    let lines = [
        serde_json::json!({ "id": "a", "q": TEA, "answers": ["428吨"], "kind": "number" }),
        serde_json::json!({ "id": "b", "q": MARS_CAFE, "answers": [], "kind": "negative" }),
        serde_json::json!({ "id": "c", "q": TEA, "answers": [never], "kind": "number" }),
    ];
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&questions, text.join("\n")).unwrap();
    let stdout = stdout_of(quotebot(&config).arg("eval").arg(&questions));

    let counts = regex::Regex::new(r"(?m)^(\S.*?|  \S+)\s+answerable\s+(\d+)\s+hit@1 [\d.]+\s+hit@3 [\d.]+\s+MRR [\d.]+\s+\|\s+unanswerable\s+(\d+)\s+refusal accuracy [\d.]+$").unwrap();
    let rows: Vec<(String, u32, u32)> = counts
        .captures_iter(&stdout)
        .map(|row| {
            (
                row[1].trim().to_string(),
                row[2].parse().unwrap(),
                row[3].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("overall".to_string(), 2, 1),
            ("negative".to_string(), 0, 1),
            ("number".to_string(), 2, 0)
        ],
        "a line overall and one per kind, counting the file's questions: {stdout}"
    );
    let verbatim = regex::Regex::new(r"(?m)^verbatim quotes\s+(\d+)/(\d+)$").unwrap();
    let found = verbatim.captures(&stdout).expect("the verbatim line");
    assert_eq!(found[1], found[2], "every quote is verbatim: {stdout}");
    let missed = regex::Regex::new(r"(?m)^missed\s+(\d+) of (\d+)$").unwrap();
    let found = missed.captures(&stdout).expect("the missed line");
    assert_eq!(&found[2], "3", "of every question: {stdout}");
    let listed = regex::Regex::new(r"(?m)^  (\S+) \[(\w+)\] ").unwrap();
    let ids: Vec<String> = listed
        .captures_iter(&stdout)
        .map(|miss| miss[1].to_string())
        .collect();
    assert_eq!(
        found[1].parse::<usize>().unwrap(),
        ids.len(),
        "each miss is listed: {stdout}"
    );
    assert!(
        ids.contains(&"c".to_string()),
        "the miss that cannot be hit: {stdout}"
    );
    assert!(
        stdout.contains(&format!("expected: {never}")),
        "with what was expected: {stdout}"
    );

    std::fs::write(&questions, "not json").unwrap();
    quotebot(&config)
        .arg("eval")
        .arg(&questions)
        .assert()
        .failure();
}

#[test]
fn configuration_and_corpus_errors_are_clear() {
    let scratch = tempfile::TempDir::new().unwrap();
    let message = |config: &std::path::Path, args: &[&str]| {
        let output = quotebot(config).args(args).assert().failure();
        String::from_utf8_lossy(&output.get_output().stderr).into_owned()
    };

    let missing = scratch.path().join("absent.toml");
    assert!(message(&missing, &["ask", "x"]).contains("absent.toml"));

    let malformed = scratch.path().join("bad.toml");
    std::fs::write(
        &malformed,
        "corpus_dir = \"corpus\"\n[answer]\nmax_quotes = \"three\"\n",
    )
    .unwrap();
    let text = message(&malformed, &["ask", "x"]);
    assert!(
        text.contains("bad.toml") && text.contains("line 3") && text.contains("max_quotes"),
        "{text}"
    );

    let mut config = config_for(&scratch.path().join("no-such-corpus"), scratch.path());
    let path = write_config(&config, scratch.path());
    assert!(message(&path, &["ask", "x"]).contains("does not exist"));

    let empty = scratch.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    config.corpus_dir = empty;
    let path = write_config(&config, scratch.path());
    assert!(message(&path, &["ask", "x"]).contains("no readable"));

    let blocker = scratch.path().join("a-file");
    std::fs::write(&blocker, "").unwrap();
    config.corpus_dir = fixture_corpus(scratch.path());
    config.index_dir = blocker.join("index");
    let path = write_config(&config, scratch.path());
    assert!(message(&path, &["ask", "x"]).contains("not writable"));

    let ranker = scratch.path().join("ranker.toml");
    std::fs::write(&ranker, "k1 = 0.9\nb = 0.4\n[weights]\nbigram = 1.0\n").unwrap();
    config.index_dir = scratch.path().join("index");
    config.ranker_file = ranker;
    let path = write_config(&config, scratch.path());
    let text = message(&path, &["ask", "x"]);
    assert!(
        text.contains("ranker.toml") && text.contains("unknown feature 'bigram'"),
        "{text}"
    );
}

#[test]
fn audit_lists_what_was_quoted_from_ask_and_chat() {
    let (_scratch, config) = fixture();
    let asked = stdout_of(quotebot(&config).args(["ask", "--json", TEA]));
    let asked: Value = serde_json::from_str(asked.trim()).expect("JSON");
    quotebot(&config)
        .arg("chat")
        .write_stdin(format!("{MARS_CAFE}\n/help\n"))
        .assert()
        .success();
    let lines: Vec<Value> = stdout_of(quotebot(&config).args(["audit", "--json"]))
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
        .collect();
    // One row per question answered: the /help of the chat is no question.
    assert_eq!(lines.len(), 2, "{lines:#?}");
    for line in &lines {
        for key in [
            "time", "channel", "chat_id", "user_id", "question", "status", "refs",
        ] {
            assert!(line.get(key).is_some(), "{key} in {line}");
        }
    }
    assert_eq!(lines[0]["channel"], "cli");
    assert_eq!(lines[0]["question"], TEA);
    let refs: Vec<&str> = asked["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .map(|answer| answer["ref"].as_str().expect("ref"))
        .collect();
    assert_eq!(lines[0]["refs"], serde_json::json!(refs), "the refs quoted");
    assert_eq!(lines[1]["channel"], "chat");
    assert_eq!(lines[1]["status"], "not_found");
    let csv = stdout_of(quotebot(&config).args(["audit", "--csv"]));
    let mut rows = csv.lines();
    assert!(
        rows.next()
            .is_some_and(|header| header.starts_with("time,channel,chat_id"))
    );
    assert_eq!(rows.count(), 2, "{csv}");
    let future = stdout_of(quotebot(&config).args(["audit", "--since", "2999-01-01"]));
    assert!(future.trim().is_empty(), "{future}");
    let other_chat = stdout_of(quotebot(&config).args(["audit", "--chat", "-100123"]));
    assert!(other_chat.trim().is_empty(), "{other_chat}");
    let plain = stdout_of(quotebot(&config).arg("audit"));
    assert_eq!(plain.lines().count(), 2, "{plain}");
    assert!(plain.contains(TEA), "{plain}");
    // A checked draft is recorded a row per claim, with its verdict and evidence.
    quotebot(&config)
        .arg("check")
        .write_stdin("青禾镇茶农合作社现有社员910户。澜石湖环湖绿道全长70公里。")
        .assert()
        .success();
    let lines: Vec<Value> = stdout_of(quotebot(&config).args(["audit", "--json"]))
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
        .collect();
    let checked: Vec<(&str, &str)> = lines[2..]
        .iter()
        .map(|line| {
            (
                line["status"].as_str().unwrap(),
                line["question"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        checked,
        [
            (
                "check_supported",
                "【910户】青禾镇茶农合作社现有社员910户。"
            ),
            ("check_contradicted", "【70公里】澜石湖环湖绿道全长70公里。")
        ]
    );
    assert!(
        lines[2]["refs"]
            .as_array()
            .is_some_and(|refs| !refs.is_empty())
    );
}

#[test]
fn a_build_in_progress_elsewhere_leaves_questions_answered_from_the_index_in_use() {
    let scratch = tempfile::TempDir::new().unwrap();
    let corpus = scratch.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("a.txt"), "甲市今年种树三百万棵。").unwrap();
    let config = write_config(&config_for(&corpus, scratch.path()), scratch.path());
    quotebot(&config).arg("index").assert().success();
    let ask = |question: &str| {
        let output = quotebot(&config)
            .args(["ask", "--json", question])
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
        let reply = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
        (serde_json::from_str::<Value>(reply.trim()).unwrap(), stderr)
    };
    // Another builder holds the lock while the corpus changes under it.
    let lock = std::fs::File::create(scratch.path().join("index/build.lock")).unwrap();
    lock.lock().unwrap();
    std::fs::write(corpus.join("b.txt"), "乙县新建大桥长达八百米。").unwrap();
    let (old, stderr) = ask("甲市今年种树多少棵");
    assert_eq!(
        old["refused"], false,
        "answered from the index in use: {old}"
    );
    assert!(stderr.contains("another process is building"), "{stderr}");
    let (new, _) = ask("乙县的大桥有多长");
    assert_eq!(new["refused"], true, "not in the index in use yet: {new}");
    drop(lock);
    let (new, _) = ask("乙县的大桥有多长");
    assert_eq!(new["refused"], false, "built once the lock is free: {new}");
}

#[test]
fn two_files_claiming_one_number_are_reported_not_renumbered() {
    let scratch = tempfile::TempDir::new().unwrap();
    let corpus = scratch.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("004_a.txt"), "甲市今年种树三百万棵。").unwrap();
    std::fs::write(corpus.join("004_b.txt"), "乙县新建大桥长达八百米。").unwrap();
    let config = write_config(&config_for(&corpus, scratch.path()), scratch.path());
    let stdout = stdout_of(quotebot(&config).arg("index"));
    assert!(stdout.contains("indexed 1 files"), "{stdout}");
    let line = stdout
        .lines()
        .find(|line| line.contains("skipped 004_b.txt"))
        .unwrap_or_else(|| panic!("the second file is named: {stdout}"));
    assert!(line.contains("004_a.txt") && line.contains('4'), "{line}");
    let cited = stdout_of(quotebot(&config).args(["ask", "--json", "甲市今年种树多少棵"]));
    assert!(
        cited.contains("[4·1.1]"),
        "the first keeps its number: {cited}"
    );
}

/// A corpus of two dated sources stating one measure differently, written for the claim check.
fn claims_corpus(scratch: &Path) -> PathBuf {
    dated_corpus(
        scratch,
        &[
            (
                "001_old.txt",
                "青禾镇茶农合作社现有社员800户。\n全镇的云雾茶园面积为3600亩。\n",
                "旧报告",
                "2022",
            ),
            (
                "002_new.txt",
                "青禾镇茶农合作社现有社员910户，比上年增加110户。\n澜石湖水面面积为48平方公里。\n",
                "新报告",
                "2024",
            ),
        ],
    )
}

#[test]
fn check_judges_each_figure_of_a_draft_by_the_contract() {
    let scratch = tempfile::TempDir::new().unwrap();
    let corpus = claims_corpus(scratch.path());
    let config = write_config(&config_for(&corpus, scratch.path()), scratch.path());
    let draft = "青禾镇茶农合作社现有社员910户。青禾镇茶农合作社现有社员800户。\n\
                 青禾镇茶农合作社现有社员1200户。青禾镇有机场3座。";
    let stdout = stdout_of(
        quotebot(&config)
            .args(["check", "--json"])
            .write_stdin(draft),
    );
    let value: Value = serde_json::from_str(stdout.trim()).expect("one JSON object");
    assert_eq!(value["draft"], draft);
    let files: Vec<String> = ["001_old.txt", "002_new.txt"]
        .iter()
        .map(|file| std::fs::read_to_string(corpus.join(file)).unwrap())
        .collect();
    let claims = value["claims"].as_array().expect("claims is an array");
    let mut verdicts = Vec::new();
    for claim in claims {
        let mut keys: Vec<&str> = claim
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["evidence", "figure", "measure", "sentence", "verdict"]
        );
        let sentence = claim["sentence"].as_str().unwrap();
        assert!(draft.contains(sentence), "{sentence} is the draft's");
        assert!(sentence.contains(claim["figure"].as_str().unwrap()));
        for fact in claim["evidence"].as_array().unwrap() {
            let text = fact["text"].as_str().unwrap();
            assert!(
                files.iter().any(|file| file.contains(text)),
                "{text} is verbatim"
            );
            assert!(text.contains(fact["figure"].as_str().unwrap()));
        }
        verdicts.push((
            claim["figure"].as_str().unwrap().to_string(),
            claim["verdict"].as_str().unwrap().to_string(),
        ));
    }
    let expected = [
        ("910户", "supported"),
        ("800户", "outdated"),
        ("1200户", "contradicted"),
        ("3座", "not_found"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(f, v)| (f.to_string(), v.to_string()))
        .collect();
    assert_eq!(verdicts, expected);
    // The plain report names every verdict; an empty draft is refused with a message.
    let plain = stdout_of(quotebot(&config).arg("check").write_stdin(draft));
    for word in ["有来源支持", "已过时", "与来源不符", "资料中没有找到"] {
        assert!(plain.contains(word), "{word} in {plain}");
    }
    let refused = quotebot(&config)
        .arg("check")
        .write_stdin("")
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("the draft cannot be read"), "{stderr}");
}
