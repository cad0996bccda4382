//! Replies as Telegram HTML: every corpus and user string escaped, figures in bold, one citation
//! line per quote, and messages longer than Telegram's 4096 characters split between quotes
//! (never inside a tag or a citation). Pure: values in, strings out; nothing here sends.
//!
//! A message is built from [`Block`]s (a quote with its citation, a heading, the notes) made of
//! [`Span`]s (plain, bold, italic or code text, unescaped). Lengths are counted as Telegram
//! counts them after parsing the HTML: the visible text in UTF-16 units.

use crate::answer::{Context, Quote, Reply};
use crate::conversation::{HELP, Response, WELCOME};
use crate::corpus::DocumentSummary;
use crate::render::{heading, pieces};

/// Telegram's limit on a message's text, after entity parsing.
pub const MAX_MESSAGE_LEN: usize = 4096;

/// The longest inline-result title, in characters; Telegram shows about one line.
const TITLE_CHARS: usize = 40;

/// A run of text with one kind of marking; the text is raw (escaped when rendered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Plain(String),
    Bold(String),
    Italic(String),
    Code(String),
}

/// A unit of a message kept in one message when it fits: `body` may be cut if it alone is
/// longer than a message; `tail` (a citation line) is never cut.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Block {
    pub body: Vec<Span>,
    pub tail: Vec<Span>,
}

/// The HTML messages of any response, each at most [`MAX_MESSAGE_LEN`] long.
pub fn render_response(response: &Response) -> Vec<String> {
    match response {
        Response::Welcome => split(&text_blocks(WELCOME), MAX_MESSAGE_LEN),
        Response::Help => split(&text_blocks(HELP), MAX_MESSAGE_LEN),
        Response::Reply(reply) => render_reply(reply, 1),
        Response::Context(context) => split(&context_blocks(context), MAX_MESSAGE_LEN),
        Response::Sources(documents) => split(&sources_blocks(documents), MAX_MESSAGE_LEN),
        Response::Check(report) => render_notice(&crate::render::plain::check(report)),
        Response::Notice(message) => render_notice(message),
    }
}

/// The HTML messages of a reply; quotes are numbered from `first_number` (2 and up for "more").
pub fn render_reply(reply: &Reply, first_number: usize) -> Vec<String> {
    split(&reply_blocks(reply, first_number), MAX_MESSAGE_LEN)
}

/// A short message (notices, refusals, admin reports) as escaped HTML.
pub fn render_notice(message: &str) -> Vec<String> {
    split(&text_blocks(message), MAX_MESSAGE_LEN)
}

/// What an inline result shows and inserts for one quote: the title (the sentence's start),
/// the description (citation and source) and the message to insert (HTML).
pub fn inline_quote(quote: &Quote) -> (String, String, String) {
    let mut title: String = quote.text().chars().take(TITLE_CHARS).collect();
    if quote.text().chars().count() > TITLE_CHARS {
        title.push('…');
    }
    let description = format!("{} {}", quote.citation(), quote.source_label());
    let block = Block {
        body: quote_spans(quote, "「", "」"),
        tail: citation_spans(quote),
    };
    let message = split(&[block], MAX_MESSAGE_LEN)
        .into_iter()
        .next()
        .unwrap_or_default();
    (title, description, message)
}

/// Escapes text for Telegram HTML (`&`, `<`, `>` and `"`).
pub fn escape(text: &str) -> String {
    teloxide::utils::html::escape(text)
}

/// Length of text as Telegram counts it (UTF-16 units).
pub fn telegram_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Packs blocks into messages of at most `limit` visible characters, blocks separated by a
/// blank line. A block longer than `limit` is cut between spans where it can and inside plain
/// text only when a span alone is too long; each piece closes its own tags.
pub fn split(blocks: &[Block], limit: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = Part::default();
    for block in blocks {
        let len = block_len(block);
        let blank = block_spans(block)
            .iter()
            .all(|span| span_text(span).trim().is_empty());
        if blank {
            continue;
        }
        if len <= limit {
            let needed = if current.is_empty() { len } else { len + 2 };
            if current.len + needed > limit {
                current.flush(&mut parts);
            }
            if !current.is_empty() {
                current.push(&Span::Plain("\n\n".into()));
            }
            for span in block_spans(block) {
                current.push(&span);
            }
            continue;
        }
        current.flush(&mut parts);
        for span in block_spans(block) {
            push_cutting(&mut current, &mut parts, span, limit);
        }
    }
    current.flush(&mut parts);
    parts
}

