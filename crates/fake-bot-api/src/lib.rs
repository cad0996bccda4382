//! A fake Telegram Bot API server on 127.0.0.1:0 for driving the real bot in tests: it holds
//! updates for `getUpdates` (long polling with offsets, as Telegram does), records every call
//! with its JSON body and the answer given, checks `sendMessage` as Telegram would (HTML parse
//! mode entities and tags, 4096 characters after parsing), and can be told to fail the next
//! calls of a method with a 429 `retry_after` or a 500. Used by the integration tests
//! (`tests/it/bot.rs`) and by `examples/telegram_bench.rs`.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::Notify;

/// The token the fake server accepts.
pub const TOKEN: &str = "1234:fake-token-for-tests";
/// A token the fake server refuses (401 Unauthorized), as Telegram refuses a revoked one.
pub const BAD_TOKEN: &str = "1234:revoked";
/// The bot's user id and username.
pub const BOT_ID: u64 = 7_000_000;
pub const BOT_NAME: &str = "quotebot_test";

/// How long a test waits for the bot before it fails (a hang guard, not a timing assertion).
const PATIENCE: Duration = Duration::from_secs(90);

/// One call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// Method name in lower case (`sendmessage`).
    pub method: String,
    pub body: Value,
    /// HTTP status of the answer.
    pub status: u16,
    /// The `result` of a successful answer (the sent message for `sendMessage`).
    pub result: Value,
}

/// A failure to serve instead of the next call of a method.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// 429 Too Many Requests with `parameters.retry_after`.
    RetryAfter(u32),
    /// 500 Internal Server Error.
    ServerError,
    /// 400 Bad Request (a refusal that retrying would not change).
    BadRequest,
}

/// The running server.
pub struct FakeBotApi {
    /// Base URL for `Bot::set_api_url`.
    pub url: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

#[derive(Default)]
struct Shared {
    inner: Mutex<Inner>,
    /// Woken on every new update and every recorded call.
    changed: Notify,
}

#[derive(Default)]
struct Inner {
    updates: VecDeque<Value>,
    next_update_id: i64,
    calls: Vec<Call>,
    faults: HashMap<String, VecDeque<Fault>>,
    next_message_id: i64,
    /// Chats seen in updates, to answer `sendMessage` with the right chat.
    chats: HashMap<i64, Value>,
    webhook_url: String,
    privacy_off: bool,
    /// Files the bot may fetch with `getFile` and download, by file id.
    files: HashMap<String, Vec<u8>>,
    /// Texts of the messages pushed, by chat and message id, to check reply quotes against.
    texts: HashMap<(i64, i64), String>,
}

impl FakeBotApi {
    /// Starts a server on a free loopback port.
    pub async fn start() -> FakeBotApi {
        let shared = Arc::new(Shared::default());
        {
            let mut inner = shared.inner.lock().unwrap();
            inner.next_update_id = 1;
            inner.next_message_id = 1_000;
        }
        let app = Router::new()
            .route("/{bot}/{method}", post(handle))
            .route("/file/{bot}/{*path}", axum::routing::get(download))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let address = listener.local_addr().expect("bound address");
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("fake Bot API serves");
        });
        FakeBotApi {
            url: format!("http://{address}/"),
            shared,
            server,
        }
    }

    /// Holds `bytes` as the file `file_id`, for `getFile` and its download.
    pub fn add_file(&self, file_id: &str, bytes: Vec<u8>) {
        let mut inner = self.shared.inner.lock().unwrap();
        inner.files.insert(file_id.to_string(), bytes);
    }

    /// Makes `getMe` say privacy mode is off (the bot reads every group message).
    pub fn set_privacy_off(&self) {
        self.shared.inner.lock().unwrap().privacy_off = true;
    }

    /// Queues an update (`{"message": …}` etc.) and returns its `update_id`.
    pub fn push(&self, kind: &str, payload: Value) -> i64 {
        let id = {
            let mut inner = self.shared.inner.lock().unwrap();
            let id = inner.next_update_id;
            inner.next_update_id += 1;
            for chat in [&payload["chat"], &payload["message"]["chat"]] {
                if let Some(chat_id) = chat["id"].as_i64() {
                    inner.chats.insert(chat_id, chat.clone());
                }
            }
            if let (Some(chat), Some(id), Some(text)) = (
                payload["chat"]["id"].as_i64(),
                payload["message_id"].as_i64(),
                payload["text"].as_str(),
            ) {
                inner.texts.insert((chat, id), text.to_string());
            }
            inner
                .updates
                .push_back(json!({ "update_id": id, kind: payload }));
            id
        };
        self.shared.changed.notify_waiters();
        id
    }

    /// The next `n` calls of `method` fail with `fault`.
    pub fn fail_next(&self, method: &str, fault: Fault, n: usize) {
        let mut inner = self.shared.inner.lock().unwrap();
        let queue = inner.faults.entry(method.to_lowercase()).or_default();
        queue.extend(std::iter::repeat_n(fault, n));
    }

    /// Forgets the faults not yet served.
    pub fn clear_faults(&self) {
        self.shared.inner.lock().unwrap().faults.clear();
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.inner.lock().unwrap().calls.clone()
    }

    /// Successful calls of `method`, in order.
    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        let method = method.to_lowercase();
        self.calls()
            .into_iter()
            .filter(|call| call.method == method && call.status == 200)
            .collect()
    }

    /// Messages delivered (`sendMessage` answered 200) to `chat`, in order.
    pub fn sent_to(&self, chat: i64) -> Vec<Value> {
        self.calls_of("sendMessage")
            .into_iter()
            .map(|call| call.body)
            .filter(|body| body["chat_id"].as_i64() == Some(chat))
            .collect()
    }

    /// Waits until `done` holds for the calls so far; fails the test if it never does.
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Call]) -> bool) -> Vec<Call> {
        let wait = async {
            loop {
                let notified = self.shared.changed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                let calls = self.calls();
                if done(&calls) {
                    return calls;
                }
                // Conditions on the bot's state (not on calls) are re-checked now and then.
                let _ = tokio::time::timeout(Duration::from_millis(20), notified).await;
            }
        };
        match tokio::time::timeout(PATIENCE, wait).await {
            Ok(calls) => calls,
            Err(_) => panic!(
                "the bot never did this: {what}; calls were:\n{:#?}",
                self.calls()
            ),
        }
    }

    /// Waits until `n` messages were delivered to `chat` and returns them.
    pub async fn wait_sent(&self, chat: i64, n: usize) -> Vec<Value> {
        self.wait_for(&format!("{n} messages to chat {chat}"), |_| {
            self.sent_to(chat).len() >= n
        })
        .await;
        self.sent_to(chat)
    }
}

