//! Hits → [`Reply`]: the quotes a person sees, each a whole corpus sentence with its number,
//! its source and its figures; near-duplicates removed; sources that disagree on a figure shown
//! side by side, newest first. Also the plain-text form of a reply (terminal, JSON `reply`).
//! Pure: nothing here reads files or the clock.

use std::collections::BTreeSet;

use crate::config::AnswerConfig;
use crate::corpus::{Corpus, SentenceId, Source};
use crate::figures::{Figure, figure_key, find_figures};
use crate::normalize::strip_whitespace;
use crate::retrieve::{Hit, Question};
use crate::tokenize::bigrams;

/// What a reply is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Quotes ranked by relevance.
    Answered,
    /// Quotes from several sources stating different figures, newest source first.
    SourcesDisagree,
    /// Nothing in the corpus answers the question.
    NotFound,
    /// The message holds nothing to search for (empty, emoji only, punctuation only).
    NoQuestion,
}

/// A quoted corpus sentence. Made only by [`Quote::from_corpus`], so its text is always a
/// sentence of the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub sentence_idx: usize,
    pub id: SentenceId,
    /// File name relative to the corpus folder.
    pub doc: String,
    pub text: String,
    pub figures: Vec<Figure>,
    pub source: Source,
    pub score: f32,
}

impl Quote {
    /// The quote of sentence `sentence_idx` of `corpus`.
    pub fn from_corpus(corpus: &Corpus, sentence_idx: usize, score: f32) -> Quote {
        let sentence = &corpus.sentences[sentence_idx];
        let document = corpus.document_of(sentence);
        Quote {
            sentence_idx,
            id: sentence.id,
            doc: document.file.clone(),
            text: sentence.text.clone(),
            figures: find_figures(&sentence.text),
            source: document.source.clone(),
            score,
        }
    }

    /// The citation label, e.g. `[4·12.1]`.
    pub fn citation(&self) -> String {
        format!("[{}]", self.id)
    }
}

/// The answer to one question, ready for any front end to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The question as it was searched (shortened if it was too long).
    pub question: String,
    pub status: Status,
    pub quotes: Vec<Quote>,
    /// Remarks for the reader, e.g. that a long question was shortened.
    pub notes: Vec<String>,
}

impl Reply {
    /// A reply that quotes nothing.
    pub fn empty(question: &str, status: Status, notes: Vec<String>) -> Reply {
        Reply {
            question: question.to_string(),
            status,
            quotes: Vec::new(),
            notes,
        }
    }
}

/// Builds the reply for `question` from ranked `hits`, skipping the first `skip` quotes (for
/// "more results").
pub fn reply(
    question: &Question,
    text: &str,
    hits: &[Hit],
    corpus: &Corpus,
    config: &AnswerConfig,
    skip: usize,
) -> Reply {
    if question.terms.is_empty() {
        return Reply::empty(text, Status::NoQuestion, Vec::new());
    }
    // Enough distinct quotes for this page and for comparing sources; the rest are never shown.
    let wanted = skip + config.max_quotes.max(config.max_sources) * 4;
    let distinct = distinct_quotes(hits, corpus, wanted);
    if distinct.is_empty() {
        return Reply::empty(text, Status::NotFound, Vec::new());
    }
    if skip == 0
        && question.wants_figure
        && let Some(quotes) = disagreeing_sources(&distinct, config)
    {
        let status = Status::SourcesDisagree;
        return Reply {
            question: text.to_string(),
            status,
            quotes,
            notes: Vec::new(),
        };
    }
    let quotes: Vec<Quote> = distinct
        .into_iter()
        .skip(skip)
        .take(config.max_quotes)
        .collect();
    let status = if quotes.is_empty() {
        Status::NotFound
    } else {
        Status::Answered
    };
    Reply {
        question: text.to_string(),
        status,
        quotes,
        notes: Vec::new(),
    }
}

/// True when `quote` is a span of `document_text` once whitespace is removed from both.
pub fn is_verbatim(quote: &str, document_text: &str) -> bool {
    let quote = strip_whitespace(quote);
    !quote.is_empty() && strip_whitespace(document_text).contains(&quote)
}

/// Renders a reply as plain text (terminal chat, the JSON `reply` field). Figures are marked
/// with 【】.
pub fn render_plain(reply: &Reply) -> String {
    let mut out = String::new();
    match reply.status {
        Status::NoQuestion => out.push_str("请输入一个问题，例如：大同2021年地区生产总值是多少？"),
        Status::NotFound => {
            out.push_str(&format!("资料中没有找到与“{}”相关的内容。", reply.question))
        }
        Status::SourcesDisagree => {
            out.push_str("不同来源给出的数字不同（按发布时间排列，新的在前）：")
        }
        Status::Answered => {}
    }
    for (n, quote) in reply.quotes.iter().enumerate() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!(
            "{}. 「{}」\n   —— {} {}",
            n + 1,
            mark_figures(quote, "【", "】"),
            quote.citation(),
            quote.source.label()
        ));
    }
    for note in &reply.notes {
        out.push_str(&format!("\n（{note}）"));
    }
    out
}

