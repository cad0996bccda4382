//! The Telegram bot: the handler tree ([`schema`]), the shared state handlers read
//! ([`BotState`]), and start-up ([`serve`] from the environment, [`run`] with a given bot).
//! Telegram types stay inside this module; the answers come from the same
//! `conversation::respond` the terminal chat uses.
//!
//! Start-up checks the token with `getMe`, registers the command list, logs the bot's name and
//! privacy mode, then takes updates by long polling, or by webhook when `webhook_url` is set.
//! Sends go through teloxide's `Throttle` (Telegram's flood limits, 429 `retry_after` waited
//! out). A stop signal ends update intake; replies in flight get `shutdown_grace_seconds`.

mod admin;
pub mod callback;
pub mod documents;
mod drafts;
mod handlers;
mod inbox;
pub mod limits;
mod outbox;
pub mod redact;
pub mod render;
mod request;
pub mod stats;

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::dispatching::{Dispatcher, ShutdownToken, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Me, Recipient};
use teloxide::update_listeners::{Polling, UpdateListener, webhooks};
use teloxide::{ApiError, RequestError};

use crate::config::{TelegramConfig, ThrottleConfig};
use crate::conversation::Command;
use crate::engine::Engine;
use crate::store::{Asker, AuditLog, Channel, Inbox, Outcome, StoreError};

pub use handlers::HandleError;
pub use redact::{LogWriter, log_level};

use callback::QuestionStore;
use limits::RateLimiter;
use stats::{Stats, StatsSnapshot};

/// The bot as handlers use it: every send goes through Telegram's flood limits.
pub type TgBot = Throttle<Bot>;

/// Environment variable holding the bot token.
pub const TOKEN_VAR: &str = "TELOXIDE_TOKEN";
/// Environment variable pointing at another Bot API server.
pub const API_URL_VAR: &str = "TELOXIDE_API_URL";
/// Environment variable naming a proxy for the Bot API.
pub const PROXY_VAR: &str = "TELOXIDE_PROXY";
/// Environment variable overriding `webhook_secret`.
pub const WEBHOOK_SECRET_VAR: &str = "QUOTEBOT_WEBHOOK_SECRET";

