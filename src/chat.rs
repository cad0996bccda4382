//! The terminal chat: a conversation on standard input and output through the same
//! [`conversation::respond`] the Telegram bot uses. In group mode it answers only when addressed
//! (`/ask`, a command, or a mention of `@quotebot`), as the bot does in a group.

use std::io::{BufRead, Write};

use crate::conversation::{self, Command, Response};
use crate::engine::Engine;
use crate::store::{Asker, AuditLog, Channel};

/// The name the chat answers to in group mode.
pub const CHAT_BOT_NAME: &str = "quotebot";

/// Runs the chat until end of input; each reply is recorded in `audit` when there is one.
pub fn run_chat(
    engine: &Engine,
    input: impl BufRead,
    mut output: impl Write,
    group: bool,
    audit: Option<&AuditLog>,
) -> std::io::Result<()> {
    let mode = if group {
        "群聊模式：只回答 /ask、命令或 @quotebot"
    } else {
        "私聊模式：每行一个问题"
    };
    writeln!(
        output,
        "quotebot 本地对话（{mode}；/help 查看命令，Ctrl-D 结束）"
    )?;
    output.flush()?;
    // What /why explains when it names no question.
    let mut last_question = String::new();
    for line in input.lines() {
        let line = match line {
            Ok(line) => line,
            // A line that is not UTF-8 is reported, not fatal.
            Err(err) if err.kind() == std::io::ErrorKind::InvalidData => {
                writeln!(output, "无法读取这一行（不是 UTF-8 文本）。")?;
                continue;
            }
            Err(err) => return Err(err),
        };
        if line.trim().is_empty() {
            continue;
        }
        let Some(command) = addressed(&line, group) else {
            continue;
        };
        let command = match &command {
            Command::Ask(question) | Command::Text(question) if !question.trim().is_empty() => {
                last_question = question.clone();
                command
            }
            Command::Why(question) if question.trim().is_empty() => {
                Command::Why(last_question.clone())
            }
            _ => command,
        };
        let response = conversation::respond(engine, command);
        if let (Response::Reply(reply), Some(audit)) = (&response, audit)
            && let Err(err) = audit.record(Channel::Chat, &Asker::default(), reply)
        {
            tracing::warn!("not recorded in the audit log: {err}");
        }
        if let (Response::Check(report), Some(audit)) = (&response, audit) {
            audit.record_check(Channel::Chat, &Asker::default(), report);
        }
        writeln!(output, "{}\n", conversation::render_plain(&response))?;
        output.flush()?;
    }
    Ok(())
}

/// The command a line holds if the bot should answer it; in a group, plain chatter is ignored.
/// The rules are the Telegram bot's (`conversation::addressed`).
fn addressed(line: &str, group: bool) -> Option<Command> {
    let place = conversation::Place {
        group,
        bot_name: CHAT_BOT_NAME,
        reply_to_bot: false,
    };
    conversation::addressed(line, place)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_mode_answers_only_when_addressed() {
        let check = |line: &str, group: bool, expected: Option<Command>| {
            assert_eq!(addressed(line, group), expected, "{line} group={group}");
        };
        check("大家好", true, None);
        check("大家好", false, Some(Command::Text("大家好".into())));
        check(
            "@quotebot 大同GDP",
            true,
            Some(Command::Text("大同GDP".into())),
        );
        check("/ask 大同GDP", true, Some(Command::Ask("大同GDP".into())));
        check(
            "/ask@quotebot 大同GDP",
            true,
            Some(Command::Ask("大同GDP".into())),
        );
        check("/ask@otherbot 大同GDP", true, None);
    }
}
