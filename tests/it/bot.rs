//! The Telegram bot end to end: the real dispatcher and handler tree (`bot::run`, `bot::schema`)
//! against the fake Bot API, each test asserting on what the fake server received.
//!
//! These are transport tests: they run on the fixture corpus (`support::FIXTURE`), written
//! into each test's own folder, and where a reply should quote something they check that it
//! quotes fixture sentences, never which sentence comes first; answer quality is `eval`'s job.
//!
//! Silence is checked without clocks: updates of one chat are handled in order, so once the
//! answer to a later message of the same chat has arrived, the earlier ones were handled too.

use std::sync::Arc;

use regex::Regex;
use serde_json::{Value, json};
use teloxide::Bot;
use tempfile::TempDir;
use tokio::sync::oneshot;

use quotebot::bot::{self, BotError, BotState};
use quotebot::config::Config;
use quotebot::engine::{Engine, OpenOptions};

use crate::support::questions::{BRIDGE, COOP, GREENWAY, MARS_HOUSES, TEA, TOWN};
use crate::support::{FIXTURE, config_for, fixture, fixture_corpus, fixture_sentences, root};
use fake_bot_api::{BAD_TOKEN, BOT_NAME, Call, FakeBotApi, Fault, TOKEN, parse_html, updates};

/// The bot running against a fake server.
struct Running {
    api: FakeBotApi,
    state: Arc<BotState>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<Result<(), BotError>>,
    /// Holds the fixture corpus (in `corpus/`) and the index.
    scratch: TempDir,
}

/// Settings for tests: the shipped configuration over the fixture corpus (written into
/// `scratch`), an index of its own, Telegram's flood limits lifted (one test keeps them) and
/// short retry waits.
fn test_config(scratch: &TempDir) -> Config {
    let corpus = fixture_corpus(scratch.path());
    let mut config = config_for(&corpus, scratch.path());
    let throttle = &mut config.telegram.throttle;
    throttle.messages_per_sec_chat = 1_000;
    throttle.messages_per_min_chat = 60_000;
    throttle.messages_per_min_group = 60_000;
    throttle.messages_per_sec_overall = 10_000;
    config.telegram.retry_backoff_ms = 10;
    config.telegram.shutdown_grace_seconds = 30;
    config
}

async fn start(configure: impl FnOnce(&mut Config)) -> Running {
    start_on(FakeBotApi::start().await, configure).await
}

async fn start_on(api: FakeBotApi, configure: impl FnOnce(&mut Config)) -> Running {
    let scratch = TempDir::new().expect("temp folder");
    let mut config = test_config(&scratch);
    configure(&mut config);
    let engine = Engine::open(config, OpenOptions::default()).expect("fixture corpus opens");
    let state = BotState::new(engine);
    let bot = Bot::new(TOKEN).set_api_url(api.url.parse().expect("fake server URL"));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(bot::run(bot, state.clone(), async {
        let _ = stopped.await;
    }));
    api.wait_for("start polling", |calls| {
        calls.iter().any(|call| call.method == "getupdates")
    })
    .await;
    Running {
        api,
        state,
        stop: Some(stop),
        task,
        scratch,
    }
}

impl Running {
    /// Stops the bot as a signal would and checks it ended cleanly.
    async fn stop(mut self) -> FakeBotApi {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = (&mut self.task).await.expect("the bot task does not panic");
        assert!(result.is_ok(), "the bot stops cleanly: {result:?}");
        let Running { api, .. } = self;
        api
    }
}

/// The visible text of a sent message (the fake server has checked its HTML already).
fn visible(message: &Value) -> String {
    let text = message["text"].as_str().unwrap_or_default();
    if message["parse_mode"] == "HTML" {
        parse_html(text).expect("valid HTML")
    } else {
        text.to_string()
    }
}

fn reply_to(message: &Value) -> Option<i64> {
    message["reply_parameters"]["message_id"].as_i64()
}

