//! Character bigrams of normalised text (the Lucene CJK scheme): overlapping pairs of Chinese
//! characters, which survive segmentation mistakes and rare names; a lone character stands for
//! itself and a run of letters or digits is one token. The index and the re-ranker cut text the
//! same way with these functions.

use super::normalize::{is_cjk, is_word_char};

/// Character bigrams of the CJK runs of `text`; a lone CJK character stands for itself, and a
/// run of letters or digits is one token.
pub fn bigrams(text: &str) -> Vec<String> {
    bigram_tokens(text)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// [`bigrams`] as slices of `text`, without allocating a string per token (the re-ranker cuts
/// every candidate sentence with it).
pub fn bigram_tokens(text: &str) -> Vec<&str> {
    // CJK text has about one token per character (three bytes).
    let mut tokens = Vec::with_capacity(text.len() / 3 + 1);
    for_each_bigram_token(text, |token| tokens.push(token));
    tokens
}

/// Hands each token of [`bigram_tokens`] to `visit`, in order, without collecting them.
pub fn for_each_bigram_token<'t>(text: &'t str, mut visit: impl FnMut(&'t str)) {
    for_each_keyed_token(text, |token, _| visit(token));
}

/// [`for_each_bigram_token`], each token with its [`cjk_key`] when it is Chinese (a bigram or
/// a lone character; `None` for a run of letters or digits): the re-ranker looks tokens up by
/// their key, a number, instead of hashing their text.
pub fn for_each_keyed_token<'t>(text: &'t str, mut visit: impl FnMut(&'t str, Option<u64>)) {
    // Start of the current CJK run's last character, that character and the run's length;
    // where the current word began.
    let (mut last_cjk, mut last_ch, mut run_len) = (0, '\0', 0);
    let mut word_start: Option<usize> = None;
    for (at, ch) in text.char_indices() {
        if is_cjk(ch) {
            if let Some(start) = word_start.take() {
                visit(&text[start..at], None);
            }
            if run_len > 0 {
                visit(
                    &text[last_cjk..at + ch.len_utf8()],
                    Some(cjk_key(last_ch, Some(ch))),
                );
            }
            (last_cjk, last_ch, run_len) = (at, ch, run_len + 1);
        } else {
            // A lone CJK character is a token of its own.
            if run_len == 1 {
                visit(&text[last_cjk..at], Some(cjk_key(last_ch, None)));
            }
            run_len = 0;
            if is_word_char(ch) {
                word_start.get_or_insert(at);
            } else if let Some(start) = word_start.take() {
                visit(&text[start..at], None);
            }
        }
    }
    if run_len == 1 {
        visit(&text[last_cjk..], Some(cjk_key(last_ch, None)));
    }
    if let Some(start) = word_start {
        visit(&text[start..], None);
    }
}

/// A Chinese token's characters as one number: the first in the high half, the second (if
/// any) in the low half.
pub fn cjk_key(first: char, second: Option<char>) -> u64 {
    u64::from(first) << 32 | second.map_or(0, u64::from)
}

/// The [`cjk_key`] of `token` when it is one or two Chinese characters, as
/// [`for_each_keyed_token`] gives it.
pub fn token_key(token: &str) -> Option<u64> {
    let mut chars = token.chars();
    let first = chars.next().filter(|&ch| is_cjk(ch))?;
    match (chars.next(), chars.next()) {
        (None, _) => Some(cjk_key(first, None)),
        (Some(second), None) if is_cjk(second) => Some(cjk_key(first, Some(second))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_bigrams() {
        let check = |text: &str, expected: &[&str]| assert_eq!(bigrams(text), expected, "{text}");
        check("大同市", &["大同", "同市"]);
        check("gdp是1686亿元", &["gdp", "是", "1686", "亿元"]);
        check("服务器,", &["服务", "务器"]);
        check("", &[]);
        check("😀!!", &[]);
        check("a大b2同市", &["a", "大", "b2", "同市"]);
        check("大同gdp", &["大同", "gdp"]);
    }

    #[test]
    fn keys_chinese_tokens_as_they_are_cut() {
        let text = "a大b2同市gdp";
        let mut keyed = Vec::new();
        for_each_keyed_token(text, |token, key| keyed.push((token, key)));
        for (token, key) in keyed {
            assert_eq!(token_key(token), key, "{token}");
        }
        assert_eq!(token_key("同市"), Some(cjk_key('同', Some('市'))));
        assert_eq!(token_key("大"), Some(cjk_key('大', None)));
        assert_eq!(token_key("gdp"), None);
        assert_eq!(token_key("大同市"), None);
    }
}