impl Drop for FakeBotApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    Path((bot, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let method = method.to_lowercase();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let body: Value = if body.is_empty() {
        json!({})
    } else if let Some(boundary) = content_type.split("boundary=").nth(1) {
        multipart_fields(&String::from_utf8_lossy(&body), boundary.trim_matches('"'))
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|_| json!({ "unparsed": true }))
    };
    let token = bot.strip_prefix("bot").unwrap_or_default();
    if method == "getupdates" {
        // A poll is recorded when it arrives (a long poll may wait for updates), without the
        // updates it will carry: tests wait for the first one to know the bot is listening.
        record(
            &shared,
            Call {
                method: method.clone(),
                body: body.clone(),
                status: 200,
                result: json!([]),
            },
        );
    }
    let (status, answer) = if token == TOKEN {
        answer(&shared, &method, &body).await
    } else {
        error(401, "Unauthorized")
    };
    if method != "getupdates" || status != StatusCode::OK {
        let result = answer["result"].clone();
        record(
            &shared,
            Call {
                method,
                body,
                status: status.as_u16(),
                result,
            },
        );
    }
    (status, axum::Json(answer)).into_response()
}

/// `GET /file/bot<token>/documents/<file_id>`: a file's bytes, as Telegram serves downloads.
async fn download(
    State(shared): State<Arc<Shared>>,
    Path((bot, path)): Path<(String, String)>,
) -> Response {
    if bot.strip_prefix("bot") != Some(TOKEN) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let file_id = path.strip_prefix("documents/").unwrap_or_default();
    let bytes = shared.inner.lock().unwrap().files.get(file_id).cloned();
    match bytes {
        Some(bytes) => (StatusCode::OK, bytes).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn record(shared: &Shared, call: Call) {
    shared.inner.lock().unwrap().calls.push(call);
    shared.changed.notify_waiters();
}

async fn answer(shared: &Shared, method: &str, body: &Value) -> (StatusCode, Value) {
    let fault = {
        let mut inner = shared.inner.lock().unwrap();
        inner
            .faults
            .get_mut(method)
            .and_then(|queue| queue.pop_front())
    };
    match fault {
        Some(Fault::RetryAfter(seconds)) => {
            let mut answer = error(429, &format!("Too Many Requests: retry after {seconds}")).1;
            answer["parameters"] = json!({ "retry_after": seconds });
            return (StatusCode::TOO_MANY_REQUESTS, answer);
        }
        Some(Fault::ServerError) => return error(500, "Internal Server Error"),
        Some(Fault::BadRequest) => return error(400, "Bad Request: chat not found"),
        None => {}
    }
    match method {
        "getme" => {
            let privacy_off = shared.inner.lock().unwrap().privacy_off;
            ok(json!({
                "id": BOT_ID, "is_bot": true, "first_name": "QuoteBot", "username": BOT_NAME,
                "can_join_groups": true, "can_read_all_group_messages": privacy_off,
                "supports_inline_queries": true, "can_connect_to_business": false,
                "has_main_web_app": false
            }))
        }
        "getupdates" => get_updates(shared, body).await,
        "getwebhookinfo" => {
            let url = shared.inner.lock().unwrap().webhook_url.clone();
            ok(json!({ "url": url, "has_custom_certificate": false, "pending_update_count": 0 }))
        }
        "setwebhook" => {
            shared.inner.lock().unwrap().webhook_url =
                body["url"].as_str().unwrap_or_default().to_string();
            ok(json!(true))
        }
        "deletewebhook" => {
            shared.inner.lock().unwrap().webhook_url.clear();
            ok(json!(true))
        }
        "sendmessage" => send_message(shared, body),
        "getfile" => {
            let file_id = body["file_id"].as_str().unwrap_or_default();
            let size = shared
                .inner
                .lock()
                .unwrap()
                .files
                .get(file_id)
                .map(Vec::len);
            match size {
                Some(size) => ok(json!({
                    "file_id": file_id, "file_unique_id": format!("u-{file_id}"),
                    "file_size": size, "file_path": format!("documents/{file_id}")
                })),
                None => error(400, "Bad Request: invalid file_id"),
            }
        }
        "answerinlinequery" => answer_inline_query(body),
        "answercallbackquery" => {
            let text = body["text"].as_str().unwrap_or_default();
            if text.chars().count() > 200 {
                return error(400, "Bad Request: MESSAGE_TOO_LONG");
            }
            ok(json!(true))
        }
        "setmycommands" | "sendchataction" | "deletemycommands" => ok(json!(true)),
        _ => error(404, "Not Found: method not found"),
    }
}

async fn get_updates(shared: &Shared, body: &Value) -> (StatusCode, Value) {
    let offset = body["offset"].as_i64().unwrap_or(0);
    let limit = body["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let timeout = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0));
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let notified = shared.changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut inner = shared.inner.lock().unwrap();
            // Telegram forgets updates once a later offset confirms them.
            while inner
                .updates
                .front()
                .is_some_and(|update| update["update_id"].as_i64().unwrap_or(0) < offset)
            {
                inner.updates.pop_front();
            }
            if !inner.updates.is_empty() || tokio::time::Instant::now() >= deadline {
                let batch: Vec<Value> = inner.updates.iter().take(limit).cloned().collect();
                return ok(Value::Array(batch));
            }
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return ok(json!([]));
        }
    }
}

fn send_message(shared: &Shared, body: &Value) -> (StatusCode, Value) {
    let Some(chat_id) = body["chat_id"].as_i64() else {
        return error(400, "Bad Request: chat not found");
    };
    let visible = match visible_text(body["text"].as_str(), body["parse_mode"].as_str()) {
        Ok(visible) => visible,
        Err(response) => return response,
    };
    if visible.trim().is_empty() {
        return error(400, "Bad Request: message text is empty");
    }
    if visible.encode_utf16().count() > 4096 {
        return error(400, "Bad Request: message is too long");
    }
    let mut inner = shared.inner.lock().unwrap();
    // A reply quote must be the replied message's text at its UTF-16 position, as Telegram
    // checks it (for messages this server has seen).
    let reply = &body["reply_parameters"];
    if let (Some(quote), Some(replied)) = (reply["quote"].as_str(), reply["message_id"].as_i64())
        && let Some(text) = inner.texts.get(&(chat_id, replied))
    {
        let units: Vec<u16> = text.encode_utf16().collect();
        let quote_units: Vec<u16> = quote.encode_utf16().collect();
        let at = reply["quote_position"].as_u64().unwrap_or(0) as usize;
        if units.get(at..at + quote_units.len()) != Some(quote_units.as_slice()) {
            return error(400, "Bad Request: QUOTE_TEXT_INVALID");
        }
    }
    let message_id = inner.next_message_id;
    inner.next_message_id += 1;
    let chat = inner.chats.get(&chat_id).cloned().unwrap_or_else(|| {
        if chat_id > 0 {
            json!({ "id": chat_id, "type": "private", "first_name": "User" })
        } else {
            json!({ "id": chat_id, "type": "supergroup", "title": "Group" })
        }
    });
    let mut message = json!({
        "message_id": message_id,
        "date": 1_700_000_000,
        "chat": chat,
        "from": { "id": BOT_ID, "is_bot": true, "first_name": "QuoteBot", "username": BOT_NAME },
        "text": visible,
    });
    if let Some(markup) = body.get("reply_markup") {
        message["reply_markup"] = markup.clone();
    }
    ok(message)
}

/// The text a user would see: HTML parsed as Telegram does, or the 400 it answers to bad HTML.
fn visible_text(
    text: Option<&str>,
    parse_mode: Option<&str>,
) -> Result<String, (StatusCode, Value)> {
    let text = text.unwrap_or_default();
    if parse_mode != Some("HTML") {
        return Ok(text.to_string());
    }
    parse_html(text).map_err(|why| error(400, &format!("Bad Request: can't parse entities: {why}")))
}

fn answer_inline_query(body: &Value) -> (StatusCode, Value) {
    let results = body["results"].as_array().cloned().unwrap_or_default();
    if results.len() > 50 {
        return error(400, "Bad Request: RESULTS_TOO_MUCH");
    }
    for result in &results {
        let content = &result["input_message_content"];
        let text = content["message_text"].as_str();
        let visible = match visible_text(text, content["parse_mode"].as_str()) {
            Ok(visible) => visible,
            Err(response) => return response,
        };
        if visible.trim().is_empty() || visible.encode_utf16().count() > 4096 {
            return error(400, "Bad Request: MESSAGE_TEXT_INVALID");
        }
        if result["id"]
            .as_str()
            .is_none_or(|id| id.is_empty() || id.len() > 64)
        {
            return error(400, "Bad Request: RESULT_ID_INVALID");
        }
    }
    ok(json!(true))
}

/// The text fields of a `multipart/form-data` body (teloxide sends `setWebhook` that way), as
/// JSON: values that parse as JSON are kept as such, others as strings.
fn multipart_fields(body: &str, boundary: &str) -> Value {
    let mut fields = serde_json::Map::new();
    for part in body.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        let parsed = serde_json::from_str(value).unwrap_or_else(|_| json!(value));
        fields.insert(name.to_string(), parsed);
    }
    Value::Object(fields)
}