/// Long-polling timeout: below reqwest's 17 s request timeout in teloxide's default client.
const POLL_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the bot could not start or stopped with an error. Messages never contain the token.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// No token in the environment or `.env`.
    #[error(
        "{TOKEN_VAR} is not set: put the token @BotFather gave you in the environment or in .env"
    )]
    MissingToken,
    /// `TELOXIDE_API_URL` or `webhook_url` is not a URL.
    #[error("{0} is not a valid URL: {1}")]
    BadUrl(&'static str, String),
    /// Telegram (or the server at `TELOXIDE_API_URL`) refused the token.
    #[error("the Bot API at {0} refused the token in {TOKEN_VAR}: check it with @BotFather")]
    InvalidToken(String),
    /// The Bot API could not be reached or answered with an error.
    #[error("cannot use the Bot API at {0}: {1}")]
    Api(String, String),
    /// The HTTP client could not be set up.
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    /// The webhook settings are wrong or its server could not start.
    #[error("webhook: {0}")]
    Webhook(String),
    /// The inbox cannot be opened: without it, updates could be lost, so the bot does not start.
    #[error("the inbox: {0}")]
    Store(#[from] StoreError),
}

/// What every handler shares: the engine (swapped whole by `/reload`), the settings, counters
/// and the per-user limiter.
pub struct BotState {
    engine: RwLock<Arc<Engine>>,
    pub config: TelegramConfig,
    pub stats: Stats,
    pub limiter: RateLimiter,
    /// Inline queries come as the user types, so they have a limiter of their own.
    pub inline_limiter: RateLimiter,
    pub questions: QuestionStore,
    /// Each chat's last question, for `/why` without one.
    last_questions: Mutex<HashMap<i64, String>>,
    /// Chats already told they are not served (they hear it once).
    refused: Mutex<HashSet<i64>>,
    reloading: AtomicBool,
    reload_task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Where the inbox and the audit log are kept, and both once `run` opened them.
    store_file: PathBuf,
    audit_retention_days: u32,
    inbox: OnceLock<Arc<Inbox>>,
    audit: OnceLock<Arc<AuditLog>>,
}

impl BotState {
    /// State around an open engine; the Telegram settings are the engine's `[telegram]`.
    pub fn new(engine: Engine) -> Arc<BotState> {
        let config = engine.config().telegram.clone();
        let store_file = engine.config().store_file.clone();
        let audit_retention_days = engine.config().audit_retention_days;
        // Differs between runs, so "more" buttons from an earlier run are recognised as stale.
        let epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_millis() as u32)
            .unwrap_or_default();
        Arc::new(BotState {
            engine: RwLock::new(Arc::new(engine)),
            limiter: RateLimiter::new(config.questions_per_minute),
            inline_limiter: RateLimiter::new(config.inline_queries_per_minute),
            config,
            stats: Stats::new(),
            questions: QuestionStore::new(epoch),
            last_questions: Mutex::new(HashMap::new()),
            refused: Mutex::new(HashSet::new()),
            reloading: AtomicBool::new(false),
            reload_task: Mutex::new(None),
            store_file,
            audit_retention_days,
            inbox: OnceLock::new(),
            audit: OnceLock::new(),
        })
    }

    /// The audit log, once `run` opened it.
    pub fn audit(&self) -> Option<&AuditLog> {
        self.audit.get().map(Arc::as_ref)
    }

    /// Records in the audit log a reply given to `who`; a failure is logged, not fatal.
    pub fn record(&self, who: &Asker, reply: &crate::answer::Reply) {
        if let Some(log) = self.audit()
            && let Err(err) = log.record(Channel::Telegram, who, reply)
        {
            tracing::error!("not recorded in the audit log: {err}");
        }
    }

    /// Marks an update finished in the inbox (once its reply was accepted, or for good failed).
    pub fn finish(&self, update_id: u32, outcome: &Outcome) {
        let Some(inbox) = self.inbox.get() else {
            return;
        };
        if let Err(err) = inbox.finish(i64::from(update_id), outcome) {
            // It stays pending and is answered again at the next start: better twice than never.
            tracing::error!("cannot mark update {update_id} finished: {err}");
        }
    }

    /// The engine in use; a question keeps the one it started with even if `/reload` swaps.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Puts a new engine in place for the questions that follow.
    pub fn swap_engine(&self, engine: Engine) {
        *self
            .engine
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(engine);
    }

    /// The counters now.
    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// Remembers a chat's question, and gives `/why` without one the chat's last question.
    pub(super) fn with_last_question(&self, chat: i64, command: Command) -> Command {
        /// Chats remembered; past it the memory starts again (a /why then asks for a question).
        const MAX_CHATS: usize = 100_000;
        let mut last = self
            .last_questions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match &command {
            Command::Ask(question) | Command::Text(question) if !question.trim().is_empty() => {
                if last.len() >= MAX_CHATS {
                    last.clear();
                }
                last.insert(chat, question.clone());
                command
            }
            Command::Why(question) if question.trim().is_empty() => {
                Command::Why(last.get(&chat).cloned().unwrap_or_default())
            }
            _ => command,
        }
    }

    /// Whether the bot serves `user` in chat `chat` (admins always in their private chat).
    pub fn allows_chat(&self, chat: i64, user: Option<u64>) -> bool {
        let allowed = &self.config.allowed_chats;
        allowed.is_empty()
            || allowed.contains(&chat)
            || user.is_some_and(|user| self.is_admin(user) && chat == user as i64)
    }

    /// Whether the bot serves `user`'s inline queries: when it serves their private chat.
    pub fn allows_user(&self, user: u64) -> bool {
        self.allows_chat(user as i64, Some(user))
    }

    /// Whether `user` may run `/reload` and `/stats`.
    pub fn is_admin(&self, user: u64) -> bool {
        self.config.admins.contains(&user)
    }

    /// True the first time a chat is refused, so it hears the refusal once.
    fn first_refusal(&self, chat: i64) -> bool {
        self.refused
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(chat)
    }

    /// Waits for a `/reload` in progress, at most `grace`.
    async fn finish_reload(&self, grace: Duration) {
        let task = self
            .reload_task
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let Some(task) = task else { return };
        if tokio::time::timeout(grace, task).await.is_err() {
            tracing::warn!("index rebuild still running at exit; the old index stays in use");
        }
    }
}