/// Blocks of a reply: the status line, one block per quote, the notes.
pub fn reply_blocks(reply: &Reply, first_number: usize) -> Vec<Block> {
    let mut blocks = Vec::new();
    blocks.extend(heading(reply).map(|text| Block {
        body: vec![Span::Plain(text)],
        tail: Vec::new(),
    }));
    // The figures line heads the first page only: "more" pages continue the quotes.
    if first_number == 1 {
        blocks.extend(reply.figures_line.as_ref().map(|line| Block {
            body: vec![Span::Plain(line.clone())],
            tail: Vec::new(),
        }));
    }
    for (n, quote) in reply.quotes.iter().enumerate() {
        let mut body = vec![Span::Plain(format!("{}. ", first_number + n))];
        body.extend(quote_spans(quote, "「", "」"));
        blocks.push(Block {
            body,
            tail: citation_spans(quote),
        });
    }
    if !reply.notes.is_empty() {
        let notes: Vec<String> = reply
            .notes
            .iter()
            .map(|note| format!("（{note}）"))
            .collect();
        blocks.push(Block {
            body: vec![Span::Italic(notes.join("\n"))],
            tail: Vec::new(),
        });
    }
    blocks
}

/// The quote's text between `open` and `close`, its figures bold.
fn quote_spans(quote: &Quote, open: &str, close: &str) -> Vec<Span> {
    let mut spans = vec![Span::Plain(open.to_string())];
    spans.extend(pieces(quote).into_iter().map(|piece| {
        if piece.figure {
            Span::Bold(piece.text.to_string())
        } else {
            Span::Plain(piece.text.to_string())
        }
    }));
    spans.push(Span::Plain(close.to_string()));
    spans
}

/// `—— [4·5.2] 《title》 · publisher · date` on its own line.
fn citation_spans(quote: &Quote) -> Vec<Span> {
    vec![
        Span::Plain("—— ".into()),
        Span::Code(quote.citation()),
        Span::Plain(" ".into()),
        Span::Italic(quote.source_label()),
    ]
}

/// Plain text in blocks of one paragraph each (split at blank lines).
fn text_blocks(text: &str) -> Vec<Block> {
    text.split("\n\n")
        .filter(|paragraph| !paragraph.trim().is_empty())
        .map(|paragraph| Block {
            body: vec![Span::Plain(paragraph.to_string())],
            tail: Vec::new(),
        })
        .collect()
}

fn context_blocks(context: &Context) -> Vec<Block> {
    let mut blocks = vec![Block {
        body: vec![
            Span::Italic(context.source_label()),
            Span::Plain(format!(" {}", context.doc)),
        ],
        tail: Vec::new(),
    }];
    for (id, text) in &context.sentences {
        let label = Span::Code(format!("[{id}]"));
        let body = if *id == context.target {
            vec![
                Span::Plain("▶ ".into()),
                label,
                Span::Bold(format!(" {text}")),
            ]
        } else {
            vec![label, Span::Plain(format!(" {text}"))]
        };
        blocks.push(Block {
            body,
            tail: Vec::new(),
        });
    }
    blocks
}

fn sources_blocks(documents: &[DocumentSummary]) -> Vec<Block> {
    let mut blocks = vec![Block {
        body: vec![Span::Plain(format!("共 {} 篇文档：", documents.len()))],
        tail: Vec::new(),
    }];
    for doc in documents {
        blocks.push(Block {
            body: vec![
                Span::Code(format!("[{}]", doc.number)),
                Span::Plain(" ".into()),
                Span::Plain(doc.source.label()),
                Span::Italic(format!("（{} 句，{}）", doc.n_sentences, doc.file)),
            ],
            tail: Vec::new(),
        });
    }
    blocks
}

/// A message being filled.
#[derive(Default)]
struct Part {
    html: String,
    len: usize,
}

impl Part {
    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn push(&mut self, span: &Span) {
        self.len += telegram_len(span_text(span));
        self.html.push_str(&span_html(span));
    }

    fn flush(&mut self, parts: &mut Vec<String>) {
        let html = std::mem::take(&mut self.html);
        // Telegram trims messages; one that is only whitespace would be refused.
        if self.len > 0 && !html.trim().is_empty() {
            parts.push(html);
        }
        self.len = 0;
    }
}

