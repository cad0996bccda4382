//! What a Telegram message asks of the bot: the shared conversation's commands, or the bot's
//! own (`/reload`, `/stats`, `/history`), read only when the message is addressed to it.

use super::admin::HISTORY_ROWS;
use crate::conversation::{self, Command, Place};

/// What a message asks of the bot.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Request {
    Core(Command),
    Reload,
    Stats,
    /// `/history [N]`: the last N rows of the audit log.
    History(usize),
    /// `/remove N`: remove document N from the corpus (after a confirmation).
    Remove(Option<u32>),
}

/// Reads a message as a request, if it is addressed to the bot. `/reload` and `/stats` are the
/// bot's own commands (the terminal chat has no admins); the rest is the shared conversation.
/// `/check` without a draft checks the message it replies to (`replied`).
pub(super) fn read_request(text: &str, place: Place, replied: Option<&str>) -> Option<Request> {
    let ours = conversation::command_target(text)
        .is_none_or(|name| name.eq_ignore_ascii_case(place.bot_name));
    if let (true, Command::Unknown(name)) = (ours, conversation::parse_command(text)) {
        match name.as_str() {
            "/reload" => return Some(Request::Reload),
            "/stats" => return Some(Request::Stats),
            "/remove" => {
                let number = text.split_whitespace().nth(1).and_then(|n| n.parse().ok());
                return Some(Request::Remove(number));
            }
            "/history" => {
                let n = text
                    .split_whitespace()
                    .nth(1)
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(HISTORY_ROWS);
                return Some(Request::History(n));
            }
            _ => {}
        }
    }
    match conversation::addressed(text, place)? {
        Command::Check(draft) if draft.is_empty() => Some(Request::Core(Command::Check(
            replied.unwrap_or_default().to_string(),
        ))),
        command => Some(Request::Core(command)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_admin_commands_and_shared_addressing() {
        let check = |text: &str, group: bool, expected: Option<Request>| {
            let place = Place {
                group,
                bot_name: "quotebot",
                reply_to_bot: false,
            };
            assert_eq!(
                read_request(text, place, Some("回复的草稿")),
                expected,
                "{text}"
            );
        };
        check("/reload", false, Some(Request::Reload));
        check("/stats@quotebot", true, Some(Request::Stats));
        check("/stats@otherbot", true, None);
        check("/remove 3", false, Some(Request::Remove(Some(3))));
        check("/remove 第三篇", false, Some(Request::Remove(None)));
        check("闲聊", true, None);
        check(
            "/ask@quotebot 大同",
            true,
            Some(Request::Core(Command::Ask("大同".into()))),
        );
        // /check alone checks the message it replies to; with a draft, the draft.
        check(
            "/check",
            false,
            Some(Request::Core(Command::Check("回复的草稿".into()))),
        );
        check(
            "/check@quotebot 草稿",
            true,
            Some(Request::Core(Command::Check("草稿".into()))),
        );
    }
}
