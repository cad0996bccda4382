//! The command line end to end: the `ask --json` contract (one question and stdin mode),
//! `source`, `chat` driven over stdin, the `index` summary, `eval`, and bad input of every kind.

use serde_json::Value;

use crate::support::{config_for, quotebot, root, shipped, write_config};

/// Checks one `ask --json` object against the contract and returns it.
fn check_contract(line: &str) -> Value {
    let value: Value =
        serde_json::from_str(line).unwrap_or_else(|err| panic!("not JSON ({err}): {line}"));
    let object = value.as_object().expect("an object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["answers", "question", "refused", "reply"]);
    assert!(value["question"].is_string() && value["reply"].is_string());
    let answers = value["answers"].as_array().expect("answers is an array");
    assert_eq!(
        value["refused"].as_bool(),
        Some(answers.is_empty()),
        "refused is true exactly when answers is empty"
    );
    for answer in answers {
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
                "doc",
                "figures",
                "paragraph",
                "ref",
                "score",
                "sentence",
                "text",
                "title"
            ]
        );
        let text = answer["text"].as_str().expect("text");
        assert!(answer["paragraph"].as_u64().is_some_and(|n| n > 0));
        assert!(answer["sentence"].as_u64().is_some_and(|n| n > 0));
        assert!(answer["score"].as_f64().is_some_and(f64::is_finite));
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
        let doc = root()
            .join("corpus")
            .join(answer["doc"].as_str().expect("doc"));
        let file = std::fs::read_to_string(&doc).expect("doc names a corpus file");
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert!(
            strip(&file).contains(&strip(text)),
            "{text} is verbatim in {}",
            doc.display()
        );
    }
    value
}

#[test]
fn ask_json_answers_a_question_by_the_contract() {
    let (_scratch, config) = shipped();
    let output = quotebot(&config)
        .args(["ask", "--json", "大同2021年地区生产总值是多少"])
        .assert()
        .success();
    let stdout = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one object for one question");
    let value = check_contract(stdout.trim());
    assert_eq!(value["refused"], false);
}

#[test]
fn ask_json_reads_stdin_line_by_line_in_order() {
    let (_scratch, config) = shipped();
    let questions = [
        "大同的数据中心有多少服务器",
        "",
        "😀😀",
        "<b>大同</b> AND ( \" * : 旅游",
        "左雲縣煤基活性炭產能佔全國多少",
    ];
    let output = quotebot(&config)
        .args(["ask", "--json"])
        .write_stdin(questions.join("\n"))
        .assert()
        .success();
    let stdout = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), questions.len());
    for (line, question) in lines.iter().zip(questions) {
        let value = check_contract(line);
        assert_eq!(value["question"].as_str(), Some(question.trim()));
    }
    assert_eq!(
        check_contract(lines[1])["refused"],
        true,
        "an empty line is refused"
    );
    assert_eq!(
        check_contract(lines[2])["refused"],
        true,
        "emoji only is refused"
    );

    let output = quotebot(&config)
        .args(["ask", "--json"])
        .write_stdin("\0\0\n大同\0旅游\n")
        .assert()
        .success();
    let stdout = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    let lines: Vec<Value> = stdout.lines().map(check_contract).collect();
    assert_eq!(lines.len(), 2, "NUL bytes do not end the input: {stdout}");
    assert_eq!(lines[0]["refused"], true);
    assert_eq!(lines[1]["question"], "大同 旅游");
}