fn ok(result: Value) -> (StatusCode, Value) {
    (StatusCode::OK, json!({ "ok": true, "result": result }))
}

fn error(code: u16, description: &str) -> (StatusCode, Value) {
    (
        StatusCode::from_u16(code).expect("a valid status"),
        json!({ "ok": false, "error_code": code, "description": description }),
    )
}

/// The visible text of a Telegram-HTML message, or why Telegram would refuse it: unknown or
/// unbalanced tags, a bare `<`, `>` or `&`, an unknown entity.
pub fn parse_html(html: &str) -> Result<String, String> {
    const TAGS: &[&str] = &[
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    ];
    let mut visible = String::new();
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(ch) = rest.chars().next() {
        match ch {
            '<' => {
                let end = rest.find('>').ok_or("unclosed start tag")?;
                let tag = &rest[1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    let name = name.trim().to_lowercase();
                    match open.pop() {
                        Some(top) if top == name => {}
                        _ => return Err(format!("unmatched end tag </{name}>")),
                    }
                } else {
                    let name = tag
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_lowercase();
                    if !TAGS.contains(&name.as_str()) {
                        return Err(format!("unsupported start tag \"{name}\""));
                    }
                    open.push(name);
                }
                rest = &rest[end + 1..];
            }
            '>' => return Err("bare '>'".into()),
            '&' => {
                let end = rest.find(';').filter(|end| *end <= 10).ok_or("bare '&'")?;
                let entity = &rest[1..end];
                let decoded = match entity {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    _ => entity
                        .strip_prefix('#')
                        .and_then(|number| match number.strip_prefix('x') {
                            Some(hex) => u32::from_str_radix(hex, 16).ok(),
                            None => number.parse().ok(),
                        })
                        .and_then(char::from_u32)
                        .ok_or(format!("unknown entity &{entity};"))?,
                };
                visible.push(decoded);
                rest = &rest[end + 1..];
            }
            _ => {
                visible.push(ch);
                rest = &rest[ch.len_utf8()..];
            }
        }
    }
    match open.pop() {
        Some(tag) => Err(format!("unclosed tag <{tag}>")),
        None => Ok(visible),
    }
}

