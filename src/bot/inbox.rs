//! An update listener that writes every update to the store's inbox before it is handed on,
//! wrapped around teloxide's long polling (or the webhook). Long polling confirms an update to
//! Telegram with the next `getUpdates`, which this listener asks for only after the update is
//! stored; an update is marked done by its handler once the reply was accepted. At start the
//! updates left pending by an earlier run are handed on first, and those Telegram sends again
//! are not handed on twice. In webhook mode a middleware stores each update as it arrives
//! (`store_at_the_door`), before teloxide answers Telegram's request with 200.

use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt as _};
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, Update};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::store::{Inbox, Outcome, StoreError};

/// Largest webhook request read (Telegram's updates are a few kB; a message with a long text
/// and entities stays far below this).
const MAX_UPDATE_BYTES: usize = 1 << 20;

/// What the webhook middleware needs: the inbox, and the secret Telegram sends with each
/// request (an update without it is not stored: teloxide refuses it).
pub struct Door {
    pub inbox: Arc<Inbox>,
    pub secret: Option<String>,
}

/// Stores the update a webhook request carries, then lets teloxide's handler answer it. A store
/// that fails answers 500, so that Telegram sends the update again.
pub async fn store_at_the_door(
    State(door): State<Arc<Door>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_UPDATE_BYTES).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let sent_secret = parts
        .headers
        .get("x-telegram-bot-api-secret-token")
        .and_then(|value| value.to_str().ok());
    let authentic = door
        .secret
        .as_deref()
        .is_none_or(|secret| sent_secret == Some(secret));
    let update_id = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|value| value["update_id"].as_i64());
    if let (true, Some(id), Ok(body)) = (authentic, update_id, std::str::from_utf8(&bytes))
        && let Err(err) = door.inbox.admit(id, body)
    {
        tracing::error!("update {id} could not be stored: {err}");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// `inner` with every update stored in `inbox` first.
pub struct InboxListener<L> {
    inner: L,
    inbox: Arc<Inbox>,
    replay: Vec<Update>,
}

impl<L> InboxListener<L> {
    /// Wraps `inner`; the updates `inbox` holds as pending come first.
    pub fn new(inner: L, inbox: Arc<Inbox>) -> Result<Self, StoreError> {
        let mut replay = Vec::new();
        for (id, body) in inbox.pending()? {
            match serde_json::from_str::<Update>(&body) {
                Ok(update) => replay.push(update),
                Err(err) => {
                    tracing::error!("stored update {id} is not readable, dropped: {err}");
                    inbox.finish(id, &Outcome::Failed(format!("unreadable: {err}")))?;
                }
            }
        }
        if !replay.is_empty() {
            tracing::info!(
                "answering {} updates left pending by the last run first",
                replay.len()
            );
        }
        Ok(InboxListener {
            inner,
            inbox,
            replay,
        })
    }
}

/// Stores `update`; true when it is new. An update that cannot be stored is still handed on
/// (answering it beats dropping it), with an error in the log.
fn store(inbox: &Inbox, update: &Update) -> bool {
    let id = i64::from(update.id.0);
    let stored = serde_json::to_string(update)
        .map_err(|err| StoreError::Json(id, err))
        .and_then(|body| inbox.receive(id, &body));
    match stored {
        Ok(new) => new,
        Err(err) => {
            tracing::error!("update {id} could not be stored: {err}");
            true
        }
    }
}

impl<'a, L> AsUpdateStream<'a> for InboxListener<L>
where
    L: AsUpdateStream<'a> + Send,
    L::StreamErr: Send + 'a,
{
    type StreamErr = L::StreamErr;
    type Stream = BoxStream<'a, Result<Update, L::StreamErr>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let inbox = self.inbox.clone();
        let replay = std::mem::take(&mut self.replay);
        // `filter_map` asks the inner stream for the next update (and so long polling for the
        // next batch, which confirms this one) only after this one is stored.
        let fresh = self.inner.as_stream().filter_map(move |item| {
            let keep = match &item {
                Ok(update) => store(&inbox, update),
                Err(_) => true,
            };
            std::future::ready(keep.then_some(item))
        });
        stream::iter(replay.into_iter().map(Ok))
            .chain(fresh)
            .boxed()
    }
}

impl<L, E> UpdateListener for InboxListener<L>
where
    L: UpdateListener<Err = E>,
    Self: for<'a> AsUpdateStream<'a, StreamErr = E>,
{
    type Err = E;

    fn stop_token(&mut self) -> StopToken {
        self.inner.stop_token()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.inner.hint_allowed_updates(hint);
    }
}