fn buttons(message: &Value) -> Vec<(String, String)> {
    message["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|button| {
            (
                button["text"].as_str().unwrap_or_default().to_string(),
                button["callback_data"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

fn citations(text: &str) -> Vec<String> {
    let citation = Regex::new(r"\[\d+·\d+\.\d+\]").unwrap();
    citation
        .find_iter(text)
        .map(|found| found.as_str().to_string())
        .collect()
}

/// The quoted sentences of a visible reply (between 「 and 」), in order.
fn quoted(text: &str) -> Vec<String> {
    let quote = Regex::new(r"「([^」]+)」").unwrap();
    quote
        .captures_iter(text)
        .map(|found| found[1].to_string())
        .collect()
}

/// The reply quotes `sentences`: at least one quote, each one of them whole, each followed by
/// its citation line (`—— [d·p.s] 《title》 …`).
fn assert_quotes(text: &str, sentences: &[&str]) {
    let quotes = quoted(text);
    assert!(!quotes.is_empty(), "quotes in {text}");
    for quote in &quotes {
        assert!(
            sentences.contains(&quote.as_str()),
            "not a corpus sentence: {quote}"
        );
    }
    let sources: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("—— "))
        .collect();
    assert_eq!(sources.len(), quotes.len(), "a citation per quote: {text}");
    for line in sources {
        assert_eq!(citations(line).len(), 1, "one sentence number: {line}");
        assert!(line.contains('《'), "the source: {line}");
    }
}

/// The reply quotes sentences of the fixture corpus.
fn assert_quotes_fixture(text: &str) {
    assert_quotes(text, &fixture_sentences());
}

fn is_not_found(text: &str) -> bool {
    text.contains("资料中没有找到")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_question_is_answered_with_quotes_and_citations() {
    let running = start(|_| {}).await;
    let api = &running.api;
    api.push(
        "message",
        updates::text(1, updates::private_chat(100), 100, TEA),
    );
    api.push(
        "message",
        updates::text(2, updates::private_chat(100), 100, "/start"),
    );
    let sent = api.wait_sent(100, 2).await;

    let answer = &sent[0];
    assert_eq!(answer["parse_mode"], "HTML");
    let text = visible(answer);
    assert_quotes_fixture(&text);
    // Every fixture sentence states a figure, shown in bold.
    let html = answer["text"].as_str().unwrap();
    let bold = Regex::new(r"<b>([^<]+)</b>").unwrap();
    let figures: Vec<&str> = bold
        .captures_iter(html)
        .map(|found| found.get(1).unwrap().as_str())
        .collect();
    assert!(!figures.is_empty(), "figures are bold: {html}");
    for figure in figures {
        assert!(
            quoted(&text).iter().any(|quote| quote.contains(figure)),
            "bold {figure} is part of a quote: {text}"
        );
    }
    for line in text.lines().filter(|line| line.starts_with("—— ")) {
        assert!(
            FIXTURE.iter().any(|doc| line.contains(&format!(
                "《{}》 · {} · {}",
                doc.title, doc.publisher, doc.date
            ))),
            "title, publisher and date from sources.toml: {line}"
        );
    }
    assert_eq!(reply_to(answer), None, "private replies are not threaded");
    let labels: Vec<String> = buttons(answer)
        .into_iter()
        .map(|(label, _)| label)
        .collect();
    assert_eq!(labels, ["更多", "上下文"]);
    assert!(
        buttons(answer)
            .iter()
            .all(|(_, data)| !data.is_empty() && data.len() <= 64)
    );

    assert!(
        visible(&sent[1]).contains("你好"),
        "/start greets: {}",
        sent[1]
    );

    let commands = api.calls_of("setMyCommands");
    let names: Vec<&str> = commands[0].body["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"ask") && names.contains(&"sources"),
        "{names:?}"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_sources_and_source_commands() {
    let running = start(|_| {}).await;
    let api = &running.api;
    let chat = || updates::private_chat(101);
    api.push("message", updates::text(1, chat(), 101, TEA));
    let answer = visible(&api.wait_sent(101, 1).await[0]);
    let cited = &citations(&answer)[0];
    let reference = cited.trim_matches(['[', ']']);
    for (id, text) in [
        (2, "/help".to_string()),
        (3, "/sources".to_string()),
        (4, format!("/source {reference}")),
        (5, "/source 99·1.1".to_string()),
        (6, "/source".to_string()),
    ] {
        api.push("message", updates::text(id, chat(), 101, &text));
    }
    let sent = api.wait_sent(101, 6).await;
    let texts: Vec<String> = sent.iter().map(visible).collect();
    assert!(
        texts[1].contains("/ask") && texts[1].contains("/source"),
        "{}",
        texts[1]
    );

    let listing = &texts[2];
    assert!(
        listing.contains(&format!("共 {} 篇文档", FIXTURE.len())),
        "{listing}"
    );
    for doc in FIXTURE {
        let n_sentences: usize = doc.paragraphs.iter().map(|p| p.len()).sum();
        assert!(
            listing.contains(&format!("《{}》", doc.title))
                && listing.contains(&format!("（{n_sentences} 句，{}）", doc.file)),
            "{} is listed with its sentence count: {listing}",
            doc.file
        );
    }

    let context = &texts[3];
    let marked = context
        .lines()
        .find(|line| line.starts_with('▶'))
        .unwrap_or_else(|| panic!("the cited sentence is marked: {context}"));
    assert_eq!(
        marked,
        format!("▶ {cited} {}", quoted(&answer)[0]),
        "the context of the first quote"
    );
    assert!(
        context
            .lines()
            .filter(|line| citations(line).len() == 1)
            .count()
            >= 3,
        "sentences around it: {context}"
    );
    assert!(texts[4].contains("没有编号为"), "{}", texts[4]);
    assert!(
        texts[5].contains("句子编号") && texts[5].contains("/source "),
        "{}",
        texts[5]
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_answers_only_when_addressed_and_threads_replies() {
    let api = FakeBotApi::start().await;
    // With privacy mode off the bot receives all chatter and must ignore it itself.
    api.set_privacy_off();
    let running = start_on(api, |_| {}).await;
    let api = &running.api;
    let group = -100_200;
    let chat = || updates::group_chat(group);
    let ignored = [
        (1, "大家好，今天开会".to_string()),
        (2, format!("/ask@otherbot {TEA}")),
        (3, "/weather".to_string()),
        (4, format!("@someone_else {TEA}")),
    ];
    for (id, text) in ignored {
        api.push("message", updates::text(id, chat(), 300, &text));
    }
    api.push("message", updates::sticker(5, chat(), 300));
    let mut forwarded = updates::text(6, chat(), 300, &format!("@{BOT_NAME} {TEA}"));
    forwarded["forward_origin"] =
        json!({ "type": "hidden_user", "date": 1_700_000_000, "sender_user_name": "某人" });
    api.push("message", forwarded);

    api.push(
        "message",
        updates::text(11, chat(), 301, &format!("/ask {TEA}")),
    );
    api.push(
        "message",
        updates::text(12, chat(), 302, &format!("/ask@{BOT_NAME} {COOP}")),
    );
    api.push(
        "message",
        updates::text(13, chat(), 303, &format!("请问 @{BOT_NAME} {BRIDGE}")),
    );
    let mut reply = updates::text(14, chat(), 304, GREENWAY);
    reply["reply_to_message"] = updates::from_bot(999, chat(), "1. 「…」");
    api.push("message", reply);
    // A reply to another user's message is chatter.
    let mut reply_to_user = updates::text(15, chat(), 305, "同意");
    reply_to_user["reply_to_message"] = updates::text(1, chat(), 300, "大家好，今天开会");
    api.push("message", reply_to_user);
    api.push(
        "message",
        updates::text(16, chat(), 306, &format!("/help@{BOT_NAME}")),
    );

    let sent = api.wait_sent(group, 5).await;
    assert_eq!(
        sent.len(),
        5,
        "only addressed messages are answered: {sent:#?}"
    );
    let threads: Vec<Option<i64>> = sent.iter().map(reply_to).collect();
    assert_eq!(threads, [Some(11), Some(12), Some(13), Some(14), Some(16)]);
    for answer in &sent[..4] {
        assert_quotes_fixture(&visible(answer));
    }
    assert!(visible(&sent[4]).contains("/ask"), "help: {}", sent[4]);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channel_post_with_ask_is_answered_in_the_channel() {
    let running = start(|_| {}).await;
    let api = &running.api;
    let channel = -100_300;
    let chat = || updates::channel_chat(channel);
    api.push(
        "channel_post",
        updates::channel_post(1, chat(), "今日要闻：青禾镇发布会召开"),
    );
    api.push("channel_post", updates::channel_post(2, chat(), "/sources"));
    api.push(
        "channel_post",
        updates::channel_post(3, chat(), &format!("/ask@otherbot {TEA}")),
    );
    api.push(
        "channel_post",
        updates::channel_post(4, chat(), &format!("/ask {TEA}")),
    );
    let sent = api.wait_sent(channel, 1).await;
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(reply_to(&sent[0]), Some(4), "a reply to the post");
    assert_quotes_fixture(&visible(&sent[0]));
    assert!(buttons(&sent[0]).is_empty(), "no buttons in a channel");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_queries_return_quotes_with_citations() {
    let mut n_results = 0;
    let running = start(|config| n_results = config.telegram.inline_results).await;
    let api = &running.api;
    // Several sentences answer the town; of the tea survey only one states the yield asked.
    api.push("inline_query", updates::inline_query("q1", 400, TOWN));
    api.push("inline_query", updates::inline_query("q2", 400, "  "));
    api.push(
        "inline_query",
        updates::inline_query("q3", 400, &"青禾镇茶园".repeat(300)),
    );
    api.push(
        "inline_query",
        updates::inline_query("q4", 400, MARS_HOUSES),
    );
    let calls = api
        .wait_for("4 inline answers", |calls| {
            calls
                .iter()
                .filter(|c| c.method == "answerinlinequery")
                .count()
                >= 4
        })
        .await;
    let answers: Vec<&Call> = calls
        .iter()
        .filter(|c| c.method == "answerinlinequery")
        .collect();
    assert!(
        answers.iter().all(|call| call.status == 200),
        "{answers:#?}"
    );
    let by_id = |id: &str| {
        answers
            .iter()
            .find(|call| call.body["inline_query_id"] == id)
            .map(|call| call.body["results"].as_array().unwrap().clone())
            .unwrap()
    };

    let results = by_id("q1");
    assert!((2..=n_results).contains(&results.len()), "{results:#?}");
    for result in &results {
        assert_eq!(result["type"], "article");
        let content = &result["input_message_content"];
        assert_eq!(content["parse_mode"], "HTML");
        let text = parse_html(content["message_text"].as_str().unwrap()).unwrap();
        assert_eq!(quoted(&text).len(), 1, "one quote: {text}");
        assert_quotes_fixture(&text);
        let title = result["title"].as_str().unwrap();
        assert!(
            !title.is_empty() && quoted(&text)[0].starts_with(title.trim_end_matches('…')),
            "the title is the quote's start: {result}"
        );
        assert!(
            result["description"].as_str().unwrap().contains("《"),
            "the source: {result}"
        );
    }
    let ids: std::collections::HashSet<&str> =
        results.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), results.len(), "distinct result ids");

    let hint = by_id("q2");
    assert_eq!(hint.len(), 1);
    assert!(hint[0]["title"].as_str().unwrap().contains("输入问题"));
    assert!(
        by_id("q3").len() <= n_results,
        "a very long query is answered for its start"
    );
    let none = by_id("q4");
    assert_eq!(none.len(), 1);
    assert!(none[0]["title"].as_str().unwrap().contains("没有找到"));
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_give_more_results_and_context_and_refuse_bad_data() {
    let running = start(|_| {}).await;
    let api = &running.api;
    let chat = || updates::private_chat(500);
    api.push("message", updates::text(1, chat(), 500, TOWN));
    let sent = api.wait_sent(500, 1).await;
    let answer = &sent[0];
    let answer_id = api.calls_of("sendMessage")[0].result["message_id"]
        .as_i64()
        .unwrap();
    let bot_message = updates::from_bot(answer_id, chat(), &visible(answer));
    let data: std::collections::HashMap<String, String> = buttons(answer).into_iter().collect();

    api.push(
        "callback_query",
        updates::callback("more", 500, bot_message.clone(), &data["更多"]),
    );
    api.push(
        "callback_query",
        updates::callback("context", 500, bot_message.clone(), &data["上下文"]),
    );
    api.push(
        "callback_query",
        updates::callback("forged", 500, bot_message.clone(), "buy:42"),
    );
    api.push(
        "callback_query",
        updates::callback("stale", 500, bot_message.clone(), "m:3:k:1.2"),
    );
    api.push(
        "callback_query",
        updates::callback("gone", 500, bot_message.clone(), "c:99.1.1"),
    );
    let mut inline = updates::callback("inline", 500, Value::Null, &data["上下文"]);
    inline.as_object_mut().unwrap().remove("message");
    inline["inline_message_id"] = json!("abc");
    api.push("callback_query", inline);

    let calls = api
        .wait_for("6 callback answers", |calls| {
            calls
                .iter()
                .filter(|c| c.method == "answercallbackquery")
                .count()
                >= 6
        })
        .await;
    let answered = |id: &str| {
        calls
            .iter()
            .find(|c| c.method == "answercallbackquery" && c.body["callback_query_id"] == id)
            .map(|c| c.body["text"].as_str().unwrap_or_default().to_string())
            .unwrap_or_else(|| panic!("callback {id} answered"))
    };
    assert_eq!(answered("more"), "");
    assert_eq!(answered("context"), "");
    assert!(answered("forged").contains("无法识别"));
    assert!(answered("stale").contains("过期"));
    assert!(answered("gone").contains("没有编号为"));
    assert!(answered("inline").contains("对话中"));

    let sent = api.sent_to(500);
    assert_eq!(
        sent.len(),
        3,
        "the answer, more results, the context: {sent:#?}"
    );
    // More results go on from the quotes the first page showed.
    let first_quotes = quoted(&visible(answer));
    let next = format!("{}. ", first_quotes.len() + 1);
    let more = sent
        .iter()
        .map(visible)
        .find(|text| text.starts_with(&next))
        .unwrap_or_else(|| panic!("more results numbered from {next}: {sent:#?}"));
    assert_quotes_fixture(&more);
    assert!(
        quoted(&more)
            .iter()
            .all(|quote| !first_quotes.contains(quote)),
        "more results are other sentences: {more}"
    );
    let context = sent
        .iter()
        .map(visible)
        .find(|text| text.contains("▶"))
        .expect("the context");
    let first_citation = &citations(&visible(answer))[0];
    assert!(
        context.contains(&format!("▶ {first_citation} {}", first_quotes[0])),
        "context of {first_citation}: {context}"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_over_4096_characters_is_split_between_quotes() {
    let running = start(|config| {
        config.answer.max_quotes = 80;
        config.retrieval.candidates = 200;
        crate::support::show_every_quote(config);
    })
    .await;
    let api = &running.api;
    api.push(
        "message",
        updates::text(1, updates::private_chat(600), 600, TOWN),
    );
    api.push(
        "message",
        updates::text(2, updates::private_chat(600), 600, "/start"),
    );
    let sent = api
        .wait_for("the long reply and the greeting", |_| {
            api.sent_to(600).iter().any(|m| visible(m).contains("你好"))
        })
        .await;
    assert!(
        sent.iter()
            .all(|call| call.status == 200 || call.method == "getupdates"),
        "Telegram accepted every part"
    );
    let parts: Vec<Value> = api
        .sent_to(600)
        .into_iter()
        .filter(|m| !visible(m).contains("你好"))
        .collect();
    assert!(parts.len() >= 2, "split into {} parts", parts.len());
    let mut next_number = 1;
    for (n, part) in parts.iter().enumerate() {
        let html = part["text"].as_str().unwrap();
        let text = parse_html(html).expect("every part is valid HTML on its own");
        assert!(
            text.encode_utf16().count() <= 4096,
            "part {n} is {} long",
            text.encode_utf16().count()
        );
        assert_quotes_fixture(&text);
        // Each part holds whole quotes: numbered, quoted, cited.
        let blocks: Vec<&str> = text.split("\n\n").collect();
        for block in blocks {
            assert!(
                block.starts_with(&format!("{next_number}. 「")),
                "part {n} starts quote {next_number} whole: {block}"
            );
            assert_eq!(
                citations(block).len(),
                1,
                "one citation with its quote: {block}"
            );
            assert!(block.contains("」\n—— ["), "{block}");
            next_number += 1;
        }
        let last = n + 1 == parts.len();
        assert_eq!(
            !buttons(part).is_empty(),
            last,
            "buttons under the last part only"
        );
    }
    let reply = running.state.engine().ask(TOWN);
    assert_eq!(
        next_number - 1,
        reply.quotes.len(),
        "every quote of the reply was sent, once"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flood_control_is_waited_out_and_the_message_delivered() {
    let running = start(|_| {}).await;
    let api = &running.api;
    api.fail_next("sendMessage", Fault::RetryAfter(1), 1);
    api.push(
        "message",
        updates::text(1, updates::private_chat(700), 700, TEA),
    );
    let sent = api.wait_sent(700, 1).await;
    let sends: Vec<Call> = api
        .calls()
        .into_iter()
        .filter(|c| c.method == "sendmessage")
        .collect();
    assert_eq!(sends.len(), 2, "{sends:#?}");
    assert_eq!(sends[0].status, 429);
    assert_eq!(sends[1].status, 200);
    assert_eq!(
        sends[0].body["text"], sends[1].body["text"],
        "the same message, retried"
    );
    assert_quotes_fixture(&visible(&sent[0]));
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_is_retried_and_the_next_question_answered() {
    // teloxide waits about 10 s after a 5xx before reading the answer: this test takes that long.
    let running = start(|_| {}).await;
    let api = &running.api;
    api.fail_next("sendMessage", Fault::ServerError, 1);
    api.push(
        "message",
        updates::text(1, updates::private_chat(800), 800, TEA),
    );
    api.push(
        "message",
        updates::text(2, updates::private_chat(800), 800, BRIDGE),
    );
    let sent = api.wait_sent(800, 2).await;
    let sends: Vec<Call> = api
        .calls()
        .into_iter()
        .filter(|c| c.method == "sendmessage")
        .collect();
    let statuses: Vec<u16> = sends.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [500, 200, 200]);
    assert_eq!(
        sends[0].body["text"], sends[1].body["text"],
        "the failed send was retried"
    );
    assert_quotes_fixture(&visible(&sent[0]));
    assert_quotes_fixture(&visible(&sent[1]));
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_update_gets_an_apology_and_the_bot_goes_on() {
    let running = start(|_| {}).await;
    let api = &running.api;
    api.fail_next("sendMessage", Fault::BadRequest, 1);
    api.push(
        "message",
        updates::text(1, updates::private_chat(810), 810, TEA),
    );
    api.push(
        "message",
        updates::text(2, updates::private_chat(810), 810, TEA),
    );
    let sent = api.wait_sent(810, 2).await;
    assert!(visible(&sent[0]).contains("抱歉"), "{}", sent[0]);
    assert_quotes_fixture(&visible(&sent[1]));
    assert_eq!(running.state.stats().errors, 1);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chats_not_allowed_are_refused_once() {
    let running = start(|config| config.telegram.allowed_chats = vec![900, -100_900]).await;
    let api = &running.api;
    api.push(
        "message",
        updates::text(1, updates::private_chat(901), 901, TEA),
    );
    api.push(
        "message",
        updates::text(2, updates::private_chat(901), 901, "/start"),
    );
    api.push(
        "message",
        updates::text(3, updates::private_chat(901), 901, TEA),
    );
    let group = -100_901;
    api.push(
        "message",
        updates::text(1, updates::group_chat(group), 902, "闲聊"),
    );
    api.push(
        "message",
        updates::text(2, updates::group_chat(group), 902, &format!("/ask {TEA}")),
    );
    api.push(
        "message",
        updates::text(3, updates::group_chat(group), 902, &format!("/ask {TEA}")),
    );
    api.push("inline_query", updates::inline_query("q", 901, TEA));
    api.push(
        "message",
        updates::text(1, updates::private_chat(900), 900, TEA),
    );
    api.push(
        "message",
        updates::text(
            1,
            updates::group_chat(-100_900),
            903,
            &format!("/ask {TEA}"),
        ),
    );
    api.wait_sent(900, 1).await;
    api.wait_sent(-100_900, 1).await;
    api.wait_for("refusals counted", |_| running.state.stats().refusals >= 5)
        .await;
    // A refusal is counted before it is sent: wait for the sends themselves.
    api.wait_sent(901, 1).await;
    api.wait_sent(group, 1).await;
    let refused = api.sent_to(901);
    assert_eq!(refused.len(), 1, "one refusal: {refused:#?}");
    assert!(visible(&refused[0]).contains("指定的对话"));
    let refused = api.sent_to(group);
    assert_eq!(refused.len(), 1, "one refusal in the group: {refused:#?}");
    assert_eq!(reply_to(&refused[0]), Some(2));
    let inline = api.calls_of("answerInlineQuery");
    assert!(
        inline[0].body["results"][0]["title"]
            .as_str()
            .unwrap()
            .contains("指定的对话")
    );
    assert_quotes_fixture(&visible(&api.sent_to(900)[0]));
    assert_quotes_fixture(&visible(&api.sent_to(-100_900)[0]));
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_and_stats_are_for_admins_only() {
    // A document the running index has not seen: only /reload makes it answerable.
    const ADDED_FILE: &str = "004_observatory.txt";
    const ADDED: &str = "云杉岭观星台海拔1460米，是全省最高的天文观测点。";
    const ADDED_QUESTION: &str = "云杉岭观星台的海拔是多少";

    let running = start(|config| config.telegram.admins = vec![1000]).await;
    let api = &running.api;
    let before = running.state.engine();
    for (id, text) in [(1, "/stats"), (2, "/reload")] {
        api.push(
            "message",
            updates::text(id, updates::private_chat(1001), 1001, text),
        );
    }
    let refused = api.wait_sent(1001, 2).await;
    assert!(
        refused.iter().all(|m| visible(m).contains("只有管理员")),
        "{refused:#?}"
    );

    std::fs::write(
        running.scratch.path().join("corpus").join(ADDED_FILE),
        format!("{ADDED}\n"),
    )
    .unwrap();
    api.push(
        "message",
        updates::text(1, updates::private_chat(1000), 1000, ADDED_QUESTION),
    );
    api.push(
        "message",
        updates::text(2, updates::private_chat(1000), 1000, "/stats"),
    );
    api.push(
        "message",
        updates::text(3, updates::private_chat(1000), 1000, "/reload"),
    );
    let sent = api
        .wait_for("the rebuild report", |_| {
            api.sent_to(1000)
                .iter()
                .any(|m| visible(m).contains("索引已重建"))
        })
        .await;
    assert!(
        sent.iter()
            .filter(|c| c.method == "sendmessage")
            .all(|c| c.status == 200)
    );
    let texts: Vec<String> = api.sent_to(1000).iter().map(visible).collect();
    assert!(
        is_not_found(&texts[0]),
        "not in the index yet: {}",
        texts[0]
    );
    let stats = &texts[1];
    assert!(
        stats.contains("运行时间") && stats.contains("回答问题：1") && stats.contains("拒绝：2"),
        "{stats}"
    );
    assert!(
        stats.contains(&format!("索引：{} 个文件", FIXTURE.len())),
        "index size: {stats}"
    );
    assert!(texts[2].contains("开始"), "{}", texts[2]);
    assert!(
        texts[3].contains(&format!("索引已重建并启用：{} 个文件", FIXTURE.len() + 1)),
        "the added file is indexed: {}",
        texts[3]
    );
    assert!(
        !Arc::ptr_eq(&before, &running.state.engine()),
        "the new index is in use"
    );

    api.push(
        "message",
        updates::text(4, updates::private_chat(1000), 1000, ADDED_QUESTION),
    );
    let sent = api.wait_sent(1000, 5).await;
    let mut sentences = fixture_sentences();
    sentences.push(ADDED);
    assert_quotes(&visible(&sent[4]), &sentences);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_add_list_and_remove_documents_from_the_chat() {
    let running = start(|config| config.telegram.admins = vec![1000]).await;
    let api = &running.api;
    let corpus = running.scratch.path().join("corpus");
    let files_before = std::fs::read_dir(&corpus).unwrap().count();
    let html = std::fs::read(root().join("tests/fixtures/formats/news.html")).unwrap();
    api.add_file("news", html.clone());
    api.add_file(
        "scan",
        std::fs::read(root().join("tests/fixtures/formats/scanned.pdf")).unwrap(),
    );
    // A non-admin's file, a file over the limit, a file of another kind, a scan: none is written.
    let document = |id, from, file| updates::document(id, updates::private_chat(from), from, file);
    api.push(
        "message",
        document(1, 1001, ("news", "news.html", html.len() as u64)),
    );
    api.push(
        "message",
        document(2, 1000, ("big", "big.pdf", 30 * 1024 * 1024)),
    );
    api.push("message", document(3, 1000, ("news", "photo.jpg", 100)));
    api.push("message", document(4, 1000, ("scan", "scan.pdf", 1512)));
    let refused = api.wait_sent(1001, 1).await;
    assert!(visible(&refused[0]).contains("只有管理员"), "{refused:#?}");
    let told = api.wait_sent(1000, 3).await;
    let told: Vec<String> = told.iter().map(visible).collect();
    assert!(told[0].contains("超过 20 MB"), "{}", told[0]);
    assert!(told[1].contains("只接受"), "{}", told[1]);
    assert!(
        told[2].contains("no text layer") && told[2].contains("没有保存"),
        "{}",
        told[2]
    );
    assert_eq!(std::fs::read_dir(&corpus).unwrap().count(), files_before);

    // An admin's page, saved under a safe name and indexed in the background.
    api.push(
        "message",
        document(5, 1000, ("news", "../港口 新闻.html", html.len() as u64)),
    );
    api.wait_for("the rebuild report", |_| {
        api.sent_to(1000)
            .iter()
            .any(|m| visible(m).contains("索引已重建"))
    })
    .await;
    let texts: Vec<String> = api.sent_to(1000).iter().map(visible).collect();
    assert!(
        texts.iter().any(|t| t.contains("corpus/港口_新闻.html")),
        "{texts:#?}"
    );
    assert!(corpus.join("港口_新闻.html").is_file());
    api.push(
        "message",
        updates::text(6, updates::private_chat(1000), 1000, "/docs"),
    );
    let sent = api.wait_sent(1000, texts.len() + 1).await;
    let listing = visible(sent.last().unwrap());
    let number = Regex::new(r"\[(\d+)\] 《云海港吞吐量创新高》")
        .unwrap()
        .captures(&listing)
        .unwrap_or_else(|| panic!("the page is listed: {listing}"))[1]
        .to_string();

    // /remove asks first; a non-admin's press does nothing; the admin's removes and rebuilds.
    let n_sent = sent.len();
    let remove = format!("/remove {number}");
    api.push(
        "message",
        updates::text(7, updates::private_chat(1000), 1000, &remove),
    );
    let sent = api.wait_sent(1000, n_sent + 1).await;
    let prompt = sent.last().unwrap();
    assert!(visible(prompt).contains("删除文档"), "{}", visible(prompt));
    let data: std::collections::HashMap<String, String> = buttons(prompt).into_iter().collect();
    let prompt_message = updates::from_bot(2000, updates::private_chat(1000), &visible(prompt));
    api.push(
        "callback_query",
        updates::callback("intruder", 1001, prompt_message.clone(), &data["确认删除"]),
    );
    api.wait_for("the refusal", |calls| {
        calls
            .iter()
            .any(|c| c.method == "answercallbackquery" && c.body["callback_query_id"] == "intruder")
    })
    .await;
    assert!(corpus.join("港口_新闻.html").is_file());
    api.push(
        "callback_query",
        updates::callback("admin", 1000, prompt_message, &data["确认删除"]),
    );
    api.wait_for("the second rebuild report", |_| {
        api.sent_to(1000)
            .iter()
            .filter(|m| visible(m).contains("索引已重建"))
            .count()
            == 2
    })
    .await;
    assert!(!corpus.join("港口_新闻.html").exists());
    assert_eq!(running.state.engine().documents().len(), FIXTURE.len());
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checked_draft_gets_one_reply_per_claim_quoting_its_figure() {
    let running = start(|_| {}).await;
    let api = &running.api;
    let draft = "/check 😀青禾镇茶农合作社现有社员910户。澜石湖环湖绿道全长70公里。";
    api.push(
        "message",
        updates::text(41, updates::private_chat(1300), 1300, draft),
    );
    let sent = api.wait_sent(1300, 2).await;
    let calls = api.calls_of("sendMessage");
    let quotes: Vec<(&str, u64, i64)> = calls
        .iter()
        .map(|call| {
            let reply = &call.body["reply_parameters"];
            (
                reply["quote"].as_str().unwrap_or_default(),
                reply["quote_position"].as_u64().unwrap_or(u64::MAX),
                reply["message_id"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    // The fake server refuses a quote that is not the draft's text at its position.
    assert!(calls.iter().all(|call| call.status == 200), "{calls:#?}");
    let utf16 = |text: &str| draft[..draft.find(text).unwrap()].encode_utf16().count() as u64;
    assert_eq!(
        quotes,
        [
            ("910户", utf16("910户"), 41),
            ("70公里", utf16("70公里"), 41)
        ]
    );
    assert!(
        visible(&sent[0]).contains("910户：有来源支持"),
        "{}",
        visible(&sent[0])
    );
    assert!(
        visible(&sent[1]).contains("70公里：与来源不符"),
        "{}",
        visible(&sent[1])
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_chats_at_once_are_all_answered() {
    // Telegram's flood limits as shipped: Throttle spaces the sends, nothing is lost.
    let running = start(|config| config.telegram.throttle = Default::default()).await;
    let api = &running.api;
    let questions = [TEA, COOP, BRIDGE, GREENWAY];
    let chats: Vec<i64> = (0..40).map(|n| 2000 + n).collect();
    for (n, chat) in chats.iter().enumerate() {
        let question = questions[n % questions.len()];
        api.push(
            "message",
            updates::text(1, updates::private_chat(*chat), *chat, question),
        );
    }
    for (n, group) in (0..5).map(|n| -100_2000 - n).enumerate() {
        api.push(
            "message",
            updates::text(
                7,
                updates::group_chat(group),
                3000 + n as i64,
                &format!("/ask {TEA}"),
            ),
        );
    }
    for chat in &chats {
        let sent = api.wait_sent(*chat, 1).await;
        assert_eq!(sent.len(), 1, "chat {chat}: {sent:#?}");
        assert_quotes_fixture(&visible(&sent[0]));
    }
    for group in (0..5).map(|n| -100_2000 - n) {
        let sent = api.wait_sent(group, 1).await;
        assert_eq!(reply_to(&sent[0]), Some(7));
    }
    assert!(
        api.calls().iter().all(|c| c.status == 200),
        "no call refused"
    );
    // A reply is counted once its send returned, just after the server recorded it.
    api.wait_for("45 replies counted", |_| {
        running.state.stats().answered >= 45
    })
    .await;
    assert_eq!(running.state.stats().answered, 45);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_silence_or_a_short_reply() {
    let running = start(|_| {}).await;
    let api = &running.api;
    let chat = || updates::private_chat(1100);
    api.push("message", updates::sticker(1, chat(), 1100));
    api.push("edited_message", updates::text(2, chat(), 1100, TEA));
    api.push("message", updates::text(3, chat(), 1100, "/frobnicate now"));
    api.push(
        "message",
        updates::text(4, chat(), 1100, &format!("/ask@otherbot {TEA}")),
    );
    api.push("message", updates::text(5, chat(), 1100, "😀😀"));
    api.push(
        "message",
        updates::text(6, chat(), 1100, "<b>青禾镇</b> & <script>alert(1)</script>"),
    );
    api.push(
        "message",
        updates::text(7, chat(), 1100, &"青禾镇茶园".repeat(1000)),
    );
    let mut forwarded = updates::text(8, chat(), 1100, TEA);
    forwarded["forward_origin"] =
        json!({ "type": "hidden_user", "date": 1_700_000_000, "sender_user_name": "某人" });
    api.push("message", forwarded);
    let mut photo = updates::sticker(9, chat(), 1100);
    photo.as_object_mut().unwrap().remove("sticker");
    photo["photo"] = json!([{ "file_id": "p", "file_unique_id": "p", "width": 90, "height": 90 }]);
    photo["caption"] = json!(BRIDGE);
    api.push("message", photo);
    api.push("message", updates::text(10, chat(), 1100, "\u{0}\u{7}"));
    api.push("message", updates::text(11, chat(), 1100, "/start"));
    let sent = api
        .wait_for("the greeting after the bad input", |_| {
            api.sent_to(1100)
                .iter()
                .any(|m| visible(m).contains("你好"))
        })
        .await;
    assert!(
        sent.iter()
            .filter(|c| c.method == "sendmessage")
            .all(|c| c.status == 200),
        "Telegram accepted every reply"
    );
    let texts: Vec<String> = api.sent_to(1100).iter().map(visible).collect();
    assert_eq!(texts.len(), 9, "{texts:#?}");
    assert!(texts[0].contains("文字"), "sticker: {}", texts[0]);
    assert!(
        texts[1].contains("不认识的命令 /frobnicate"),
        "{}",
        texts[1]
    );
    assert!(texts[2].contains("请输入一个问题"), "emoji: {}", texts[2]);
    assert!(!texts[3].is_empty(), "markup-like text is answered safely");
    assert!(texts[4].contains("问题过长"), "long question: {}", texts[4]);
    // Forwarded text in private is a question, and so is a caption.
    assert_quotes_fixture(&texts[5]);
    assert_quotes_fixture(&texts[6]);
    assert!(
        texts[7].contains("请输入一个问题"),
        "control characters only: {}",
        texts[7]
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_is_a_clear_error_without_the_token() {
    let api = FakeBotApi::start().await;
    let scratch = TempDir::new().unwrap();
    let engine = Engine::open(test_config(&scratch), OpenOptions::default()).unwrap();
    let bot = Bot::new(BAD_TOKEN).set_api_url(api.url.parse().unwrap());
    let err = bot::run(bot, BotState::new(engine), std::future::pending())
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, BotError::InvalidToken(_)), "{err:?}");
    assert!(
        message.contains("TELOXIDE_TOKEN") && !message.contains(BAD_TOKEN),
        "{message}"
    );
    assert_eq!(api.calls().len(), 1, "only getMe was tried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_mode_takes_updates_posted_with_the_secret() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let hook = format!("http://127.0.0.1:{port}/hook");
    let api = FakeBotApi::start().await;
    let scratch = TempDir::new().unwrap();
    let mut config = test_config(&scratch);
    config.telegram.webhook_url = hook.clone();
    config.telegram.webhook_listen = format!("127.0.0.1:{port}");
    config.telegram.webhook_secret = "s3cret_Token-1".into();
    let engine = Engine::open(config, OpenOptions::default()).unwrap();
    let state = BotState::new(engine);
    let bot = Bot::new(TOKEN).set_api_url(api.url.parse().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(bot::run(bot, state, async {
        let _ = stopped.await;
    }));
    let calls = api
        .wait_for("setWebhook", |calls| {
            calls.iter().any(|c| c.method == "setwebhook")
        })
        .await;
    let set = calls.iter().find(|c| c.method == "setwebhook").unwrap();
    assert_eq!(set.body["url"], hook.as_str());
    assert_eq!(set.body["secret_token"], "s3cret_Token-1");

    let client = teloxide::net::default_reqwest_settings().build().unwrap();
    let post = |secret: &'static str, update: Value| {
        let request = client
            .post(&hook)
            .header("content-type", "application/json")
            .header("X-Telegram-Bot-Api-Secret-Token", secret)
            .body(update.to_string());
        async move {
            // The server may still be binding: try again briefly.
            for _ in 0..100 {
                if let Ok(response) = request.try_clone().unwrap().send().await {
                    return response.status().as_u16();
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            panic!("the webhook server never answered");
        }
    };
    let forged = json!({ "update_id": 1, "message": updates::text(1, updates::private_chat(1200), 1200, TEA) });
    assert_eq!(
        post("wrong", forged).await,
        401,
        "updates without the secret are refused"
    );
    let update = json!({ "update_id": 2, "message": updates::text(2, updates::private_chat(1200), 1200, TEA) });
    assert_eq!(post("s3cret_Token-1", update).await, 200);
    // Acknowledged only once stored; the forged one never was.
    let inbox = quotebot::store::Inbox::open(&scratch.path().join("store.sqlite3")).unwrap();
    assert!(inbox.state(2).unwrap().is_some(), "stored before the 200");
    assert_eq!(
        inbox.state(1).unwrap(),
        None,
        "a forged update is not stored"
    );
    let sent = api.wait_sent(1200, 1).await;
    assert_eq!(sent.len(), 1);
    assert_quotes_fixture(&visible(&sent[0]));

    let _ = stop.send(());
    task.await.unwrap().unwrap();
    assert!(
        api.calls().iter().any(|c| c.method == "deletewebhook"),
        "the webhook is removed at stop"
    );
    assert!(
        api.calls().iter().all(|c| c.method != "getupdates"),
        "no polling in webhook mode"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_over_the_question_limit_is_told_once() {
    let running = start(|config| config.telegram.questions_per_minute = 2).await;
    let api = &running.api;
    let chat = || updates::private_chat(1300);
    for id in 1..=4 {
        api.push("message", updates::text(id, chat(), 1300, TEA));
    }
    api.push("message", updates::text(5, chat(), 1300, "/start"));
    let sent = api
        .wait_for("the greeting", |_| {
            api.sent_to(1300)
                .iter()
                .any(|m| visible(m).contains("你好"))
        })
        .await;
    assert!(sent.iter().all(|c| c.status == 200));
    let texts: Vec<String> = api.sent_to(1300).iter().map(visible).collect();
    assert_eq!(texts.len(), 4, "{texts:#?}");
    assert_quotes_fixture(&texts[0]);
    assert_quotes_fixture(&texts[1]);
    assert!(texts[2].contains("秒后再问"), "a polite wait: {}", texts[2]);
    assert_eq!(running.state.stats().rate_limited, 2);
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotebot_serve_runs_against_any_bot_api_server_and_stops_on_sigterm() {
    let api = FakeBotApi::start().await;
    let (_scratch, config) = fixture();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("quotebot"))
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .current_dir(root())
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", &api.url)
        .env_remove("TELOXIDE_PROXY")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("quotebot starts");
    api.wait_for("start polling", |calls| {
        calls.iter().any(|call| call.method == "getupdates")
    })
    .await;
    api.push(
        "message",
        updates::text(1, updates::private_chat(1400), 1400, TEA),
    );
    let sent = api.wait_sent(1400, 1).await;
    assert_quotes_fixture(&visible(&sent[0]));

    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let output = tokio::task::spawn_blocking(move || {
        let status = child.wait().expect("quotebot exits");
        let mut log = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut log).unwrap();
        (status, log)
    })
    .await
    .unwrap();
    let (status, log) = output;
    assert!(status.success(), "a clean exit on SIGTERM: {log}");
    assert!(log.contains(&format!("@{BOT_NAME} started")), "{log}");
    assert!(log.contains("privacy mode on"), "{log}");
    assert!(!log.contains(TOKEN), "the token is never logged: {log}");
}

#[test]
fn quotebot_serve_without_a_token_says_what_is_missing() {
    let (_scratch, config) = fixture();
    let output = crate::support::quotebot(&config)
        .arg("serve")
        .env_remove("TELOXIDE_TOKEN")
        .env("TELOXIDE_TOKEN", "")
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    assert!(stderr.contains("TELOXIDE_TOKEN is not set"), "{stderr}");
}

/// A bot on `api` with `config`, in this process, running until it is aborted.
fn spawn_bot(api: &FakeBotApi, config: Config) -> tokio::task::JoinHandle<Result<(), BotError>> {
    let engine = Engine::open(config, OpenOptions::default()).expect("fixture corpus opens");
    let bot = Bot::new(TOKEN).set_api_url(api.url.parse().expect("fake server URL"));
    tokio::spawn(bot::run(bot, BotState::new(engine), std::future::pending()))
}

/// True once a `getUpdates` told the server that update `id` arrived.
fn confirmed(calls: &[Call], id: i64) -> bool {
    calls
        .iter()
        .any(|call| call.method == "getupdates" && call.body["offset"].as_i64() > Some(id))
}

/// `quotebot serve` as its own process, against `api`.
fn serve(api: &FakeBotApi, config: &std::path::Path) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("quotebot"))
        .arg("--config")
        .arg(config)
        .arg("serve")
        .current_dir(root())
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", &api.url)
        .env_remove("TELOXIDE_PROXY")
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("quotebot starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_in_flight_when_the_bot_is_killed_are_answered_after_a_restart() {
    let api = FakeBotApi::start().await;
    let (_scratch, config) = fixture();
    // Every reply waits out a long flood-control pause: the questions are fetched and confirmed
    // to the server, and none is answered before the bot is killed.
    api.fail_next("sendMessage", Fault::RetryAfter(60), 1000);
    let mut first = serve(&api, &config);
    let chats: Vec<i64> = (900..905).collect();
    let mut last = 0;
    for &chat in &chats {
        last = api.push(
            "message",
            updates::text(1, updates::private_chat(chat), chat, TEA),
        );
    }
    api.wait_for("confirm every question", |calls| confirmed(calls, last))
        .await;
    first.kill().expect("kill -9");
    let _ = first.wait();
    assert!(chats.iter().all(|&chat| api.sent_to(chat).is_empty()));
    api.clear_faults();
    let mut second = serve(&api, &config);
    for &chat in &chats {
        let sent = api.wait_sent(chat, 1).await;
        assert_eq!(sent.len(), 1, "answered once: {sent:#?}");
        assert_quotes_fixture(&visible(&sent[0]));
    }
    second.kill().expect("kill");
    let _ = second.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_after_a_clean_stop_answers_nothing_twice() {
    let api = FakeBotApi::start().await;
    let scratch = TempDir::new().expect("temp folder");
    let config = test_config(&scratch);
    let engine = Engine::open(config.clone(), OpenOptions::default()).expect("fixture opens");
    let bot = Bot::new(TOKEN).set_api_url(api.url.parse().expect("fake server URL"));
    let (stop, stopped) = oneshot::channel::<()>();
    let first = tokio::spawn(bot::run(bot, BotState::new(engine), async {
        let _ = stopped.await;
    }));
    let chat = 910;
    api.push(
        "message",
        updates::text(1, updates::private_chat(chat), chat, TEA),
    );
    api.wait_sent(chat, 1).await;
    let _ = stop.send(());
    assert!(first.await.expect("no panic").is_ok(), "a clean stop");
    let second = spawn_bot(&api, config);
    api.push(
        "message",
        updates::text(2, updates::private_chat(chat), chat, GREENWAY),
    );
    // Updates of one chat are handled in order: a replay of the first question would have been
    // sent before the answer to the second.
    let sent = api.wait_sent(chat, 2).await;
    assert_eq!(sent.len(), 2, "{sent:#?}");
    second.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_read_the_audit_log_with_history() {
    let running = start(|config| config.telegram.admins = vec![1000]).await;
    let api = &running.api;
    let group = -1_000_777;
    api.push(
        "message",
        updates::text(1, updates::group_chat(group), 1002, &format!("/ask {TEA}")),
    );
    let answered = api.wait_sent(group, 1).await;
    let refs = citations(&visible(&answered[0]));
    assert!(!refs.is_empty(), "a quote: {answered:#?}");
    // The row is written once Telegram accepted the reply.
    api.wait_for("the answer recorded", |_| {
        running.state.audit().is_some_and(|log| {
            log.read(&quotebot::store::Filter::default())
                .is_ok_and(|rows| !rows.is_empty())
        })
    })
    .await;
    api.push(
        "message",
        updates::text(2, updates::private_chat(1001), 1001, "/history"),
    );
    api.push(
        "message",
        updates::text(3, updates::private_chat(1000), 1000, "/history 5"),
    );
    let refused = api.wait_sent(1001, 1).await;
    assert!(visible(&refused[0]).contains("只有管理员"), "{refused:#?}");
    let history = visible(&api.wait_sent(1000, 1).await[0]);
    // The question from the group, who asked it, and every reference it was given.
    let row = history
        .lines()
        .find(|line| line.contains(TEA))
        .unwrap_or_else(|| panic!("the group's question is in the history: {history}"));
    assert!(
        row.contains("telegram")
            && row.contains(&format!("chat {group}"))
            && row.contains("user 1002"),
        "{row}"
    );
    for reference in refs {
        assert!(row.contains(&reference), "{reference} in {row}");
    }
    // The refused /history of user 1001 answered no question, so it is not in the log.
    assert!(!history.contains("/history"), "{history}");
    running.stop().await;
}

/// A config file for `quotebot serve` over the fixture: the shipped settings with Telegram's
/// flood limits lifted and a grace period of `grace` seconds.
fn serve_config(scratch: &TempDir, grace: u64) -> std::path::PathBuf {
    let corpus = fixture_corpus(scratch.path());
    let path = crate::support::write_config(&config_for(&corpus, scratch.path()), scratch.path());
    let mut table: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let telegram = table["telegram"].as_table_mut().unwrap();
    telegram.insert(
        "shutdown_grace_seconds".into(),
        toml::Value::Integer(grace as i64),
    );
    let throttle = telegram["throttle"].as_table_mut().unwrap();
    for (key, value) in [
        ("messages_per_sec_chat", 1_000),
        ("messages_per_min_chat", 60_000),
        ("messages_per_min_group", 60_000),
        ("messages_per_sec_overall", 10_000),
    ] {
        throttle.insert(key.into(), toml::Value::Integer(value));
    }
    std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
    path
}

/// Pushes one question from each of `n` private chats starting at `first`; returns the chats.
fn burst(api: &FakeBotApi, first: i64, n: i64) -> Vec<i64> {
    let questions = [TEA, COOP, BRIDGE, GREENWAY];
    let chats: Vec<i64> = (first..first + n).collect();
    for &chat in &chats {
        let question = questions[chat as usize % questions.len()];
        api.push(
            "message",
            updates::text(1, updates::private_chat(chat), chat, question),
        );
    }
    chats
}

/// Stops a `quotebot serve` child with `signal` (`-TERM`, `-KILL`) and waits for it.
fn stop_child(child: &mut std::process::Child, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let _ = child.wait();
}

/// The chats that were sent a message, with how many, from one list of calls.
fn replies_per_chat(calls: &[Call]) -> std::collections::HashMap<i64, usize> {
    let mut replies = std::collections::HashMap::new();
    for call in calls {
        if call.method == "sendmessage"
            && call.status == 200
            && let Some(chat) = call.body["chat_id"].as_i64()
        {
            *replies.entry(chat).or_insert(0) += 1;
        }
    }
    replies
}

/// A burst of 600 questions, the bot stopped by `signal` in the middle of it, a restart: every
/// question is answered, and, when the stop left `grace` seconds to finish what was in flight,
/// exactly once. (A kill can land between Telegram accepting a reply and the inbox marking it:
/// that question is answered again after the restart, never lost.)
async fn burst_survives(signal: &str, grace: u64) {
    const N: usize = 600;
    let api = FakeBotApi::start().await;
    let scratch = TempDir::new().unwrap();
    let config = serve_config(&scratch, grace);
    let mut first = serve(&api, &config);
    api.wait_for("start polling", |calls| {
        calls.iter().any(|c| c.method == "getupdates")
    })
    .await;
    let chats = burst(&api, 6000, N as i64);
    api.wait_for("some answers", |calls| replies_per_chat(calls).len() >= 20)
        .await;
    stop_child(&mut first, signal);
    let answered_before = replies_per_chat(&api.calls()).len();
    let restarted = std::time::Instant::now();
    let mut second = serve(&api, &config);
    api.wait_for("every question answered", |calls| {
        replies_per_chat(calls).len() >= N
    })
    .await;
    let drained = restarted.elapsed();
    // A clean stop finishes what is in flight: a late duplicate would show up by then.
    stop_child(&mut second, "-TERM");
    let replies = replies_per_chat(&api.calls());
    assert!(
        chats.iter().all(|chat| replies.contains_key(chat)),
        "every question answered"
    );
    let twice = replies.values().filter(|&&n| n > 1).count();
    if grace > 0 {
        assert_eq!(
            twice, 0,
            "with a grace period, no question is answered twice"
        );
    }
    for chat in chats.iter().step_by(50) {
        assert_quotes_fixture(&visible(&api.sent_to(*chat)[0]));
    }
    eprintln!(
        "{signal}: {answered_before} of {N} answered before the stop, the rest within {drained:?} of the restart; {twice} answered twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_cut_by_sigterm_is_answered_exactly_once_after_a_restart() {
    burst_survives("-TERM", 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_cut_by_sigkill_loses_no_question() {
    burst_survives("-KILL", 0).await;
}