/// The quote's text with each figure wrapped in `open`…`close`; `escape` is applied to every
/// piece of corpus text (identity for plain text, HTML escaping for Telegram).
pub fn mark_figures_with(
    quote: &Quote,
    open: &str,
    close: &str,
    escape: &dyn Fn(&str) -> String,
) -> String {
    let mut out = String::new();
    let mut at = 0;
    for figure in &quote.figures {
        if figure.range.start < at {
            continue;
        }
        out.push_str(&escape(&quote.text[at..figure.range.start]));
        out.push_str(open);
        out.push_str(&escape(&figure.text));
        out.push_str(close);
        at = figure.range.end;
    }
    out.push_str(&escape(&quote.text[at..]));
    out
}

fn mark_figures(quote: &Quote, open: &str, close: &str) -> String {
    mark_figures_with(quote, open, close, &|text| text.to_string())
}

/// The first `wanted` quotes of the hits in rank order, without sentences that repeat one already taken (the same
/// text, or mostly the same bigrams: reprinted paragraphs, a headline and its lead).
fn distinct_quotes(hits: &[Hit], corpus: &Corpus, wanted: usize) -> Vec<Quote> {
    /// Share of shared bigrams above which two sentences say the same thing.
    const SAME_TEXT_OVERLAP: f32 = 0.7;
    let mut taken: Vec<(Quote, BTreeSet<String>)> = Vec::new();
    for hit in hits {
        if taken.len() >= wanted {
            break;
        }
        let sentence = &corpus.sentences[hit.sentence_idx];
        let grams: BTreeSet<String> = bigrams(&sentence.normalized).into_iter().collect();
        let repeats = taken.iter().any(|(_, other)| {
            let shared = grams.intersection(other).count() as f32;
            let smaller = grams.len().min(other.len()).max(1) as f32;
            shared / smaller >= SAME_TEXT_OVERLAP
        });
        if !repeats {
            taken.push((
                Quote::from_corpus(corpus, hit.sentence_idx, hit.score),
                grams,
            ));
        }
    }
    taken.into_iter().map(|(quote, _)| quote).collect()
}

/// When close-scoring sentences from different sources state different figures of the same
/// kind (the same unit: 万台 and 万台, not 万台 and 亿元), the best sentence of each such
/// source, newest source first (undated last).
fn disagreeing_sources(quotes: &[Quote], config: &AnswerConfig) -> Option<Vec<Quote>> {
    let first = quotes.first()?;
    let units = figure_units(first);
    if units.is_empty() {
        return None;
    }
    let mut per_source: Vec<Quote> = vec![first.clone()];
    for quote in quotes
        .iter()
        .skip(1)
        .take_while(|quote| quote.score >= first.score * config.other_source_ratio)
    {
        let same_kind = !figure_units(quote).is_disjoint(&units);
        if same_kind && per_source.iter().all(|taken| taken.doc != quote.doc) {
            per_source.push(quote.clone());
        }
    }
    let keys: BTreeSet<BTreeSet<String>> = per_source
        .iter()
        .map(|quote| {
            quote
                .figures
                .iter()
                .map(|figure| figure_key(&figure.text))
                .collect()
        })
        .collect();
    if per_source.len() < 2 || keys.len() < 2 {
        return None;
    }
    per_source.truncate(config.max_sources);
    per_source.sort_by(|a, b| {
        b.source
            .date
            .is_some()
            .cmp(&a.source.date.is_some())
            .then(b.source.date.cmp(&a.source.date))
    });
    Some(per_source)
}

/// The JSON form of a reply (the `ask --json` contract): question, refused, answers with text,
/// doc, title, paragraph, sentence, ref, figures and score, and the plain-text reply.
pub fn reply_json(reply: &Reply) -> serde_json::Value {
    let answers: Vec<serde_json::Value> = reply
        .quotes
        .iter()
        .map(|quote| {
            serde_json::json!({
                "text": quote.text,
                "doc": quote.doc,
                "title": quote.source.title,
                "paragraph": quote.id.para,
                "sentence": quote.id.sent,
                "ref": quote.citation(),
                "figures": quote.figures.iter().map(|figure| figure.text.clone()).collect::<Vec<_>>(),
                "score": quote.score,
            })
        })
        .collect();
    serde_json::json!({
        "question": reply.question,
        "refused": reply.quotes.is_empty(),
        "answers": answers,
        "reply": render_plain(reply),
    })
}

