//! Plain text: the terminal chat, `quotebot ask` and the JSON `reply` field. Figures are marked
//! with 【】.

use super::{heading, pieces};
use crate::answer::{CheckReport, Claim, Context, Quote, Reply, Verdict};
use crate::corpus::DocumentSummary;

/// A reply: its heading, then one numbered quote with its citation per block, then the notes.
pub fn reply(reply: &Reply) -> String {
    let mut out = heading(reply).unwrap_or_default();
    if let Some(line) = &reply.figures_line {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    for (n, quote) in reply.quotes.iter().enumerate() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!(
            "{}. 「{}」\n   —— {} {}",
            n + 1,
            marked(quote),
            quote.citation(),
            quote.source_label()
        ));
    }
    for note in &reply.notes {
        out.push_str(&format!("\n（{note}）"));
    }
    out
}

/// A checked draft: one block per claim (the figure, the verdict, the evidence quoted with
/// its citation), or a line saying the draft states no figure.
pub fn check(report: &CheckReport) -> String {
    if report.claims.is_empty() {
        return "草稿中没有可以核对的数字。".to_string();
    }
    let blocks: Vec<String> = report
        .claims
        .iter()
        .enumerate()
        .map(|(n, claim)| check_claim(n + 1, claim))
        .collect();
    blocks.join("\n")
}

/// One claim of a checked draft, numbered `n`: the figure, the verdict, the evidence.
pub fn check_claim(n: usize, claim: &Claim) -> String {
    let label = match claim.verdict {
        // The evidence of a claim not found is of other years than the draft's.
        Verdict::NotFound if !claim.evidence.is_empty() => {
            "资料中没有这一时期的数字（以下是来源给出的其他时期的数字）"
        }
        verdict => verdict_label(verdict),
    };
    let mut out = format!("{n}. {}：{label}", claim.figure);
    for (fact, quote) in claim.evidence.iter().take(EVIDENCE_SHOWN) {
        // A 2021 figure in a 2022 report: its period, where the publication date would mislead.
        let date = quote.source().date.as_deref().unwrap_or("");
        let period = if fact.period.is_empty() || date.starts_with(&fact.period) {
            String::new()
        } else {
            format!("（{}）", fact.period)
        };
        out.push_str(&format!(
            "\n   【{}】{period}「{}」\n   —— {} {}",
            fact.figure,
            quote.text(),
            quote.citation(),
            quote.source_label()
        ));
    }
    out
}

/// Evidence quotes shown per claim in text (JSON has them all).
const EVIDENCE_SHOWN: usize = 3;

/// The verdict in words.
pub fn verdict_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Supported => "有来源支持（最新的来源给出同样的数字）",
        Verdict::Outdated => "已过时（较早的来源给出这个数字，较新的来源给出别的数字）",
        Verdict::Contradicted => "与来源不符（来源给出别的数字）",
        Verdict::NotFound => "资料中没有找到这一项",
    }
}

/// A cited sentence in its context: one sentence a line, the cited one marked with ▶.
pub fn context(context: &Context) -> String {
    let mut out = format!("{} {}\n", context.source_label(), context.doc);
    if let Some(url) = &context.source.url {
        out.push_str(&format!("{url}\n"));
    }
    for (id, text) in &context.sentences {
        let mark = if *id == context.target { "▶" } else { " " };
        out.push_str(&format!("{mark} [{id}] {text}\n"));
    }
    out.trim_end().to_string()
}

/// The documents, one a line, with their numbers.
pub fn documents(documents: &[DocumentSummary]) -> String {
    let lines: Vec<String> = documents
        .iter()
        .map(|doc| {
            format!(
                "[{}] {}（{} 句，{}）",
                doc.number,
                doc.source.label(),
                doc.n_sentences,
                doc.file
            )
        })
        .collect();
    format!("共 {} 篇文档：\n{}", documents.len(), lines.join("\n"))
}

/// The quote's text with its figures in 【】.
fn marked(quote: &Quote) -> String {
    pieces(quote)
        .into_iter()
        .map(|piece| {
            if piece.figure {
                format!("【{}】", piece.text)
            } else {
                piece.text.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::tests::{corpus, hits};
    use crate::answer::{Status, reply as build_reply};
    use crate::config::AnswerConfig;
    use crate::question::{Synonyms, parse_question};

    #[test]
    fn renders_plain_text_with_marked_figures() {
        let corpus = corpus();
        let parsed = parse_question("服务器", &Synonyms::default());
        let answered = build_reply(
            &parsed,
            "服务器",
            &hits(&[(3, 1.0)]),
            &crate::search::MeasurePool::default(),
            &corpus,
            &AnswerConfig::default(),
            0,
        );
        assert_eq!(
            reply(&answered),
            "1. 「投运服务器【68萬臺】。」\n   —— [2·1.1] 《2_new.txt》 · 2025-03-12"
        );
        let none = Reply::empty(
            "房价",
            Status::NotFound,
            vec!["问题过长，只按前300个字检索".into()],
        );
        assert_eq!(
            reply(&none),
            "资料中没有找到与“房价”相关的内容。\n（问题过长，只按前300个字检索）"
        );
        let failed = Reply::empty("房价", Status::SearchFailed, Vec::new());
        assert!(!reply(&failed).contains("没有找到"), "{}", reply(&failed));
    }
}
