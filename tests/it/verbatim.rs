//! The invariant of the product, as a property: for many questions — the public set, and
//! questions generated from pieces of corpus sentences in either script, with noise — every
//! quoted sentence is a verbatim span of its file (whitespace aside), read here independently
//! of the library's own loading.

use std::collections::HashMap;

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use quotebot::engine::Engine;
use quotebot::text::normalize::to_traditional;

use crate::support::{public_questions, root, shipped_engine};

fn files_without_whitespace() -> HashMap<String, String> {
    let dir = root().join("corpus");
    std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(entry.path()).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            Some((name, text.chars().filter(|c| !c.is_whitespace()).collect()))
        })
        .collect()
}

fn assert_verbatim(engine: &Engine, files: &HashMap<String, String>, question: &str) {
    let reply = engine.ask(question);
    // The figures line says nothing of its own: each part is a quote's figure span with its
    // source's publisher (or title) and date, and the year the sentence states.
    for part in reply.figures_line.iter().flat_map(|line| line.split('｜')) {
        let (figure, label) = part
            .strip_suffix('）')
            .and_then(|part| part.split_once('（'))
            .unwrap_or_else(|| panic!("figure（source） in {part:?} for {question:?}"));
        let made_of_quote = reply.quotes.iter().any(|quote| {
            let source = quote.source();
            let who = source.publisher.as_deref().unwrap_or(&source.title);
            let date = source.date.as_deref().unwrap_or("");
            let metadata = [who, date]
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            let period_ok = match label.strip_prefix(metadata.as_str()) {
                Some("") => true,
                Some(rest) => rest.strip_prefix('，').is_some_and(|years| {
                    years
                        .split('-')
                        .all(|y| quote.text().contains(y) || y.len() == 4)
                }),
                None => false,
            };
            quote.figures().iter().any(|f| f.text == figure) && period_ok
        });
        assert!(
            made_of_quote,
            "{part:?} is not a quote's figure and source for {question:?}"
        );
    }
    for quote in &reply.quotes {
        let file = files
            .get(quote.doc())
            .unwrap_or_else(|| panic!("{} is a corpus file", quote.doc()));
        let text: String = quote
            .text()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(
            !text.is_empty() && file.contains(&text),
            "not verbatim for {question:?}: {}",
            quote.text()
        );
    }
}

#[test]
fn every_quote_is_a_span_of_its_file() {
    let (_scratch, engine) = shipped_engine();
    let files = files_without_whitespace();
    for question in public_questions() {
        assert_verbatim(&engine, &files, &question);
    }
    generated_questions_quote_verbatim(&engine, &files);
}

/// The same over a PDF, a DOCX, a web page and a Markdown file: each quote a span of the page's
/// or the Markdown file's own characters once the markup is taken out (read here with a few
/// patterns, not the library's readers), and for PDF and DOCX, whose containers only a reader
/// opens, of the text `source --raw` prints.
#[test]
fn every_quote_of_every_format_is_a_span_of_its_text() {
    let scratch = tempfile::TempDir::new().unwrap();
    let engine = crate::formats::engine(&scratch);
    let tag = regex::Regex::new(r"(?s)<script.*?</script>|<style.*?</style>|<[^>]*>").unwrap();
    let link = regex::Regex::new(r"\[([^\]]*)\]\([^)]*\)").unwrap();
    let mut files = HashMap::new();
    for doc in engine.documents() {
        let path = scratch.path().join("corpus").join(&doc.file);
        let raw = std::fs::read_to_string(&path).unwrap_or_default();
        let text = match doc.file.rsplit_once('.').map(|(_, ext)| ext) {
            Some("html") => tag
                .replace_all(&raw, "")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
            Some("md") => link.replace_all(&raw, "$1").replace("**", ""),
            _ => engine
                .document_text(&doc.number.to_string())
                .unwrap()
                .to_string(),
        };
        files.insert(
            doc.file.clone(),
            text.chars().filter(|c| !c.is_whitespace()).collect(),
        );
    }
    generated_questions_quote_verbatim(&engine, &files);
}

/// Questions made of pieces of the engine's sentences, in either script, with noise: every
/// quote verbatim.
fn generated_questions_quote_verbatim(engine: &Engine, files: &HashMap<String, String>) {
    let sentences: Vec<String> = engine
        .corpus()
        .sentences()
        .map(|s| s.text.to_string())
        .collect();
    let n_sentences = sentences.len();
    let strategy = (
        0..n_sentences,
        0usize..40,
        2usize..16,
        any::<bool>(),
        "[ 的吗？?!大同多少a-z0-9]{0,4}",
    );
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 300,
        ..ProptestConfig::default()
    });
    runner
        .run(
            &strategy,
            |(sentence_idx, start, len, traditional, noise)| {
                let chars: Vec<char> = sentences[sentence_idx].chars().collect();
                let start = start.min(chars.len().saturating_sub(1));
                let piece: String = chars[start..(start + len).min(chars.len())]
                    .iter()
                    .collect();
                let question = format!("{noise}{piece}{noise}");
                let question = if traditional {
                    to_traditional(&question)
                } else {
                    question
                };
                assert_verbatim(engine, files, &question);
                Ok(())
            },
        )
        .unwrap();
}
