//! Sentence splitting. A sentence ends at 。！？!? or …, together with any closing quote or
//! bracket that follows (」 ” ）belong to the sentence they close). Each sentence is returned
//! as a trimmed span of the paragraph, so it stays verbatim.

use super::clean::{CLOSERS, TERMINATORS};

/// Splits `paragraph` into its sentences; spans with no letter or digit are dropped.
pub fn split_sentences(paragraph: &str) -> Vec<&str> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut chars = paragraph.char_indices().peekable();
    while let Some((at, ch)) = chars.next() {
        if !TERMINATORS.contains(&ch) {
            continue;
        }
        let mut end = at + ch.len_utf8();
        while let Some(&(next_at, next)) = chars.peek() {
            if TERMINATORS.contains(&next) || CLOSERS.contains(&next) {
                end = next_at + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        push_trimmed(&mut sentences, &paragraph[start..end]);
        start = end;
    }
    push_trimmed(&mut sentences, &paragraph[start..]);
    sentences
}

fn push_trimmed<'a>(sentences: &mut Vec<&'a str>, span: &'a str) {
    let span = span.trim_matches(|ch: char| ch.is_whitespace());
    if span.chars().any(char::is_alphanumeric) {
        sentences.push(span);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(paragraph: &str, expected: &[&str]) {
        assert_eq!(split_sentences(paragraph), expected);
    }

    #[test]
    fn splits_at_sentence_ends() {
        check(
            "大同是古都。大同是夏都！真的吗?",
            &["大同是古都。", "大同是夏都！", "真的吗?"],
        );
        check("他说:“好。”然后走了。", &["他说:“好。”", "然后走了。"]);
        check(
            "能源之城。 建設能源之城。",
            &["能源之城。", "建設能源之城。"],
        );
        check("没有句号的标题", &["没有句号的标题"]);
        check("等等……后来呢", &["等等……", "后来呢"]);
        check("。。", &[]);
        check("", &[]);
    }
}