/// The handler tree: messages (private chats and groups), channel posts, inline queries and
/// button presses. Edited messages and other updates are not asked for.
pub fn schema() -> UpdateHandler<HandleError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(handlers::on_message))
        .branch(Update::filter_channel_post().endpoint(handlers::on_channel_post))
        .branch(Update::filter_inline_query().endpoint(handlers::on_inline_query))
        .branch(Update::filter_callback_query().endpoint(handlers::on_callback_query))
}

/// Runs the bot from the environment: `TELOXIDE_TOKEN` (required), `TELOXIDE_API_URL` and
/// `TELOXIDE_PROXY` (optional), until Ctrl-C or SIGTERM.
pub async fn serve(engine: Engine) -> Result<(), BotError> {
    let token = std::env::var(TOKEN_VAR)
        .ok()
        .map(|token| token.trim().to_string())
        .filter(|token| !token.is_empty())
        .ok_or(BotError::MissingToken)?;
    redact::register_secret(&token);
    let non_empty = |name: &str| {
        std::env::var(name)
            .ok()
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
    };
    // teloxide reads TELOXIDE_PROXY itself; an empty one (as in a copied .env) means none.
    let client = match non_empty(PROXY_VAR) {
        Some(_) => teloxide::net::client_from_env(),
        None => teloxide::net::default_reqwest_settings()
            .build()
            .map_err(|err| BotError::Client(err.to_string()))?,
    };
    let mut bot = Bot::with_client(&token, client);
    if let Some(url) = non_empty(API_URL_VAR) {
        let url = url
            .parse()
            .map_err(|err: url::ParseError| BotError::BadUrl(API_URL_VAR, err.to_string()))?;
        bot = bot.set_api_url(url);
    }
    run(bot, BotState::new(engine), stop_signal()).await
}

