//! Sentence numbers: `document·paragraph.sentence`, as citations print them and as users type
//! them back.

use std::fmt;
use std::str::FromStr;

use crate::text::normalize::normalize;

/// Where a sentence stands: document number (see `document_numbers`), then paragraph and
/// sentence, both counted from 1.
/// Printed as `3·12.2`; stable across rebuilds of the same corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SentenceId {
    pub doc: u32,
    pub para: u32,
    pub sent: u32,
}

impl fmt::Display for SentenceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}·{}.{}", self.doc, self.para, self.sent)
    }
}

/// A citation label that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}”不是句子编号，请写成 文档·段.句，例如 3·12.2")]
pub struct BadSentenceId(pub String);

impl FromStr for SentenceId {
    type Err = BadSentenceId;

    /// Accepts `3·12.2`, `[3·12.2]`, `3.12.2`, `3-12-2`, `3:12:2` and full-width digits.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || BadSentenceId(text.chars().take(40).collect());
        let normalized = normalize(text.trim());
        let inner = normalized
            .trim_start_matches(['[', '【'])
            .trim_end_matches([']', '】']);
        let parts: Vec<&str> = inner.split(['·', '.', '-', ':', '・', '。', '/']).collect();
        let [doc, para, sent] = parts.as_slice() else {
            return Err(bad());
        };
        let number = |part: &str| part.trim().parse::<u32>().ok();
        let positive = |part: &str| number(part).filter(|n| *n > 0);
        match (number(doc), positive(para), positive(sent)) {
            (Some(doc), Some(para), Some(sent)) => Ok(SentenceId { doc, para, sent }),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sentence_ids() {
        let check = |text: &str, expected: Option<(u32, u32, u32)>| {
            let parsed = text
                .parse::<SentenceId>()
                .ok()
                .map(|id| (id.doc, id.para, id.sent));
            assert_eq!(parsed, expected, "{text}");
        };
        check("3·12.2", Some((3, 12, 2)));
        check("[3·12.2]", Some((3, 12, 2)));
        check("3.12.2", Some((3, 12, 2)));
        check("３·１２.２", Some((3, 12, 2)));
        check("3·12", None);
        check("0·1.1", Some((0, 1, 1)));
        check("1·0.1", None);
        check("a·b.c", None);
        check("", None);
        check("99999999999·1.1", None);
    }
}
