//! `/why`: how a question was read and why it got its reply, in words a user reads: the terms
//! searched for (with their synonyms), what kind of answer it asks for, the share of it the
//! corpus does not know, the best sentences with the decision's confidence beside the
//! threshold, and the reason for the reply (quoted, or refused and why).

use super::{Engine, sanitize_question};
use crate::answer::Status;

/// Sentences listed with their confidence.
const SHOWN: usize = 3;
/// Characters of each listed sentence.
const SENTENCE_CHARS: usize = 40;

impl Engine {
    /// How `question` was read and why it got the reply it gets.
    pub fn why(&self, question: &str) -> String {
        let (text, _) = sanitize_question(question, self.config.answer.max_question_chars);
        let parsed = self.parse(&text);
        let mut out = format!("“{text}”的读法：\n");
        let terms: Vec<String> = parsed
            .terms
            .iter()
            .map(|term| match term.synonyms.is_empty() {
                true => term.text.clone(),
                false => format!("{}（也找：{}）", term.text, term.synonyms.join("、")),
            })
            .collect();
        if terms.is_empty() {
            out.push_str("· 没有可以检索的词。\n");
            return out;
        }
        out.push_str(&format!("· 检索词：{}\n", terms.join("，")));
        let mut asks = Vec::new();
        if parsed.wants_figure {
            asks.push("一个数字".to_string());
        }
        if parsed.wants_date {
            asks.push("一个日期".to_string());
        }
        if let Some(attribute) = &parsed.attribute {
            asks.push(format!("问的是“{}”", attribute.text));
        }
        if !parsed.years.is_empty() {
            let years: Vec<String> = parsed.years.iter().map(u16::to_string).collect();
            asks.push(format!("年份 {}", years.join("、")));
        }
        if !asks.is_empty() {
            out.push_str(&format!("· 要找：{}\n", asks.join("；")));
        }
        let Ok((_, ranking)) = self.ranking(&text) else {
            out.push_str("· 检索出错，详见日志。\n");
            return out;
        };
        if let Ok(found) = self.candidates_of(&parsed) {
            out.push_str(&format!(
                "· 资料里没有的部分：约占问题的 {:.0}%\n",
                found.unknown_share.max(0.0) * 100.0
            ));
        }
        let threshold = self.decision.answer_threshold;
        out.push_str(&format!(
            "最接近的句子（置信度；回答需要至少 {threshold:.2}）：\n"
        ));
        for hit in ranking.hits.iter().take(SHOWN) {
            let sentence = self.corpus.sentence(hit.sentence_idx);
            let mut shown: String = sentence.text.chars().take(SENTENCE_CHARS).collect();
            if sentence.text.chars().count() > SENTENCE_CHARS {
                shown.push('…');
            }
            out.push_str(&format!(
                "  [{}] {:.2} {shown}\n",
                sentence.id, hit.confidence
            ));
        }
        let covers = ranking.covers_enough;
        let reply = self.ask(&text);
        let reason = match reply.status {
            Status::Answered | Status::SourcesAgree | Status::SourcesDisagree => {
                match reply.quotes.first() {
                    Some(quote) => format!(
                        "引用了 {}（置信度 {:.2}）。",
                        quote.citation(),
                        quote.confidence()
                    ),
                    None => "没有引用。".to_string(),
                }
            }
            Status::OtherPeriod => "资料只给出了其他年份的数字，所以没有当作回答。".to_string(),
            Status::NotFound if !covers => {
                "问题的关键词在资料里出现得太少，所以回答“没有找到”。".to_string()
            }
            Status::NotFound => {
                format!("没有句子的置信度达到 {threshold:.2}，所以回答“没有找到”。")
            }
            Status::NoQuestion => "没有可以检索的内容。".to_string(),
            Status::SearchFailed => "检索出错，详见日志。".to_string(),
        };
        out.push_str(&format!("结论：{reason}"));
        out
    }
}
