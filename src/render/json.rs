//! The JSON form of a reply, the `ask --json` contract: question, status, refused, answers
//! (text, doc, title, paragraph, sentence, ref, figures, score) and the plain-text reply.

use crate::answer::Reply;

/// The reply as one JSON object.
pub fn reply(reply: &Reply) -> serde_json::Value {
    let answers: Vec<serde_json::Value> = reply
        .quotes
        .iter()
        .map(|quote| {
            serde_json::json!({
                "text": quote.text(),
                "doc": quote.doc(),
                "title": quote.source().title,
                "paragraph": quote.id().para,
                "sentence": quote.id().sent,
                "ref": quote.citation(),
                "figures": quote.figures().iter().map(|figure| figure.text.as_str()).collect::<Vec<_>>(),
                "score": quote.score(),
            })
        })
        .collect();
    serde_json::json!({
        "question": reply.question,
        "status": reply.status,
        "refused": reply.quotes.is_empty(),
        "answers": answers,
        "reply": super::plain::reply(reply),
    })
}
