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
    // Start of the current CJK run's last character and the run's length; where the current
    // word began.
    let (mut last_cjk, mut run_len) = (0, 0);
    let mut word_start: Option<usize> = None;
    for (at, ch) in text.char_indices() {
        if is_cjk(ch) {
            if let Some(start) = word_start.take() {
                visit(&text[start..at]);
            }
            if run_len > 0 {
                visit(&text[last_cjk..at + ch.len_utf8()]);
            }
            (last_cjk, run_len) = (at, run_len + 1);
        } else {
            // A lone CJK character is a token of its own.
            if run_len == 1 {
                visit(&text[last_cjk..at]);
            }
            run_len = 0;
            if is_word_char(ch) {
                word_start.get_or_insert(at);
            } else if let Some(start) = word_start.take() {
                visit(&text[start..at]);
            }
        }
    }
    if run_len == 1 {
        visit(&text[last_cjk..]);
    }
    if let Some(start) = word_start {
        visit(&text[start..]);
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
}
