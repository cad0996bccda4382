//! An update listener that writes every update to the store's inbox before it is handed on,
//! wrapped around teloxide's long polling (or the webhook). Long polling confirms an update to
//! Telegram with the next `getUpdates`, which this listener asks for only after the update is
//! stored; an update is marked done by its handler once the reply was accepted. At start the
//! updates left pending by an earlier run are handed on first, and those Telegram sends again
//! are not handed on twice.

use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt as _};
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, Update};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};

use crate::store::{Inbox, Outcome, StoreError};

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
