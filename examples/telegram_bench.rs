//! Throughput of the Telegram bot against the fake Bot API on loopback: the real dispatcher,
//! handlers and Throttle adaptor (its limits lifted), questions from many chats at once.
//! Prints sustained replies per second and the handler time per question (p50/p99).
//!
//! cargo run --release --example telegram_bench -- [QUESTIONS] [CHATS]

use std::time::{Duration, Instant};

use teloxide::Bot;

use fake_bot_api::{FakeBotApi, TOKEN, updates};
use quotebot::bot::{self, BotState};
use quotebot::config::Config;
use quotebot::engine::{Engine, OpenOptions};

const QUESTIONS: &[&str] = &[
    "大同2021年地区生产总值是多少",
    "大同的数据中心有多少服务器",
    "左云县煤基活性炭产能占全国多少",
    "大同投运服务器多少台",
    "大同市区空气优良天数有多少天",
    "大同的旅游人数是多少",
    "大同算力产业投资多少",
    "大同的房价是多少",
];

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n_questions: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let n_chats: i64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let scratch = tempfile::TempDir::new().expect("temp folder");
    let config = bench_config(&scratch);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;

    // The engine alone, for comparison with the handler time.
    let engine = Engine::open(config.clone(), OpenOptions::default()).expect("corpus opens");
    let mut engine_times: Vec<Duration> = (0..500)
        .map(|n| {
            let started = Instant::now();
            engine.ask(QUESTIONS[n % QUESTIONS.len()]);
            started.elapsed()
        })
        .collect();
    engine_times.sort_unstable();
    println!(
        "engine alone (Engine::ask, 500 questions): p50 {:.2} ms, p99 {:.2} ms",
        ms(engine_times[engine_times.len() / 2]),
        ms(engine_times[engine_times.len() * 99 / 100])
    );

    // One question at a time: the handler's own time, without queueing.
    let (api, state, stop, task) = start(engine).await;
    for n in 0..200 {
        api.push(
            "message",
            updates::text(
                n,
                updates::private_chat(1),
                1,
                QUESTIONS[n as usize % QUESTIONS.len()],
            ),
        );
        wait_answered(&state, n as usize + 1).await;
    }
    let stats = state.stats();
    println!(
        "handler time, one question at a time (200): p50 {:.2} ms, p99 {:.2} ms",
        ms(stats.p50),
        ms(stats.p99)
    );
    finish(stop, task).await;

    // Sustained load: every question pushed at once over many chats.
    let engine = Engine::open(config, OpenOptions::default()).expect("corpus opens");
    let (api, state, stop, task) = start(engine).await;
    let started = Instant::now();
    for n in 0..n_questions {
        let chat = 10_000 + n as i64 % n_chats;
        let question = QUESTIONS[n % QUESTIONS.len()];
        api.push(
            "message",
            updates::text(n as i64, updates::private_chat(chat), chat, question),
        );
    }
    wait_answered(&state, n_questions).await;
    let elapsed = started.elapsed();
    let stats = state.stats();
    finish(stop, task).await;
    println!(
        "{n_questions} questions from {n_chats} chats at once: {:.2} s, {:.0} replies/s",
        elapsed.as_secs_f64(),
        n_questions as f64 / elapsed.as_secs_f64()
    );
    println!(
        "handler time under that load (queueing included): p50 {:.2} ms, p99 {:.2} ms",
        ms(stats.p50),
        ms(stats.p99)
    );
}

/// The shipped configuration with an index of its own, Telegram's limits lifted and no
/// per-user limit.
fn bench_config(scratch: &tempfile::TempDir) -> Config {
    let mut config = Config::load("config/quotebot.toml".as_ref()).expect("config/quotebot.toml");
    config.index_dir = scratch.path().join("index");
    config.telegram.questions_per_minute = 0;
    let throttle = &mut config.telegram.throttle;
    throttle.messages_per_sec_chat = 1_000_000;
    throttle.messages_per_min_chat = 1_000_000;
    throttle.messages_per_min_group = 1_000_000;
    throttle.messages_per_sec_overall = 1_000_000;
    config
}

type Task = tokio::task::JoinHandle<Result<(), bot::BotError>>;

async fn start(
    engine: Engine,
) -> (
    FakeBotApi,
    std::sync::Arc<BotState>,
    tokio::sync::oneshot::Sender<()>,
    Task,
) {
    let state = BotState::new(engine);
    let api = FakeBotApi::start().await;
    let bot = Bot::new(TOKEN).set_api_url(api.url.parse().expect("URL"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(bot::run(bot, state.clone(), async {
        let _ = stopped.await;
    }));
    api.wait_for("polling", |calls| {
        calls.iter().any(|call| call.method == "getupdates")
    })
    .await;
    (api, state, stop, task)
}

async fn wait_answered(state: &BotState, n: usize) {
    loop {
        let stats = state.stats();
        if (stats.answered + stats.not_found) as usize >= n {
            return;
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

async fn finish(stop: tokio::sync::oneshot::Sender<()>, task: Task) {
    let _ = stop.send(());
    task.await.expect("bot task").expect("bot stops cleanly");
}