/// The units of a quote's figures (亿元, 万台), the part after the number.
fn figure_units(quote: &Quote) -> BTreeSet<String> {
    quote
        .figures
        .iter()
        .map(|figure| {
            figure_key(&figure.text)
                .trim_start_matches(|ch: char| ch.is_ascii_digit() || ch == '.')
                .to_string()
        })
        // Shares and growth rates are stated about anything, so they do not make two
        // sentences talk about the same quantity.
        .filter(|unit| !unit.is_empty() && !matches!(unit.as_str(), "%" | "‰" | "个百分点"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Synonyms;
    use crate::corpus::{CleaningRules, RawFile, SourceEntry, SourcesFile};
    use crate::retrieve::parse_question;

    /// Three sources: an old report, a newer interview, an undated page.
    fn corpus() -> Corpus {
        let file = |name: &str, text: &str| RawFile {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        };
        let files = [
            file(
                "1_old.txt",
                "全市在用服务器25.3万台。全市在用服务器25.3万台，比上年多。全年游客增长10%。",
            ),
            file("2_new.txt", "投运服务器68萬臺。"),
            file("3_page.txt", "服务器达到30万台。"),
        ];
        let entry = |file: &str, date: Option<&str>| SourceEntry {
            file: file.into(),
            source: Source {
                title: file.into(),
                date: date.map(str::to_string),
                ..Source::default()
            },
        };
        let sources = SourcesFile {
            document: vec![
                entry("1_old.txt", Some("2022")),
                entry("2_new.txt", Some("2025-03-12")),
                entry("3_page.txt", None),
            ],
        };
        Corpus::build(&files, &sources, &CleaningRules::default())
    }

    fn hits(scores: &[(usize, f32)]) -> Vec<Hit> {
        scores
            .iter()
            .map(|&(sentence_idx, score)| Hit {
                sentence_idx,
                score,
                coverage: 1.0,
            })
            .collect()
    }

    fn check(question: &str, scores: &[(usize, f32)], status: Status, refs: &[&str]) {
        let corpus = corpus();
        let parsed = parse_question(question, &Synonyms::default());
        let reply = reply(
            &parsed,
            question,
            &hits(scores),
            &corpus,
            &AnswerConfig::default(),
            0,
        );
        let got: Vec<String> = reply.quotes.iter().map(Quote::citation).collect();
        assert_eq!(
            (reply.status, got),
            (status, refs.iter().map(|r| r.to_string()).collect()),
            "{question}"
        );
    }

    #[test]
    fn builds_replies() {
        check(
            "服务器有多少台",
            &[(0, 9.0), (1, 8.9), (3, 8.0), (4, 7.0)],
            Status::SourcesDisagree,
            &["[2·1.1]", "[1·1.1]", "[3·1.1]"],
        );
        check(
            "服务器",
            &[(0, 9.0), (1, 8.9), (3, 8.0)],
            Status::Answered,
            &["[1·1.1]", "[2·1.1]"],
        );
        check(
            "服务器有多少台",
            &[(0, 9.0), (3, 0.5)],
            Status::Answered,
            &["[1·1.1]", "[2·1.1]"],
        );
        check(
            "游客有多少",
            &[(2, 9.0), (0, 8.0)],
            Status::Answered,
            &["[1·1.3]", "[1·1.1]"],
        );
        check("服务器有多少台", &[], Status::NotFound, &[]);
        check("？？", &[(0, 9.0)], Status::NoQuestion, &[]);
    }

    #[test]
    fn renders_plain_text_with_marked_figures() {
        let corpus = corpus();
        let parsed = parse_question("服务器", &Synonyms::default());
        let reply = reply(
            &parsed,
            "服务器",
            &hits(&[(3, 1.0)]),
            &corpus,
            &AnswerConfig::default(),
            0,
        );
        assert_eq!(
            render_plain(&reply),
            "1. 「投运服务器【68萬臺】。」\n   —— [2·1.1] 《2_new.txt》 · 2025-03-12"
        );
        let none = Reply::empty(
            "房价",
            Status::NotFound,
            vec!["问题过长，只按前300个字检索".into()],
        );
        assert_eq!(
            render_plain(&none),
            "资料中没有找到与“房价”相关的内容。\n（问题过长，只按前300个字检索）"
        );
        let quote = &reply.quotes[0];
        let html = mark_figures_with(quote, "<b>", "</b>", &|text| text.replace('<', "&lt;"));
        assert_eq!(html, "投运服务器<b>68萬臺</b>。");
    }

    #[test]
    fn checks_verbatim_spans() {
        assert!(is_verbatim(
            "国电湖东、热三期两个项目",
            "国电湖东、\n\n热三期两个项目正在建设"
        ));
        assert!(!is_verbatim("国电湖东热三期", "国电湖东、\n\n热三期"));
        assert!(!is_verbatim("", "任何文字"));
    }
}
