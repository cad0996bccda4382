//! One turn of a conversation, whatever the channel: a message's text is read as a command
//! (`/ask`, `/source`, `/sources`, `/check`, `/help`, `/start`) or a plain question, and answered with a
//! [`Response`]. The terminal chat and the Telegram bot both go through [`respond`], so the
//! mock chat runs exactly the bot's pipeline; each channel only renders the response.

use crate::answer::{CheckReport, Context, Reply};
use crate::corpus::DocumentSummary;
use crate::engine::Engine;
use crate::render;

/// What a message asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Start,
    Help,
    Ask(String),
    Source(String),
    Sources,
    /// `/check 草稿`: every figure of a draft checked against the sources.
    Check(String),
    /// `/why [问题]`: how a question (the channel's last one when none is given) was read and
    /// why it got its reply.
    Why(String),
    /// A `/command` that is not ours.
    Unknown(String),
    /// Text that is not a command: a question.
    Text(String),
}

/// What the bot says back.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    Welcome,
    Help,
    Reply(Reply),
    Context(Context),
    Sources(Vec<DocumentSummary>),
    Check(CheckReport),
    /// A short message for the user (bad reference, unknown command, missing argument).
    Notice(String),
}

/// Reads a message. `/cmd@name args` is read as `/cmd args` whatever the name; whether the
/// message was meant for this bot is the channel's decision.
pub fn parse_command(text: &str) -> Command {
    let text = text.trim();
    let Some(rest) = text.strip_prefix('/') else {
        return Command::Text(text.to_string());
    };
    let (head, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let name = head.split('@').next().unwrap_or_default().to_lowercase();
    let args = args.trim().to_string();
    match name.as_str() {
        // A deep link's payload (`t.me/<bot>?start=src-4-5-2`): the context of that sentence.
        "start" => match args.strip_prefix("src-") {
            Some(reference) => Command::Source(reference.to_string()),
            None => Command::Start,
        },
        "help" => Command::Help,
        "ask" => Command::Ask(args),
        "source" => Command::Source(args),
        "sources" | "docs" => Command::Sources,
        "check" => Command::Check(args),
        "why" => Command::Why(args),
        _ => Command::Unknown(format!("/{name}")),
    }
}

/// The bot name a `/cmd@name` is addressed to, if any.
pub fn command_target(text: &str) -> Option<&str> {
    let rest = text.trim().strip_prefix('/')?;
    let head = rest.split(char::is_whitespace).next()?;
    head.split_once('@').map(|(_, name)| name)
}

/// Where a message was written, for deciding whether it is meant for the bot.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// A group (or supergroup): only messages addressed to the bot are answered.
    pub group: bool,
    /// The bot's username, without `@`.
    pub bot_name: &'a str,
    /// The message replies to one of the bot's messages.
    pub reply_to_bot: bool,
}

/// The command a message holds if the bot should answer it. In a private chat that is every
/// message; in a group only `/ask` and the bot's other commands, a message mentioning
/// `@bot_name`, or a reply to the bot. A command for another bot (`/ask@otherbot`) is never
/// ours, and in a group an unknown command without `@bot_name` is left to other bots.
pub fn addressed(text: &str, place: Place) -> Option<Command> {
    let target = command_target(text);
    if target.is_some_and(|name| !name.eq_ignore_ascii_case(place.bot_name)) {
        return None;
    }
    let command = parse_command(text);
    if !place.group {
        return Some(command);
    }
    match command {
        Command::Text(text) => {
            let stripped = strip_mention(&text, place.bot_name);
            match stripped {
                Some(question) => Some(Command::Text(question)),
                None => place.reply_to_bot.then_some(Command::Text(text)),
            }
        }
        Command::Unknown(_) if target.is_none() && !place.reply_to_bot => None,
        command => Some(command),
    }
}

