//! Replies as Telegram HTML: every corpus and user string escaped, each quote in a
//! `<blockquote>` (an expandable one when long, and for `/source` context) with its figures in
//! bold, one citation line per quote whose number links to the sentence's context (a
//! `t.me/<bot>?start=src-…` deep link that `/start` answers) and whose source links to the
//! document's URL when known; messages longer than Telegram's 4096 characters split between
//! quotes (never inside a tag or a citation), and at most 100 entities a message (Telegram
//! drops the formatting past that). Pure: values in, strings out; nothing here sends.
//!
//! A message is built from [`Block`]s (a quote with its citation, a heading, the notes) made of
//! [`Span`]s (plain, bold, italic, code or linked text, unescaped). Lengths are counted as
//! Telegram counts them after parsing the HTML: the visible text in UTF-16 units.

use std::sync::OnceLock;

use crate::answer::{Context, Quote, Reply};
use crate::conversation::{HELP, Response, WELCOME};
use crate::corpus::DocumentSummary;
use crate::render::{heading, pieces};

/// Telegram's limit on a message's text, after entity parsing.
pub const MAX_MESSAGE_LEN: usize = 4096;

/// The longest inline-result title, in characters; Telegram shows about one line.
const TITLE_CHARS: usize = 40;

/// The most entities (bold, italic, code, links, blockquotes) Telegram formats in a message.
pub const MAX_ENTITIES: usize = 100;

/// Quotes longer than this (characters) are shown in an expandable blockquote.
const EXPANDABLE_CHARS: usize = 200;

/// The bot's username, for deep links; set once when the bot starts.
static BOT_NAME: OnceLock<String> = OnceLock::new();

/// Sets the username deep links point at (the first call wins).
pub fn set_bot_name(name: &str) {
    let _ = BOT_NAME.set(name.to_string());
}

/// The deep link that opens the bot's private chat on the context of `id`.
pub fn context_link(id: crate::corpus::SentenceId) -> Option<String> {
    let name = BOT_NAME.get()?;
    Some(format!(
        "https://t.me/{name}?start=src-{}-{}-{}",
        id.doc, id.para, id.sent
    ))
}

/// A run of text with one kind of marking; the text is raw (escaped when rendered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Plain(String),
    Bold(String),
    Italic(String),
    Code(String),
    /// Text linking to a URL.
    Link(String, String),
}

/// What a block's body stands in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Wrap {
    #[default]
    None,
    Quote,
    /// A blockquote shown folded, opened by a tap.
    Expandable,
}

/// A unit of a message kept in one message when it fits: `body` may be cut if it alone is
/// longer than a message; `tail` (a citation line) is never cut.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Block {
    pub body: Vec<Span>,
    pub tail: Vec<Span>,
    pub wrap: Wrap,
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
        wrap: quote_wrap(quote),
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

/// Packs blocks into messages of at most `limit` visible characters and [`MAX_ENTITIES`]
/// entities, blocks separated by a blank line. A block longer than `limit` is cut between spans
/// where it can and inside plain text only when a span alone is too long; each piece closes its
/// own tags (a blockquote cut in two is closed and opened again).
pub fn split(blocks: &[Block], limit: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = Part::default();
    for block in blocks {
        let len = block_len(block);
        let blank = block_spans(block)
            .iter()
            .all(|(span, _)| span_text(span).trim().is_empty());
        if blank {
            continue;
        }
        if len <= limit {
            let needed = if current.is_empty() { len } else { len + 2 };
            let entities = block_entities(block);
            if current.len + needed > limit
                || (current.entities + entities > MAX_ENTITIES && !current.is_empty())
            {
                current.flush(&mut parts);
            }
            if !current.is_empty() {
                current.push(&Span::Plain("\n\n".into()), Wrap::None);
            }
            for (span, wrap) in block_spans(block) {
                current.push(&span, wrap);
            }
            current.close();
            continue;
        }
        current.flush(&mut parts);
        for (span, wrap) in block_spans(block) {
            push_cutting(&mut current, &mut parts, span, wrap, limit);
        }
        current.close();
    }
    current.flush(&mut parts);
    parts
}

