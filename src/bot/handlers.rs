//! The handlers: read an update, decide whether it is for the bot, call the core, send the
//! reply. In a group only messages addressed to the bot are answered (`conversation::addressed`,
//! the rules the terminal chat's group mode shares), as replies to the asking message.
//!
//! Each handler catches its own failures — a failed send, a panic — logs them without the
//! token, and answers with a short apology, so one bad update never stops the bot.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use futures::FutureExt as _;
use teloxide::RequestError;
use teloxide::payloads::AnswerCallbackQuerySetters as _;
use teloxide::prelude::*;
use teloxide::types::{
    CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, InlineQuery, InlineQueryResult,
    InlineQueryResultArticle, InputMessageContent, InputMessageContentText, Me, MessageKind,
    ParseMode,
};

use super::admin::{history_text, start_reload, stats_text};
use super::callback::{self, Action, BadData};
use super::documents;
use super::limits::Verdict;
use super::outbox::{Outbox, no_preview};
use super::request::{Request, read_request};
use super::{BotState, TgBot, redact, render};
use crate::answer::{Reply, Status};
use crate::conversation::{self, Command, Place, Response};
use crate::engine::Engine;
use crate::store::{Asker, Outcome};

/// Why handling an update failed.
#[derive(Debug, thiserror::Error)]
pub enum HandleError {
    /// Telegram refused a send or could not be reached (after retries).
    #[error("send failed: {0}")]
    Send(#[from] RequestError),
    /// The engine's worker thread failed.
    #[error("answering failed: {0}")]
    Engine(String),
}

pub(super) const APOLOGY: &str = "抱歉，处理这条消息时出了问题，请稍后再试。";
const NOT_SERVED: &str = "抱歉，这个机器人只在指定的对话中提供服务。";
const ADMIN_ONLY: &str = "抱歉，只有管理员可以使用这个命令。";
const TEXT_ONLY: &str = "我只能读文字消息：请把问题直接写成文字发给我。";
const BUTTON_UNKNOWN: &str = "无法识别这个按钮，请重新提问。";
const BUTTON_EXPIRED: &str = "这个按钮已过期，请重新提问。";
const BUTTON_NO_CHAT: &str = "这个按钮只能在对话中使用。";
const NO_MORE: &str = "没有更多结果了。";
const INLINE_HINT: &str = "输入问题，例如：大同2021年地区生产总值是多少";

/// A message in a private chat or a group.
pub(super) async fn on_message(
    bot: TgBot,
    me: Me,
    msg: Message,
    update: Update,
    state: Arc<BotState>,
) -> Result<(), HandleError> {
    let out = Outbox::new(&bot, &state, msg.chat.id, is_group(&msg).then_some(msg.id));
    let work = handle_message(&out, &me, &msg, &state);
    let outcome = guard(&state, "message", work).await;
    if outcome.is_err() {
        out.apologize().await;
    }
    state.finish(update.id.0, &finished(outcome));
    Ok(())
}

/// A post in a channel where the bot is an admin.
pub(super) async fn on_channel_post(
    bot: TgBot,
    me: Me,
    post: Message,
    update: Update,
    state: Arc<BotState>,
) -> Result<(), HandleError> {
    let out = Outbox::new(&bot, &state, post.chat.id, Some(post.id));
    let work = handle_channel_post(&out, &me, &post, &state);
    let outcome = guard(&state, "channel post", work).await;
    if outcome.is_err() {
        out.apologize().await;
    }
    state.finish(update.id.0, &finished(outcome));
    Ok(())
}

/// `@bot 问题` typed in any chat.
pub(super) async fn on_inline_query(
    bot: TgBot,
    query: InlineQuery,
    update: Update,
    state: Arc<BotState>,
) -> Result<(), HandleError> {
    // Nothing to apologise in: the user sees no results, and may type again.
    let outcome = guard(&state, "inline query", handle_inline(&bot, &query, &state)).await;
    state.finish(update.id.0, &finished(outcome));
    Ok(())
}

/// A press on "更多" or "上下文" (or on a button that is not ours).
pub(super) async fn on_callback_query(
    bot: TgBot,
    query: CallbackQuery,
    update: Update,
    state: Arc<BotState>,
) -> Result<(), HandleError> {
    let outcome = guard(&state, "button", handle_callback(&bot, &query, &state)).await;
    if outcome.is_err() {
        // Stops the button's spinner; if even this fails there is nothing more to do.
        let _ = bot
            .answer_callback_query(query.id.clone())
            .text(APOLOGY)
            .await;
    }
    state.finish(update.id.0, &finished(outcome));
    Ok(())
}

/// How a guarded handler ended, for the inbox: a failure was answered with an apology where it
/// could be, and answering again would fail again.
fn finished(outcome: Result<(), String>) -> Outcome {
    match outcome {
        Ok(()) => Outcome::Done,
        Err(reason) => Outcome::Failed(reason),
    }
}

async fn handle_message(
    out: &Outbox,
    me: &Me,
    msg: &Message,
    state: &Arc<BotState>,
) -> Result<(), HandleError> {
    let started = Instant::now();
    let from_bot = msg.from.as_ref().is_some_and(|user| user.is_bot);
    // Our own inline results, inserted into a chat, are not questions.
    let via_us = msg.via_bot.as_ref().is_some_and(|bot| bot.id == me.id);
    let group = is_group(msg);
    if from_bot || via_us || !(group || msg.chat.is_private()) {
        return Ok(());
    }
    // A document sent in a private chat is an admin adding it to the corpus.
    if let (Some(document), true) = (msg.document(), msg.chat.is_private()) {
        let user = msg.from.as_ref().map(|user| user.id.0);
        if !user.is_some_and(|user| state.is_admin(user)) {
            state.stats.refusals.fetch_add(1, Ordering::Relaxed);
            return out.notice(documents::ADMINS_ONLY).await;
        }
        return documents::add(out.bot(), out, state, document).await;
    }
    let Some(text) = msg.text().or(msg.caption()) else {
        // Stickers, photos, voice: say what the bot reads, in private only; service messages
        // (members joining, pinned messages) need no answer.
        if msg.chat.is_private() && matches!(msg.kind, MessageKind::Common(_)) {
            out.notice(TEXT_ONLY).await?;
        }
        return Ok(());
    };
    // In a group a forwarded message quotes someone else; it is not addressed to the bot.
    if group && (msg.forward_origin().is_some() || msg.is_automatic_forward()) {
        return Ok(());
    }
    let reply_to_bot = msg
        .reply_to_message()
        .and_then(|replied| replied.from.as_ref())
        .is_some_and(|user| user.id == me.id);
    let place = Place {
        group,
        bot_name: me.username(),
        reply_to_bot,
    };
    let Some(request) = read_request(text, place, msg.reply_to_message().and_then(Message::text))
    else {
        return Ok(());
    };
    let user = msg.from.as_ref().map(|user| user.id.0);
    if !state.allows_chat(msg.chat.id.0, user) {
        return refuse(out, state, msg.chat.id.0).await;
    }
    let admin = user.is_some_and(|user| state.is_admin(user));
    let asker = user.map_or(msg.chat.id.0, |user| user as i64);
    let who = Asker {
        chat_id: Some(msg.chat.id.0),
        chat_type: Some(chat_type(&msg.chat).to_string()),
        user_id: user.map(|user| user as i64),
    };
    match request {
        Request::Reload if admin => start_reload(out, state).await,
        Request::Stats if admin => out.notice(&stats_text(state)).await,
        Request::History(n) if admin => out.notice(&history_text(state, n)).await,
        Request::Remove(number) if admin && !group => {
            documents::ask_to_remove(out, state, number).await
        }
        Request::Reload | Request::Stats | Request::History(_) | Request::Remove(_) => {
            state.stats.refusals.fetch_add(1, Ordering::Relaxed);
            out.notice(ADMIN_ONLY).await
        }
        Request::Core(Command::Check(draft)) if !draft.trim().is_empty() => {
            // The draft is the command's text, or the message the command replies to.
            let (id, text) = match msg.text().filter(|text| text.contains(draft.as_str())) {
                Some(text) => (msg.id, text),
                None => match msg.reply_to_message() {
                    Some(replied) => (replied.id, replied.text().unwrap_or_default()),
                    None => (msg.id, text),
                },
            };
            super::drafts::check(out, state, draft, id, text, &who).await
        }
        Request::Core(command) => {
            let command = state.with_last_question(msg.chat.id.0, command);
            answer(out, state, command, asker, &who, started, true).await
        }
    }
}

/// How the audit log names a chat's kind.
fn chat_type(chat: &teloxide::types::Chat) -> &'static str {
    if chat.is_private() {
        "private"
    } else if chat.is_supergroup() {
        "supergroup"
    } else if chat.is_group() {
        "group"
    } else {
        "channel"
    }
}

