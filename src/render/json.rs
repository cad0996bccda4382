//! The JSON form of a reply, the `ask --json` contract: question, status, refused, answers
//! (text, doc, title, paragraph, sentence, ref, figures, score, confidence), confidence,
//! other_periods (the same objects) and the plain-text reply.

use crate::answer::{Quote, Reply, Status};

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
        "reply": super::plain::reply(reply),
    })
}

/// A probability with four decimals: more would only show float noise.
fn rounded(p: f32) -> f64 {
    (f64::from(p) * 1e4).round() / 1e4
}