#[test]
fn bad_questions_get_a_clear_reply() {
    let (_scratch, config) = shipped();
    let long = "大同".repeat(5_000);
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
        let output = quotebot(&config)
            .args(["ask", "--json", question])
            .assert()
            .success();
        let value = check_contract(String::from_utf8_lossy(&output.get_output().stdout).trim());
        assert!(
            !value["reply"].as_str().unwrap().is_empty(),
            "a reply for {question:?}"
        );
    }
    let output = quotebot(&config)
        .args(["ask", "--json", &long])
        .assert()
        .success();
    let value = check_contract(String::from_utf8_lossy(&output.get_output().stdout).trim());
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
    let (_scratch, config) = shipped();
    let output = quotebot(&config)
        .args(["ask", "大同市新能源装机容量是多少"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    assert!(
        stdout.contains("「") && stdout.contains("——") && stdout.contains('·'),
        "{stdout}"
    );
    let output = quotebot(&config)
        .args(["ask", "火星上的咖啡店营业时间"])
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&output.get_output().stdout).contains("资料中没有找到"));
    quotebot(&config).arg("ask").assert().failure();
}

#[test]
fn source_shows_context_of_a_cited_sentence() {
    let (_scratch, config) = shipped();
    let output = quotebot(&config)
        .args(["ask", "--json", "云冈石窟数字保护项目"])
        .assert()
        .success();
    let value = check_contract(String::from_utf8_lossy(&output.get_output().stdout).trim());
    let answer = &value["answers"][0];
    let reference = answer["ref"].as_str().expect("an answer");
    let output = quotebot(&config)
        .args(["source", reference])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    let marked = stdout
        .lines()
        .find(|line| line.starts_with('▶'))
        .expect("the cited line is marked");
    assert!(
        marked.contains(answer["text"].as_str().unwrap()),
        "{stdout}"
    );
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
fn chat_runs_the_conversation_over_stdin() {
    let (_scratch, config) = shipped();
    let input =
        "/help\n/sources\n大同的森林覆盖率\n/frobnicate\n/source 1·1.1\n/source nonsense\n\n/ask\n";
    let output = quotebot(&config)
        .arg("chat")
        .write_stdin(input)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    assert!(stdout.contains("/source 编号"), "help: {stdout}");
    assert!(stdout.contains("共 5 篇文档"), "sources: {stdout}");
    assert!(stdout.contains("「"), "a quote: {stdout}");
    assert!(
        stdout.contains("不认识的命令 /frobnicate"),
        "unknown command: {stdout}"
    );
    assert!(stdout.contains("▶ [1·1.1]"), "source: {stdout}");
    assert!(stdout.contains("不是句子编号"), "bad source: {stdout}");
    assert!(
        stdout.contains("请在命令后写上问题"),
        "empty /ask: {stdout}"
    );
}

#[test]
fn group_chat_answers_only_when_addressed() {
    let (_scratch, config) = shipped();
    let input = "大家好，今天开会\n大同的森林覆盖率\n/ask@otherbot 大同的森林覆盖率\n/ask 大同的森林覆盖率\n";
    let output = quotebot(&config)
        .args(["chat", "--group"])
        .write_stdin(input)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
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
    assert_eq!(
        value["answers"][0]["doc"], "c.md",
        "a new file is indexed on the next question: {value}"
    );
}

#[test]
fn eval_reports_scores_and_misses() {
    let (scratch, config) = shipped();
    let questions = scratch.path().join("questions.jsonl");
    let lines = [
        r#"{"id":"a","q":"大同森林覆盖率每年提升多少","answers":["0.5个百分点"],"kind":"number"}"#,
        r#"{"id":"b","q":"火星上的咖啡店几点开门","answers":[],"kind":"negative"}"#,
        r#"{"id":"c","q":"大同森林覆盖率每年提升多少","answers":["不会出现在任何回答里的文字"],"kind":"number"}"#,
    ];
    std::fs::write(&questions, lines.join("\n")).unwrap();
    let output = quotebot(&config)
        .arg("eval")
        .arg(&questions)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&output.get_output().stdout).into_owned();
    for expected in [
        "hit@1",
        "hit@3",
        "MRR",
        "refusal accuracy",
        "number",
        "negative",
        "verbatim quotes",
    ] {
        assert!(stdout.contains(expected), "{expected} in {stdout}");
    }
    assert!(
        stdout.contains("missed             1 of 3") && stdout.contains("  c [number]"),
        "{stdout}"
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
    config.corpus_dir = root().join("corpus");
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
