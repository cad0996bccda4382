//! Where replies go: a chat, threaded to the asking message in groups and channels, sent as
//! Telegram HTML with retries on transient failures.

use std::time::Duration;

use teloxide::RequestError;
use teloxide::payloads::SendMessageSetters as _;
use teloxide::prelude::*;
use teloxide::requests::Output;
use teloxide::types::{
    InlineKeyboardMarkup, LinkPreviewOptions, MessageId, ParseMode, ReplyParameters,
};

use super::handlers::{APOLOGY, HandleError};
use super::{BotState, TgBot, limits, redact, render};

/// Where replies go: a chat, threaded to a message in groups and channels, with retries on
/// transient failures.
#[derive(Clone)]
pub(super) struct Outbox {
    bot: TgBot,
    chat: ChatId,
    reply_to: Option<MessageId>,
    retries: u32,
    backoff: Duration,
}

impl Outbox {
    pub(super) fn new(
        bot: &TgBot,
        state: &BotState,
        chat: ChatId,
        reply_to: Option<MessageId>,
    ) -> Self {
        Self {
            bot: bot.clone(),
            chat,
            reply_to,
            retries: state.config.send_retries,
            backoff: Duration::from_millis(state.config.retry_backoff_ms),
        }
    }

    /// Sends HTML messages in order; the keyboard goes under the last one.
    pub(super) async fn send(
        &self,
        parts: Vec<String>,
        keyboard: Option<InlineKeyboardMarkup>,
    ) -> Result<(), HandleError> {
        let last = parts.len().saturating_sub(1);
        for (n, part) in parts.into_iter().enumerate() {
            let mut request = self
                .bot
                .send_message(self.chat, part)
                .parse_mode(ParseMode::Html)
                .link_preview_options(no_preview());
            if let Some(id) = self.reply_to {
                request = request
                    .reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
            }
            if let (true, Some(keyboard)) = (n == last, &keyboard) {
                request = request.reply_markup(keyboard.clone());
            }
            self.send_retrying(request).await?;
        }
        Ok(())
    }

    /// The bot it sends with.
    pub(super) fn bot(&self) -> &TgBot {
        &self.bot
    }

    /// Messages replying to `message` and quoting `quote` of its text at `position` (UTF-16
    /// units), so the reader sees which words of the message each answers.
    pub(super) async fn send_quoting(
        &self,
        parts: Vec<String>,
        message: MessageId,
        quote: &str,
        position: usize,
    ) -> Result<(), HandleError> {
        for part in parts {
            let mut reply = ReplyParameters::new(message).allow_sending_without_reply();
            reply.quote = Some(quote.to_string());
            reply.quote_position = Some(position as u32);
            let request = self
                .bot
                .send_message(self.chat, part)
                .parse_mode(ParseMode::Html)
                .link_preview_options(no_preview())
                .reply_parameters(reply);
            self.send_retrying(request).await?;
        }
        Ok(())
    }

    /// A short plain message, escaped.
    pub(super) async fn notice(&self, text: &str) -> Result<(), HandleError> {
        self.send(render::render_notice(text), None).await
    }

    /// The apology after a failure; its own failure is only logged.
    pub(super) async fn apologize(&self) {
        let mut request = self.bot.send_message(self.chat, APOLOGY);
        if let Some(id) = self.reply_to {
            request =
                request.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
        }
        if let Err(err) = request.await {
            tracing::warn!(
                "cannot send the apology: {}",
                redact::redact(&err.to_string())
            );
        }
    }

    /// Sends, retrying network and server failures with exponential backoff. (Telegram's 429
    /// is waited out and retried inside `Throttle`.)
    async fn send_retrying<R>(&self, request: R) -> Result<Output<R>, HandleError>
    where
        R: teloxide::requests::Request<Err = RequestError>,
    {
        let mut attempt = 0;
        loop {
            match request.send_ref().await {
                Ok(output) => return Ok(output),
                Err(err) if attempt < self.retries && limits::is_transient(&err) => {
                    let wait = limits::backoff(self.backoff, attempt);
                    tracing::warn!(
                        "send failed ({}); retrying in {wait:?}",
                        redact::redact(&err.to_string())
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(err) => return Err(err.into()),
            }
        }
    }
}

/// Link previews off: a quote is not a link.
pub(super) fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}