/// Builders for the updates tests send.
pub mod updates {
    use serde_json::{Value, json};

    use super::{BOT_ID, BOT_NAME};

    pub fn user(id: i64) -> Value {
        json!({ "id": id, "is_bot": false, "first_name": format!("User{id}") })
    }

    pub fn private_chat(id: i64) -> Value {
        json!({ "id": id, "type": "private", "first_name": format!("User{id}") })
    }

    pub fn group_chat(id: i64) -> Value {
        json!({ "id": id, "type": "supergroup", "title": "新闻办" })
    }

    pub fn channel_chat(id: i64) -> Value {
        json!({ "id": id, "type": "channel", "title": "发布频道" })
    }

    /// A text message; a leading `/command` and `@mentions` get their entities.
    pub fn text(message_id: i64, chat: Value, from: i64, text: &str) -> Value {
        let mut message = json!({
            "message_id": message_id, "date": 1_700_000_000, "chat": chat,
            "from": user(from), "text": text,
        });
        let entities = entities(text);
        if !entities.is_empty() {
            message["entities"] = Value::Array(entities);
        }
        message
    }

    /// A message without text (a sticker).
    pub fn sticker(message_id: i64, chat: Value, from: i64) -> Value {
        json!({
            "message_id": message_id, "date": 1_700_000_000, "chat": chat, "from": user(from),
            "sticker": {
                "file_id": "sticker", "file_unique_id": "sticker", "type": "regular",
                "width": 512, "height": 512, "is_animated": false, "is_video": false
            }
        })
    }