async fn handle_channel_post(
    out: &Outbox,
    me: &Me,
    post: &Message,
    state: &Arc<BotState>,
) -> Result<(), HandleError> {
    let started = Instant::now();
    let Some(text) = post.text().or(post.caption()) else {
        return Ok(());
    };
    let place = Place {
        group: true,
        bot_name: me.username(),
        reply_to_bot: false,
    };
    // Only `/ask` is answered in a channel: anything else there is the channel's own content.
    let Some(Request::Core(Command::Ask(question))) = read_request(text, place, None) else {
        return Ok(());
    };
    if !state.allows_chat(post.chat.id.0, None) {
        return refuse(out, state, post.chat.id.0).await;
    }
    // No buttons in a channel: every reader could press them and make the bot post.
    let command = Command::Ask(question);
    let who = Asker {
        chat_id: Some(post.chat.id.0),
        chat_type: Some("channel".to_string()),
        user_id: None,
    };
    answer(out, state, command, post.chat.id.0, &who, started, false).await
}

/// Answers a core command: the rate limit for questions, the engine off the async threads,
/// the rendered reply (with buttons if `buttons`), the counters.
async fn answer(
    out: &Outbox,
    state: &Arc<BotState>,
    command: Command,
    asker: i64,
    who: &Asker,
    started: Instant,
    buttons: bool,
) -> Result<(), HandleError> {
    let question =
        matches!(&command, Command::Ask(text) | Command::Text(text) if !text.trim().is_empty());
    if question && !within_limit(out, state, asker).await? {
        return Ok(());
    }
    let engine = state.engine();
    let max_quotes = engine.config().answer.max_quotes;
    let response = on_engine(engine, move |engine| conversation::respond(engine, command)).await?;
    let keyboard = match &response {
        Response::Reply(reply) if buttons => answer_keyboard(state, reply, 0, max_quotes),
        _ => None,
    };
    out.send(render::render_response(&response), keyboard)
        .await?;
    if let Response::Reply(reply) = &response {
        count_reply(state, reply, started);
        state.record(who, reply);
    }
    Ok(())
}