/// Runs `bot` until `shutdown` resolves: checks the token, registers the commands, then
/// dispatches updates to [`schema`] by long polling or webhook. After `shutdown`, no new update
/// is taken and replies in flight (and a running `/reload`) get the configured grace period.
pub async fn run(
    bot: Bot,
    state: Arc<BotState>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), BotError> {
    let api_url = bot.api_url().to_string();
    let config = state.config.clone();
    let bot: TgBot = Throttle::new_spawn(bot, limits(&config.throttle));
    let me = get_me(&bot, &config)
        .await
        .map_err(|err| start_error(&api_url, err))?;
    render::set_bot_name(me.username());
    let inbox = match state.inbox.get() {
        Some(inbox) => inbox.clone(),
        None => {
            let inbox = Arc::new(Inbox::open(&state.store_file)?);
            state.inbox.get_or_init(|| inbox).clone()
        }
    };
    if state.audit.get().is_none() {
        let log = Arc::new(AuditLog::open(
            &state.store_file,
            state.audit_retention_days,
        )?);
        let _ = state.audit.set(log);
    }
    register_commands(&bot, &config).await;
    log_start(&me, &config);

    let ignored = state.clone();
    let mut dispatcher = Dispatcher::builder(bot.clone(), schema())
        .dependencies(dptree::deps![state.clone()])
        .default_handler(move |update| {
            let state = ignored.clone();
            async move {
                tracing::debug!("update {} is not for this bot", update.id.0);
                state.finish(update.id.0, &Outcome::Done);
            }
        })
        .error_handler(Arc::new(|err: HandleError| async move {
            tracing::error!("{}", redact::redact(&err.to_string()));
        }))
        .build();
    let token = dispatcher.shutdown_token();
    let grace = Duration::from_secs(config.shutdown_grace_seconds);
    let listener_errors = Arc::new(|err: RequestError| async move {
        tracing::warn!("getting updates: {}", redact::redact(&err.to_string()));
    });
    let result = if config.webhook_url.trim().is_empty() {
        let listener = Polling::builder(bot.clone())
            .timeout(POLL_TIMEOUT)
            .delete_webhook()
            .await
            .build();
        let listener = inbox::InboxListener::new(listener, inbox)?;
        let dispatch = dispatcher.try_dispatch_with_listener(listener, listener_errors);
        drive(dispatch, token, shutdown, grace).await
    } else {
        let listener = webhook(bot.clone(), &config, inbox.clone()).await?;
        let listener = inbox::InboxListener::new(listener, inbox)?;
        let webhook_errors = Arc::new(|_: Infallible| async {});
        let dispatch = dispatcher.try_dispatch_with_listener(listener, webhook_errors);
        drive(dispatch, token, shutdown, grace).await
    };
    state.finish_reload(grace).await;
    result.map_err(|err| BotError::Api(api_url, redact::redact(&err.to_string())))?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
pub async fn stop_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {err}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    () = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(err) => {
                tracing::warn!("cannot listen for SIGTERM: {err}");
                ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

/// The commands everyone sees in Telegram's menu.
pub fn public_commands() -> Vec<BotCommand> {
    vec![
        BotCommand::new("ask", "提问：/ask 问题（群组中用这个命令）"),
        BotCommand::new("source", "查看某句的上下文：/source 4·5.2"),
        BotCommand::new("sources", "列出全部文档"),
        BotCommand::new("why", "上一个问题是怎么读的、为什么这样回答"),
        BotCommand::new("help", "用法"),
        BotCommand::new("start", "开始"),
    ]
}

/// The commands admins see in their private chat with the bot.
pub fn admin_commands() -> Vec<BotCommand> {
    let mut commands = public_commands();
    commands.push(BotCommand::new("reload", "从 corpus/ 重建索引（管理员）"));
    commands.push(BotCommand::new("stats", "运行统计（管理员）"));
    commands.push(BotCommand::new("docs", "文档和编号"));
    commands.push(BotCommand::new(
        "remove",
        "从资料库删除一篇文档：/remove 编号（管理员）",
    ));
    commands.push(BotCommand::new(
        "history",
        "最近的审计记录：/history 20（管理员）",
    ));
    commands
}

/// Drives the dispatcher until it ends or `shutdown` resolves; then stops update intake and
/// lets it finish the updates in hand, at most `grace`.
async fn drive(
    dispatch: impl Future<Output = Result<(), RequestError>>,
    token: ShutdownToken,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> Result<(), RequestError> {
    tokio::pin!(dispatch);
    tokio::select! {
        result = &mut dispatch => return result,
        () = shutdown => {}
    }
    tracing::info!("stopping: no new updates; finishing replies in flight");
    // An idle dispatcher (still starting) has nothing in flight.
    if token.shutdown().is_err() {
        return Ok(());
    }
    match tokio::time::timeout(grace, dispatch).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!("replies still in flight after {grace:?}; exiting anyway");
            Ok(())
        }
    }
}

/// `getMe`, retried like a send when the network or the server fails (a Bot API server that is
/// restarting answers 5xx for a moment); a refused token is final.
async fn get_me(bot: &TgBot, config: &TelegramConfig) -> Result<Me, RequestError> {
    let backoff = Duration::from_millis(config.retry_backoff_ms);
    let mut attempt = 0;
    loop {
        match bot.get_me().await {
            Ok(me) => return Ok(me),
            Err(err) if attempt < config.send_retries && limits::is_transient(&err) => {
                let wait = limits::backoff(backoff, attempt);
                tracing::warn!(
                    "getMe failed ({}); retrying in {wait:?}",
                    redact::redact(&err.to_string())
                );
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

fn limits(config: &ThrottleConfig) -> Limits {
    Limits {
        messages_per_sec_chat: config.messages_per_sec_chat.max(1),
        messages_per_min_chat: config.messages_per_min_chat.max(1),
        messages_per_min_channel_or_supergroup: config.messages_per_min_group.max(1),
        messages_per_sec_overall: config.messages_per_sec_overall.max(1),
    }
}

fn start_error(api_url: &str, err: RequestError) -> BotError {
    match err {
        RequestError::Api(ApiError::InvalidToken) => BotError::InvalidToken(api_url.to_string()),
        err => BotError::Api(api_url.to_string(), redact::redact(&err.to_string())),
    }
}

/// `setMyCommands` for everyone, and with the admin commands for each admin's private chat.
/// A failure is logged: the bot works without a command menu.
async fn register_commands(bot: &TgBot, config: &TelegramConfig) {
    if let Err(err) = bot.set_my_commands(public_commands()).await {
        tracing::warn!(
            "cannot register the command list: {}",
            redact::redact(&err.to_string())
        );
    }
    for admin in &config.admins {
        let scope = BotCommandScope::Chat {
            chat_id: Recipient::Id(ChatId(*admin as i64)),
        };
        if let Err(err) = bot.set_my_commands(admin_commands()).scope(scope).await {
            // Telegram knows a private chat only once the admin has written to the bot.
            tracing::info!(
                "admin commands not shown to {admin}: {}",
                redact::redact(&err.to_string())
            );
        }
    }
}

fn log_start(me: &Me, config: &TelegramConfig) {
    let privacy = if me.can_read_all_group_messages {
        "off: it receives every group message and answers only those addressed to it"
    } else {
        "on: in groups it receives only commands, mentions and replies to it"
    };
    let mode = if config.webhook_url.trim().is_empty() {
        "long polling".to_string()
    } else {
        format!("webhook on {}", config.webhook_listen)
    };
    tracing::info!(
        "@{} started ({mode}); privacy mode {privacy}",
        me.username()
    );
    if !me.supports_inline_queries {
        tracing::info!("inline mode is off: enable it with /setinline in @BotFather");
    }
    if config.allowed_chats.is_empty() {
        tracing::info!("serving every chat (allowed_chats is empty)");
    }
}

/// The webhook listener: binds `webhook_listen`, calls `setWebhook`, serves updates with axum.
async fn webhook(
    bot: TgBot,
    config: &TelegramConfig,
    inbox: Arc<Inbox>,
) -> Result<impl UpdateListener<Err = Infallible>, BotError> {
    let url: url::Url = config
        .webhook_url
        .trim()
        .parse()
        .map_err(|err: url::ParseError| BotError::BadUrl("webhook_url", err.to_string()))?;
    let address: SocketAddr = config.webhook_listen.trim().parse().map_err(|err| {
        BotError::Webhook(format!(
            "webhook_listen {:?} is not an address: {err}",
            config.webhook_listen
        ))
    })?;
    let secret = std::env::var(WEBHOOK_SECRET_VAR)
        .ok()
        .filter(|secret| !secret.trim().is_empty())
        .unwrap_or_else(|| config.webhook_secret.clone());
    let secret = secret.trim().to_string();
    let mut options = webhooks::Options::new(address, url);
    if !secret.is_empty() {
        let valid = secret.len() <= 256
            && secret
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
        if !valid {
            return Err(BotError::Webhook(
                "the secret may have 1-256 of A-Z a-z 0-9 _ -".to_string(),
            ));
        }
        redact::register_secret(&secret);
        options = options.secret_token(secret.clone());
    }
    let tcp = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|err| BotError::Webhook(format!("cannot listen on {address}: {err}")))?;
    let (listener, stop, router) = webhooks::axum_to_router(bot, options)
        .await
        .map_err(|err| BotError::Webhook(redact::redact(&err.to_string())))?;
    // Each update is in the inbox before teloxide answers Telegram's request.
    let door = inbox::Door {
        inbox,
        secret: (!secret.is_empty()).then_some(secret),
    };
    let router = router.layer(axum::middleware::from_fn_with_state(
        Arc::new(door),
        inbox::store_at_the_door,
    ));
    tokio::spawn(async move {
        if let Err(err) = axum::serve(tcp, router).with_graceful_shutdown(stop).await {
            tracing::error!("webhook server: {err}");
        }
    });
    Ok(listener)
}
