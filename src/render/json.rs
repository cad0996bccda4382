//! The JSON form of a reply, the `ask --json` contract: question, status, refused, answers
//! (text, doc, title, paragraph, sentence, ref, page, section, url, figures, score, confidence), confidence,
//! other_periods (the same objects), facts (figure questions: each figure as a value) and the
//! plain-text reply.

use crate::answer::{CheckReport, Fact, Quote, Reply, Status};

/// The reply as one JSON object.
pub fn reply(reply: &Reply) -> serde_json::Value {
    let answer = |quote: &Quote| {
        serde_json::json!({
            "text": quote.text(),
            "doc": quote.doc(),
            "title": quote.source().title,
            "paragraph": quote.id().para,
            "sentence": quote.id().sent,
            "ref": quote.citation(),
            "page": quote.page(),
            "section": quote.section(),
            "url": quote.source().url,
            "figures": quote.figures().iter().map(|figure| figure.text.as_str()).collect::<Vec<_>>(),
            "score": quote.score(),
            "confidence": rounded(quote.confidence()),
        })
    };
    let other_periods: &[Quote] = if reply.status == Status::OtherPeriod {
        &reply.quotes
    } else {
        &[]
    };
    serde_json::json!({
        "question": reply.question,
        "status": reply.status,
        "refused": reply.refused(),
        "confidence": rounded(reply.confidence),
        "answers": reply.answers().iter().map(answer).collect::<Vec<_>>(),
        "other_periods": other_periods.iter().map(answer).collect::<Vec<_>>(),
        "facts": reply.facts.iter().filter_map(|fact| fact_object(reply, fact)).collect::<Vec<_>>(),
        "reply": super::plain::reply(reply),
    })
}

/// A checked draft as one JSON object, the `check --json` contract.
pub fn check(report: &CheckReport) -> serde_json::Value {
    let claims: Vec<serde_json::Value> = report
        .claims
        .iter()
        .map(|claim| {
            serde_json::json!({
                "sentence": claim.sentence,
                "figure": claim.figure,
                "measure": claim.measure,
                "verdict": claim.verdict,
                "evidence": claim
                    .evidence
                    .iter()
                    .map(|(fact, quote)| fact_of_quote(fact, quote))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({ "draft": report.draft, "claims": claims })
}

/// One fact of the `facts` array, with its quote's document, reference, date and text.
fn fact_object(reply: &Reply, fact: &Fact) -> Option<serde_json::Value> {
    let quote = reply
        .quotes
        .iter()
        .find(|quote| quote.sentence_idx() == fact.sentence_idx)?;
    Some(fact_of_quote(fact, quote))
}

/// A fact object: the figure as a value, with its sentence and source.
fn fact_of_quote(fact: &Fact, quote: &Quote) -> serde_json::Value {
    serde_json::json!({
        "figure": fact.figure,
        "value": fact.quantity.value,
        "unit": fact.quantity.unit,
        "qualifier": fact.quantity.qualifier_word,
        "kind": fact.kind,
        "period": fact.period,
        "doc": quote.doc(),
        "ref": quote.citation(),
        "date": quote.source().date.as_deref().unwrap_or(""),
        "text": quote.text(),
    })
}

/// A probability with four decimals: more would only show float noise.
fn rounded(p: f32) -> f64 {
    (f64::from(p) * 1e4).round() / 1e4
}