async fn handle_inline(
    bot: &TgBot,
    query: &InlineQuery,
    state: &Arc<BotState>,
) -> Result<(), HandleError> {
    let started = Instant::now();
    state.stats.inline_queries.fetch_add(1, Ordering::Relaxed);
    let question = query.query.trim().to_string();
    let hint = |title: &str, text: &str| vec![article("hint", title, "", &render::escape(text))];
    let results = if !state.allows_user(query.from.id.0) {
        state.stats.refusals.fetch_add(1, Ordering::Relaxed);
        hint(NOT_SERVED, NOT_SERVED)
    } else if question.is_empty() {
        hint(INLINE_HINT, INLINE_HINT)
    } else if let Verdict::Limited { wait_secs, .. } = state
        .inline_limiter
        .check(query.from.id.0 as i64, Instant::now())
    {
        state.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
        let text = limited_text(wait_secs);
        hint(&text, &text)
    } else {
        let n_results = state.config.inline_results.clamp(1, 50);
        let engine = state.engine();
        let reply = on_engine(engine, move |engine| {
            inline_reply(engine, &question, n_results)
        })
        .await?;
        count_reply(state, &reply, started);
        let who = Asker {
            chat_id: None,
            chat_type: Some("inline".to_string()),
            user_id: Some(query.from.id.0 as i64),
        };
        state.record(&who, &reply);
        if reply.quotes.is_empty() {
            let text = render::render_reply(&reply, 1).join("\n");
            vec![article("none", "没有找到相关内容", &reply.question, &text)]
        } else {
            reply
                .quotes
                .iter()
                .map(|quote| {
                    let (title, description, message) = render::inline_quote(quote);
                    let id = quote.id();
                    let id = format!("{}.{}.{}", id.doc, id.para, id.sent);
                    article(&id, &title, &description, &message)
                })
                .collect()
        }
    };
    bot.answer_inline_query(query.id.clone(), results)
        .cache_time(state.config.inline_cache_seconds)
        .is_personal(false)
        .await?;
    Ok(())
}

