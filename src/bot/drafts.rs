//! The claim check on Telegram: `/check 草稿` (or `/check` replying to the draft's message)
//! answers one message per claim, each a reply to the draft's message that quotes the claim's
//! figure where the draft writes it (`reply_parameters.quote` at its UTF-16 position), so the
//! press officer sees which words each verdict is about. Past [`MAX_QUOTED_CLAIMS`] the rest
//! come in one message.

use std::sync::Arc;

use teloxide::types::MessageId;

use super::handlers::{HandleError, on_engine};
use super::outbox::Outbox;
use super::{BotState, render};
use crate::render::plain;
use crate::store::{Asker, Channel};

/// Claims answered each in a message of its own; a longer draft gets the rest in one.
const MAX_QUOTED_CLAIMS: usize = 10;

/// Checks `draft`, the text (or part of the text) of the message `message` holds as
/// `message_text`.
pub(super) async fn check(
    out: &Outbox,
    state: &Arc<BotState>,
    draft: String,
    message: MessageId,
    message_text: &str,
    who: &Asker,
) -> Result<(), HandleError> {
    let engine = state.engine();
    let report = on_engine(engine, move |engine| engine.check(&draft)).await?;
    if let Some(log) = state.audit() {
        log.record_check(Channel::Telegram, who, &report);
    }
    if report.claims.is_empty() {
        return out.notice(&plain::check(&report)).await;
    }
    let mut searched_from = 0;
    for (n, claim) in report.claims.iter().enumerate().take(MAX_QUOTED_CLAIMS) {
        let text = plain::check_claim(n + 1, claim);
        match figure_position(message_text, &claim.sentence, &claim.figure, searched_from) {
            Some((sentence_at, utf16)) => {
                searched_from = sentence_at;
                out.send_quoting(render::render_notice(&text), message, &claim.figure, utf16)
                    .await?
            }
            None => out.notice(&text).await?,
        }
    }
    if report.claims.len() > MAX_QUOTED_CLAIMS {
        let rest: Vec<String> = report.claims[MAX_QUOTED_CLAIMS..]
            .iter()
            .enumerate()
            .map(|(n, claim)| plain::check_claim(MAX_QUOTED_CLAIMS + n + 1, claim))
            .collect();
        out.notice(&rest.join("\n")).await?;
    }
    Ok(())
}

/// Where `figure` stands in `text`: inside `sentence`, the first such sentence at or after byte
/// `from` (claims come in draft order); the sentence's byte offset, and the figure's offset
/// in UTF-16 units, as Telegram counts.
fn figure_position(
    text: &str,
    sentence: &str,
    figure: &str,
    from: usize,
) -> Option<(usize, usize)> {
    let sentence_at = text
        .get(from..)
        .and_then(|rest| rest.find(sentence))
        .map(|at| from + at)
        .or_else(|| text.find(sentence))?;
    let at = sentence_at + text[sentence_at..sentence_at + sentence.len()].find(figure)?;
    Some((sentence_at, text[..at].encode_utf16().count()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_figure_where_the_draft_writes_it() {
        let text = "/check 😀大同投运服务器达80万台。GDP为80万台。";
        let first = figure_position(text, "大同投运服务器达80万台。", "80万台", 0).unwrap();
        assert_eq!(first.1, "/check 😀大同投运服务器达".encode_utf16().count());
        let second = figure_position(text, "GDP为80万台。", "80万台", first.0).unwrap();
        assert_eq!(
            second.1,
            "/check 😀大同投运服务器达80万台。GDP为"
                .encode_utf16()
                .count()
        );
        assert_eq!(figure_position(text, "别的句子。", "80万台", 0), None);
    }
}