    /// A message carrying a file (`document`): its id (see [`super::FakeBotApi::add_file`]),
    /// name and declared size.
    pub fn document(message_id: i64, chat: Value, from: i64, file: (&str, &str, u64)) -> Value {
        let (file_id, name, size) = file;
        json!({
            "message_id": message_id, "date": 1_700_000_000, "chat": chat, "from": user(from),
            "document": {
                "file_id": file_id, "file_unique_id": format!("u-{file_id}"),
                "file_name": name, "file_size": size
            }
        })
    }

    /// A message of the bot's, as it appears inside replies and callback queries.
    pub fn from_bot(message_id: i64, chat: Value, text: &str) -> Value {
        json!({
            "message_id": message_id, "date": 1_700_000_000, "chat": chat, "text": text,
            "from": { "id": BOT_ID, "is_bot": true, "first_name": "QuoteBot", "username": BOT_NAME },
        })
    }

    /// A post in a channel: `sender_chat`, no `from`.
    pub fn channel_post(message_id: i64, chat: Value, text: &str) -> Value {
        json!({
            "message_id": message_id, "date": 1_700_000_000, "chat": chat.clone(),
            "sender_chat": chat, "text": text, "entities": entities(text),
        })
    }

    pub fn inline_query(id: &str, from: i64, query: &str) -> Value {
        json!({ "id": id, "from": user(from), "query": query, "offset": "" })
    }

    pub fn callback(id: &str, from: i64, message: Value, data: &str) -> Value {
        json!({
            "id": id, "from": user(from), "message": message,
            "chat_instance": "instance", "data": data,
        })
    }

    /// Entities as Telegram sets them: a leading bot command and @mentions (UTF-16 offsets).
    fn entities(text: &str) -> Vec<Value> {
        let mut entities = Vec::new();
        let utf16 = |s: &str| s.encode_utf16().count();
        if text.starts_with('/') {
            let command = text.split_whitespace().next().unwrap_or_default();
            entities.push(json!({ "type": "bot_command", "offset": 0, "length": utf16(command) }));
        }
        let mut at = 0;
        while let Some(found) = text[at..].find('@') {
            let start = at + found;
            let name_len = text[start + 1..]
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(text.len() - start - 1);
            let in_command = text.starts_with('/')
                && start < text.split_whitespace().next().unwrap_or_default().len();
            if name_len > 0 && !in_command {
                entities.push(json!({
                    "type": "mention", "offset": utf16(&text[..start]), "length": name_len + 1,
                }));
            }
            at = start + 1 + name_len;
        }
        entities
    }
}