/// Adds a span to an oversized block, starting new messages as needed and cutting the span
/// itself (at character boundaries, each piece in its own tags) only when it is longer than a
/// whole message or is plain text that does not fit the rest of the current one.
fn push_cutting(current: &mut Part, parts: &mut Vec<String>, span: Span, limit: usize) {
    let len = telegram_len(span_text(&span));
    if current.len + len <= limit {
        current.push(&span);
        return;
    }
    let cuttable = matches!(span, Span::Plain(_)) || len > limit;
    if !cuttable {
        current.flush(parts);
        current.push(&span);
        return;
    }
    let mut piece = String::new();
    for ch in span_text(&span).chars() {
        if current.len + telegram_len(&piece) + ch.len_utf16() > limit {
            current.push(&with_text(&span, std::mem::take(&mut piece)));
            current.flush(parts);
        }
        piece.push(ch);
    }
    current.push(&with_text(&span, piece));
}

fn block_spans(block: &Block) -> Vec<Span> {
    let mut spans = block.body.clone();
    if !block.tail.is_empty() {
        if !block.body.is_empty() {
            spans.push(Span::Plain("\n".into()));
        }
        spans.extend(block.tail.iter().cloned());
    }
    spans
}

fn block_len(block: &Block) -> usize {
    block_spans(block)
        .iter()
        .map(|span| telegram_len(span_text(span)))
        .sum()
}

fn span_text(span: &Span) -> &str {
    match span {
        Span::Plain(text) | Span::Bold(text) | Span::Italic(text) | Span::Code(text) => text,
    }
}

fn with_text(span: &Span, text: String) -> Span {
    match span {
        Span::Plain(_) => Span::Plain(text),
        Span::Bold(_) => Span::Bold(text),
        Span::Italic(_) => Span::Italic(text),
        Span::Code(_) => Span::Code(text),
    }
}

fn span_html(span: &Span) -> String {
    let text = span_text(span);
    if text.is_empty() {
        return String::new();
    }
    match span {
        Span::Plain(text) => escape(text),
        Span::Bold(text) => format!("<b>{}</b>", escape(text)),
        Span::Italic(text) => format!("<i>{}</i>", escape(text)),
        Span::Code(text) => format!("<code>{}</code>", escape(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Block {
        Block {
            body: vec![Span::Plain(text.into())],
            tail: Vec::new(),
        }
    }

    fn check(blocks: &[Block], limit: usize, expected: &[&str]) {
        assert_eq!(split(blocks, limit), expected);
    }

    #[test]
    fn escapes_and_marks() {
        let block = Block {
            body: vec![Span::Plain("a<b>&c".into()), Span::Bold("1686亿元".into())],
            tail: vec![Span::Code("[4·5.2]".into()), Span::Italic("《x》".into())],
        };
        check(
            &[block],
            100,
            &["a&lt;b&gt;&amp;c<b>1686亿元</b>\n<code>[4·5.2]</code><i>《x》</i>"],
        );
    }

    #[test]
    fn packs_blocks_and_splits_between_them() {
        check(
            &[plain("一二三"), plain("四五六")],
            8,
            &["一二三\n\n四五六"],
        );
        check(
            &[plain("一二三"), plain("四五六")],
            7,
            &["一二三", "四五六"],
        );
        check(&[plain("  "), plain("四")], 7, &["四"]);
    }

    #[test]
    fn cuts_an_oversized_block_without_breaking_tags() {
        let block = Block {
            body: vec![Span::Plain("一二三四五".into()), Span::Bold("六七".into())],
            tail: vec![Span::Code("[1·1]".into())],
        };
        check(
            std::slice::from_ref(&block),
            6,
            &["一二三四五", "<b>六七</b>\n", "<code>[1·1]</code>"],
        );
        check(
            &[block],
            8,
            &["一二三四五<b>六七</b>\n", "<code>[1·1]</code>"],
        );
        let long_bold = Block {
            body: vec![Span::Bold("一二三四五".into())],
            tail: Vec::new(),
        };
        check(
            &[long_bold],
            2,
            &["<b>一二</b>", "<b>三四</b>", "<b>五</b>"],
        );
    }

    #[test]
    fn counts_utf16_units() {
        assert_eq!(telegram_len("大同😀"), 4);
        check(&[plain("😀😀😀")], 4, &["😀😀", "😀"]);
    }
}