async fn handle_callback(
    bot: &TgBot,
    query: &CallbackQuery,
    state: &Arc<BotState>,
) -> Result<(), HandleError> {
    let started = Instant::now();
    state.stats.callbacks.fetch_add(1, Ordering::Relaxed);
    let tell = |text: &'static str| async move {
        bot.answer_callback_query(query.id.clone())
            .text(text)
            .await
            .map(drop)
    };
    let Some(message) = &query.message else {
        return Ok(tell(BUTTON_NO_CHAT).await?);
    };
    let chat = message.chat();
    if !state.allows_chat(chat.id.0, Some(query.from.id.0)) {
        state.stats.refusals.fetch_add(1, Ordering::Relaxed);
        return Ok(tell(NOT_SERVED).await?);
    }
    let action = match callback::decode(query.data.as_deref().unwrap_or_default()) {
        Ok(action) => action,
        Err(BadData::Unknown) => return Ok(tell(BUTTON_UNKNOWN).await?),
        Err(BadData::Expired) => return Ok(tell(BUTTON_EXPIRED).await?),
    };
    let group = chat.is_group() || chat.is_supergroup() || chat.is_channel();
    let out = Outbox::new(bot, state, chat.id, group.then_some(message.id()));
    let engine = state.engine();
    match action {
        Action::Context(id) => {
            let reference = id.to_string();
            match on_engine(engine, move |engine| engine.context(&reference)).await? {
                Ok(context) => {
                    out.send(render::render_response(&Response::Context(context)), None)
                        .await?;
                    bot.answer_callback_query(query.id.clone()).await?;
                }
                Err(err) => {
                    bot.answer_callback_query(query.id.clone())
                        .text(err.to_string())
                        .await?;
                }
            }
        }
        Action::Remove { number, confirmed } => {
            if !state.is_admin(query.from.id.0) {
                state.stats.refusals.fetch_add(1, Ordering::Relaxed);
                return Ok(tell(ADMIN_ONLY).await?);
            }
            bot.answer_callback_query(query.id.clone()).await?;
            if confirmed {
                documents::remove(&out, state, number).await?;
            } else {
                out.notice("已取消，文档没有删除。").await?;
            }
        }
        Action::More { question, skip } => {
            let Ok(question) = state.questions.resolve(&question) else {
                return Ok(tell(BUTTON_EXPIRED).await?);
            };
            let asker = query.from.id.0 as i64;
            if let Verdict::Limited { wait_secs, .. } = state.limiter.check(asker, Instant::now()) {
                state.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
                bot.answer_callback_query(query.id.clone())
                    .text(limited_text(wait_secs))
                    .await?;
                return Ok(());
            }
            let max_quotes = engine.config().answer.max_quotes;
            let reply = on_engine(engine, move |engine| engine.ask_from(&question, skip)).await?;
            if reply.quotes.is_empty() {
                return Ok(tell(NO_MORE).await?);
            }
            let keyboard = answer_keyboard(state, &reply, skip, max_quotes);
            out.send(render::render_reply(&reply, skip + 1), keyboard)
                .await?;
            bot.answer_callback_query(query.id.clone()).await?;
            count_reply(state, &reply, started);
            let who = Asker {
                chat_id: Some(chat.id.0),
                chat_type: Some(chat_type(chat).to_string()),
                user_id: Some(asker),
            };
            state.record(&who, &reply);
        }
    }
    Ok(())
}

/// Runs the rate limit for a question; tells the asker once per window when over it.
async fn within_limit(out: &Outbox, state: &BotState, asker: i64) -> Result<bool, HandleError> {
    match state.limiter.check(asker, Instant::now()) {
        Verdict::Allowed => Ok(true),
        Verdict::Limited { wait_secs, first } => {
            state.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
            if first {
                out.notice(&limited_text(wait_secs)).await?;
            }
            Ok(false)
        }
    }
}