/// The text without its mentions of `@name` (ASCII case ignored, whole names only), or `None`
/// when it does not mention `@name`.
pub fn strip_mention(text: &str, name: &str) -> Option<String> {
    let mention = format!("@{name}");
    let lower = text.to_ascii_lowercase();
    let mention = mention.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut found = false;
    while let Some(offset) = lower[at..].find(&mention) {
        let start = at + offset;
        let end = start + mention.len();
        let whole = !lower[end..]
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        out.push_str(&text[at..start]);
        if whole {
            found = true;
            out.push(' ');
        } else {
            out.push_str(&text[start..end]);
        }
        at = end;
    }
    out.push_str(&text[at..]);
    found.then(|| out.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Answers one command.
pub fn respond(engine: &Engine, command: Command) -> Response {
    match command {
        Command::Start => Response::Welcome,
        Command::Help => Response::Help,
        Command::Ask(question) | Command::Text(question) if question.trim().is_empty() => {
            Response::Notice(
                "请在命令后写上问题，例如：/ask 大同2021年地区生产总值是多少".to_string(),
            )
        }
        Command::Ask(question) | Command::Text(question) => Response::Reply(engine.ask(&question)),
        Command::Source(reference) if reference.trim().is_empty() => {
            Response::Notice("请写上句子编号，例如：/source 4·12.1".to_string())
        }
        Command::Source(reference) => match engine.context(&reference) {
            Ok(context) => Response::Context(context),
            Err(err) => Response::Notice(err.to_string()),
        },
        Command::Sources => Response::Sources(engine.documents()),
        Command::Check(draft) if draft.trim().is_empty() => Response::Notice(
            "请在命令后写上要核对的文字，例如：/check 大同2021年地区生产总值为1686亿元。"
                .to_string(),
        ),
        Command::Check(draft) => Response::Check(engine.check(&draft)),
        Command::Why(question) if question.trim().is_empty() => {
            Response::Notice("先问一个问题，再发送 /why 看它是怎么读的。".to_string())
        }
        Command::Why(question) => Response::Notice(engine.why(&question)),
        Command::Unknown(name) => {
            Response::Notice(format!("不认识的命令 {name}。发送 /help 查看用法。"))
        }
    }
}

/// Text of `/start`.
pub const WELCOME: &str = "你好！我只用资料原文回答问题：每条回答都是文档中的原句，附编号和出处。\n直接发问题即可，例如：大同2021年地区生产总值是多少？\n发送 /help 查看全部命令。";

/// Text of `/help`.
pub const HELP: &str = "用法：\n\
直接发送问题 —— 回答原文句子，附编号 [文档·段.句] 和出处\n\
/ask 问题 —— 同上（群组中用这个命令，或 @我）\n\
/source 编号 —— 查看某句的上下文，例如 /source 4·12.1\n\
/sources 或 /docs —— 列出全部文档（编号、标题、发布者、日期、句数）\n\
/check 草稿 —— 核对草稿中的每个数字：有来源支持、已过时、与来源不符或资料中没有\n\
/why —— 上一个问题是怎么读的、为什么这样回答（或 /why 问题）\n\
/help —— 本说明";

/// Renders a response as plain text (terminal chat).
pub fn render_plain(response: &Response) -> String {
    match response {
        Response::Welcome => WELCOME.to_string(),
        Response::Help => HELP.to_string(),
        Response::Reply(reply) => render::plain::reply(reply),
        Response::Context(found) => render::plain::context(found),
        Response::Sources(documents) => render::plain::documents(documents),
        Response::Check(report) => render::plain::check(report),
        Response::Notice(message) => message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands() {
        let check =
            |text: &str, expected: Command| assert_eq!(parse_command(text), expected, "{text}");
        check("/ask 大同GDP", Command::Ask("大同GDP".into()));
        check("/ask@quotebot 大同GDP", Command::Ask("大同GDP".into()));
        check("/ASK  大同 GDP ", Command::Ask("大同 GDP".into()));
        check("/ask", Command::Ask(String::new()));
        check("/source 4·12.1", Command::Source("4·12.1".into()));
        check("/sources", Command::Sources);
        check("/docs", Command::Sources);
        check("/why", Command::Why(String::new()));
        check("/start", Command::Start);
        check("/start src-4-12-1", Command::Source("4-12-1".into()));
        check("/help@quotebot", Command::Help);
        check("/frobnicate x", Command::Unknown("/frobnicate".into()));
        check("大同GDP", Command::Text("大同GDP".into()));
        check("", Command::Text(String::new()));
    }

    #[test]
    fn answers_in_groups_only_when_addressed() {
        let check = |text: &str, group: bool, reply_to_bot: bool, expected: Option<Command>| {
            let place = Place {
                group,
                bot_name: "QuoteBot",
                reply_to_bot,
            };
            assert_eq!(addressed(text, place), expected, "{text} group={group}");
        };
        check("大家好", false, false, Some(Command::Text("大家好".into())));
        check("大家好", true, false, None);
        check("大家好", true, true, Some(Command::Text("大家好".into())));
        check(
            "@quotebot 大同GDP",
            true,
            false,
            Some(Command::Text("大同GDP".into())),
        );
        check(
            "问下 @QuoteBot，大同GDP",
            true,
            false,
            Some(Command::Text("问下 ，大同GDP".into())),
        );
        check("@quotebot_fan 你好", true, false, None);
        check(
            "/ask 大同GDP",
            true,
            false,
            Some(Command::Ask("大同GDP".into())),
        );
        check(
            "/ask@quotebot 大同GDP",
            true,
            false,
            Some(Command::Ask("大同GDP".into())),
        );
        check("/ask@otherbot 大同GDP", true, false, None);
        check("/ask@otherbot 大同GDP", false, false, None);
        check("/weather", true, false, None);
        check(
            "/weather",
            false,
            false,
            Some(Command::Unknown("/weather".into())),
        );
        check(
            "/weather@quotebot",
            true,
            false,
            Some(Command::Unknown("/weather".into())),
        );
        check("/help", true, false, Some(Command::Help));
    }

    #[test]
    fn finds_command_targets() {
        assert_eq!(command_target("/ask@otherbot x"), Some("otherbot"));
        assert_eq!(command_target("/ask x"), None);
        assert_eq!(command_target("hello"), None);
    }
}