/// Blocks of a reply: the status line, one block per quote, the notes.
pub fn reply_blocks(reply: &Reply, first_number: usize) -> Vec<Block> {
    let mut blocks = Vec::new();
    blocks.extend(heading(reply).map(|text| Block {
        body: vec![Span::Plain(text)],
        ..Block::default()
    }));
    // The figures line heads the first page only: "more" pages continue the quotes.
    if first_number == 1 {
        blocks.extend(reply.figures_line.as_ref().map(|line| Block {
            body: vec![Span::Plain(line.clone())],
            ..Block::default()
        }));
    }
    for (n, quote) in reply.quotes.iter().enumerate() {
        let mut body = vec![Span::Plain(format!("{}. ", first_number + n))];
        body.extend(quote_spans(quote, "「", "」"));
        blocks.push(Block {
            body,
            tail: citation_spans(quote),
            wrap: quote_wrap(quote),
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
            ..Block::default()
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

/// A quote stands in a blockquote, folded when long.
fn quote_wrap(quote: &Quote) -> Wrap {
    if quote.text().chars().count() > EXPANDABLE_CHARS {
        Wrap::Expandable
    } else {
        Wrap::Quote
    }
}

/// `—— [4·5.2] 《title》 · publisher · date · p.3 原文` on its own line: the number links to the
/// sentence's context in the bot's chat, 原文 to the document's URL.
fn citation_spans(quote: &Quote) -> Vec<Span> {
    let citation = match context_link(quote.id()) {
        Some(link) => Span::Link(quote.citation(), link),
        None => Span::Code(quote.citation()),
    };
    let mut spans = vec![
        Span::Plain("—— ".into()),
        citation,
        Span::Plain(" ".into()),
        Span::Italic(quote.source_label()),
    ];
    if let Some(url) = quote.source().url.as_ref().filter(|url| is_web_link(url)) {
        spans.push(Span::Plain(" ".into()));
        spans.push(Span::Link("原文".into(), url.clone()));
    }
    spans
}

/// Only http(s) addresses become links: a `javascript:` URL in a page must not.
fn is_web_link(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// Plain text in blocks of one paragraph each (split at blank lines).
fn text_blocks(text: &str) -> Vec<Block> {
    text.split("\n\n")
        .filter(|paragraph| !paragraph.trim().is_empty())
        .map(|paragraph| Block {
            body: vec![Span::Plain(paragraph.to_string())],
            ..Block::default()
        })
        .collect()
}

fn context_blocks(context: &Context) -> Vec<Block> {
    let mut head = vec![
        Span::Italic(context.source_label()),
        Span::Plain(format!(" {}", context.doc)),
    ];
    if let Some(url) = context.source.url.as_ref().filter(|url| is_web_link(url)) {
        head.push(Span::Plain(" ".into()));
        head.push(Span::Link("原文".into(), url.clone()));
    }
    let mut blocks = vec![Block {
        body: head,
        ..Block::default()
    }];
    // The sentences in one folded blockquote, the cited one marked.
    let mut body = Vec::new();
    for (n, (id, text)) in context.sentences.iter().enumerate() {
        if n > 0 {
            body.push(Span::Plain("\n".into()));
        }
        let label = Span::Code(format!("[{id}]"));
        if *id == context.target {
            body.extend([
                Span::Plain("▶ ".into()),
                label,
                Span::Bold(format!(" {text}")),
            ]);
        } else {
            body.extend([label, Span::Plain(format!(" {text}"))]);
        }
    }
    blocks.push(Block {
        body,
        tail: Vec::new(),
        wrap: Wrap::Expandable,
    });
    blocks
}

fn sources_blocks(documents: &[DocumentSummary]) -> Vec<Block> {
    let mut blocks = vec![Block {
        body: vec![Span::Plain(format!("共 {} 篇文档：", documents.len()))],
        ..Block::default()
    }];
    for doc in documents {
        let mut body = vec![
            Span::Code(format!("[{}]", doc.number)),
            Span::Plain(" ".into()),
            Span::Plain(doc.source.label()),
            Span::Italic(format!("（{} 句，{}）", doc.n_sentences, doc.file)),
        ];
        if let Some(url) = doc.source.url.as_ref().filter(|url| is_web_link(url)) {
            body.push(Span::Plain(" ".into()));
            body.push(Span::Link("原文".into(), url.clone()));
        }
        if let Some(note) = &doc.source.note {
            body.push(Span::Plain(format!("\n{note}")));
        }
        blocks.push(Block {
            body,
            ..Block::default()
        });
    }
    blocks
}

/// A message being filled.
#[derive(Default)]
struct Part {
    html: String,
    len: usize,
    entities: usize,
    /// The blockquote open in this message.
    open: Wrap,
}

impl Part {
    fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds a span standing in `wrap`, opening or closing the blockquote as needed; past
    /// [`MAX_ENTITIES`] a span keeps its text and loses its formatting.
    fn push(&mut self, span: &Span, wrap: Wrap) {
        if wrap != self.open {
            self.close();
            if wrap != Wrap::None && self.entities < MAX_ENTITIES {
                self.html.push_str(match wrap {
                    Wrap::Expandable => "<blockquote expandable>",
                    _ => "<blockquote>",
                });
                self.entities += 1;
                self.open = wrap;
            }
        }
        self.len += telegram_len(span_text(span));
        if is_entity(span) && self.entities < MAX_ENTITIES {
            self.entities += 1;
            self.html.push_str(&span_html(span));
        } else {
            self.html.push_str(&escape(span_text(span)));
        }
    }

    /// Closes the open blockquote.
    fn close(&mut self) {
        if self.open != Wrap::None {
            self.html.push_str("</blockquote>");
            self.open = Wrap::None;
        }
    }

    /// Ends the message; a blockquote cut here opens again with the next span in it.
    fn flush(&mut self, parts: &mut Vec<String>) {
        self.close();
        let html = std::mem::take(&mut self.html);
        // Telegram trims messages; one that is only whitespace would be refused.
        if self.len > 0 && !html.trim().is_empty() {
            parts.push(html);
        }
        self.len = 0;
        self.entities = 0;
    }
}

/// Adds a span to an oversized block, starting new messages as needed and cutting the span
/// itself (at character boundaries, each piece in its own tags) only when it is longer than a
/// whole message or is plain text that does not fit the rest of the current one.
fn push_cutting(current: &mut Part, parts: &mut Vec<String>, span: Span, wrap: Wrap, limit: usize) {
    let len = telegram_len(span_text(&span));
    if current.len + len <= limit {
        current.push(&span, wrap);
        return;
    }
    let cuttable = matches!(span, Span::Plain(_)) || len > limit;
    if !cuttable {
        current.flush(parts);
        current.push(&span, wrap);
        return;
    }
    let mut piece = String::new();
    for ch in span_text(&span).chars() {
        if current.len + telegram_len(&piece) + ch.len_utf16() > limit {
            current.push(&with_text(&span, std::mem::take(&mut piece)), wrap);
            current.flush(parts);
        }
        piece.push(ch);
    }
    current.push(&with_text(&span, piece), wrap);
}

/// The block's spans in order, each with the blockquote it stands in: the body in the
/// block's wrap, the tail (the citation) after it.
fn block_spans(block: &Block) -> Vec<(Span, Wrap)> {
    let mut spans: Vec<(Span, Wrap)> = block
        .body
        .iter()
        .map(|span| (span.clone(), block.wrap))
        .collect();
    if !block.tail.is_empty() {
        if !block.body.is_empty() {
            spans.push((Span::Plain("\n".into()), Wrap::None));
        }
        spans.extend(block.tail.iter().map(|span| (span.clone(), Wrap::None)));
    }
    spans
}

fn block_len(block: &Block) -> usize {
    block_spans(block)
        .iter()
        .map(|(span, _)| telegram_len(span_text(span)))
        .sum()
}

/// Entities the block takes: its marked spans and its blockquote.
fn block_entities(block: &Block) -> usize {
    let spans = block_spans(block);
    let marked = spans.iter().filter(|(span, _)| is_entity(span)).count();
    marked + usize::from(block.wrap != Wrap::None)
}

fn is_entity(span: &Span) -> bool {
    !matches!(span, Span::Plain(_)) && !span_text(span).is_empty()
}

fn span_text(span: &Span) -> &str {
    match span {
        Span::Plain(text)
        | Span::Bold(text)
        | Span::Italic(text)
        | Span::Code(text)
        | Span::Link(text, _) => text,
    }
}

fn with_text(span: &Span, text: String) -> Span {
    match span {
        Span::Plain(_) => Span::Plain(text),
        Span::Bold(_) => Span::Bold(text),
        Span::Italic(_) => Span::Italic(text),
        Span::Code(_) => Span::Code(text),
        Span::Link(_, url) => Span::Link(text, url.clone()),
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
        Span::Link(text, url) => format!("<a href=\"{}\">{}</a>", escape(url), escape(text)),
    }
}

#[cfg(test)]
mod tests;