fn limited_text(wait_secs: u64) -> String {
    format!("提问有点快了，请 {wait_secs} 秒后再问。")
}

/// The refusal a chat that is not served hears once; afterwards, silence.
async fn refuse(out: &Outbox, state: &BotState, chat: i64) -> Result<(), HandleError> {
    state.stats.refusals.fetch_add(1, Ordering::Relaxed);
    if state.first_refusal(chat) {
        out.notice(NOT_SERVED).await?;
    }
    Ok(())
}

/// "更多" (when there may be more than the quotes shown) and "上下文" (of the first quote).
fn answer_keyboard(
    state: &BotState,
    reply: &Reply,
    skip: usize,
    max_quotes: usize,
) -> Option<InlineKeyboardMarkup> {
    let first = reply.quotes.first()?;
    let mut row = Vec::new();
    let next = skip + reply.quotes.len().min(max_quotes).max(1);
    let may_have_more =
        reply.more || matches!(reply.status, Status::SourcesDisagree | Status::SourcesAgree);
    if may_have_more && next <= callback::MAX_SKIP {
        let more = state.questions.more(&reply.question, next);
        row.push(InlineKeyboardButton::callback(
            "更多",
            callback::encode(&more),
        ));
    }
    row.push(InlineKeyboardButton::callback(
        "上下文",
        callback::encode(&Action::Context(first.id())),
    ));
    Some(InlineKeyboardMarkup::new(vec![row]))
}

/// Up to `n` quotes for an inline query: the reply, then further quotes until there are `n`.
fn inline_reply(engine: &Engine, question: &str, n: usize) -> Reply {
    let mut reply = engine.ask(question);
    let mut skip = reply.quotes.len();
    while reply.quotes.len() < n && reply.more && skip <= n {
        let more = engine.ask_from(question, skip);
        if more.quotes.is_empty() {
            break;
        }
        skip += more.quotes.len();
        reply.more = more.more;
        for quote in more.quotes {
            if !reply.quotes.iter().any(|taken| taken.id() == quote.id()) {
                reply.quotes.push(quote);
            }
        }
    }
    reply.quotes.truncate(n);
    reply
}

fn article(id: &str, title: &str, description: &str, html: &str) -> InlineQueryResult {
    let content = InputMessageContentText::new(html)
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_preview());
    let mut article = InlineQueryResultArticle::new(id, title, InputMessageContent::Text(content));
    if !description.is_empty() {
        article = article.description(description);
    }
    InlineQueryResult::Article(article)
}

fn count_reply(state: &BotState, reply: &Reply, started: Instant) {
    let counter = if reply.quotes.is_empty() {
        &state.stats.not_found
    } else {
        &state.stats.answered
    };
    counter.fetch_add(1, Ordering::Relaxed);
    state.stats.time(started.elapsed());
}

/// Runs `work` on the engine on a blocking thread: answering is CPU-bound, and a panic there
/// becomes an error instead of taking the handler down.
pub(super) async fn on_engine<T: Send + 'static>(
    engine: Arc<Engine>,
    work: impl FnOnce(&Engine) -> T + Send + 'static,
) -> Result<T, HandleError> {
    tokio::task::spawn_blocking(move || work(&engine))
        .await
        .map_err(|err| HandleError::Engine(err.to_string()))
}

/// Runs a handler's work; a failure or a panic is counted and logged without the token, and
/// reported as `Err` (the reason, redacted) so the caller can apologise.
async fn guard(
    state: &BotState,
    what: &str,
    work: impl Future<Output = Result<(), HandleError>>,
) -> Result<(), String> {
    let outcome = AssertUnwindSafe(work).catch_unwind().await;
    let message = match outcome {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(err)) => redact::redact(&err.to_string()),
        Err(panic) => {
            let text = panic
                .downcast_ref::<&str>()
                .map(|text| text.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            format!("panic: {}", redact::redact(&text))
        }
    };
    state.stats.errors.fetch_add(1, Ordering::Relaxed);
    tracing::error!("handling a {what} failed: {message}");
    Err(message)
}

fn is_group(msg: &Message) -> bool {
    msg.chat.is_group() || msg.chat.is_supergroup()
}
