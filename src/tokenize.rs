//! Tokenizers for normalised Chinese text, shared by the index and by questions so both are cut
//! the same way: `ChineseTokenizer` (jieba words) and `BigramTokenizer` (overlapping character
//! bigrams, the Lucene CJK scheme, which survives segmentation mistakes and rare names). Text is
//! expected to be normalised already (see `normalize`).

use std::sync::LazyLock;

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::normalize::is_cjk;

/// Loading the dictionary takes tens of milliseconds, so it is done once per process.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Forces the dictionary to load now (start-up), not on the first question.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// jieba words of `text` (precise mode with HMM for unknown names), punctuation dropped.
pub fn words(text: &str) -> Vec<&str> {
    JIEBA
        .cut(text, true)
        .into_iter()
        .map(|token| token.word)
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .collect()
}

/// Byte offsets in `text` where a jieba word starts or ends (0 and `text.len()` included),
/// sorted. A question term found in a sentence counts as a whole word only when it starts and
/// ends on such a boundary, so 大学 is not found inside 清华大学.
pub fn word_boundaries(text: &str) -> Vec<u32> {
    let mut boundaries: Vec<u32> = vec![0];
    for token in JIEBA.cut(text, true) {
        boundaries.push(token.byte_start as u32);
        boundaries.push(token.byte_end as u32);
    }
    boundaries.push(text.len() as u32);
    boundaries.dedup();
    boundaries.sort_unstable();
    boundaries.dedup();
    boundaries
}

/// Character bigrams of the CJK runs of `text`; a lone CJK character stands for itself, and a
/// run of letters or digits is one token.
pub fn bigrams(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut run: Vec<char> = Vec::new();
    let mut word = String::new();
    let flush_run = |run: &mut Vec<char>, tokens: &mut Vec<String>| {
        match run.len() {
            0 => {}
            1 => tokens.push(run[0].to_string()),
            _ => tokens.extend(run.windows(2).map(|pair| pair.iter().collect())),
        }
        run.clear();
    };
    for ch in text.chars() {
        if is_cjk(ch) {
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            run.push(ch);
        } else {
            flush_run(&mut run, &mut tokens);
            if ch.is_alphanumeric() {
                word.push(ch);
            } else if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
        }
    }
    flush_run(&mut run, &mut tokens);
    if !word.is_empty() {
        tokens.push(word);
    }
    tokens
}

/// tantivy tokenizer over [`words`].
#[derive(Clone, Default)]
pub struct ChineseTokenizer;

/// tantivy tokenizer over [`bigrams`].
#[derive(Clone, Default)]
pub struct BigramTokenizer;

impl Tokenizer for ChineseTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(words(text).into_iter().map(str::to_string))
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(bigrams(text).into_iter())
    }
}

/// A token stream over tokens cut in advance. Offsets are not kept: nothing reads them, since
/// quotes are whole sentences taken from the corpus, not highlighted index snippets.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl VecTokenStream {
    fn new(texts: impl Iterator<Item = String>) -> Self {
        let tokens = texts
            .enumerate()
            .map(|(position, text)| Token {
                position,
                text,
                ..Token::default()
            })
            .collect();
        Self { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
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
    }

    #[test]
    fn cuts_words_without_punctuation() {
        let cut = words("全年地区生产总值完成1686亿元，净增305亿元。");
        assert!(cut.contains(&"1686"), "{cut:?}");
        assert!(
            cut.iter()
                .all(|word| word.chars().any(char::is_alphanumeric))
        );
        assert_eq!(cut.concat(), "全年地区生产总值完成1686亿元净增305亿元");
    }

    #[test]
    fn streams_tokens_in_order() {
        let mut tokenizer = BigramTokenizer;
        let mut stream = tokenizer.token_stream("大同市");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push((stream.token().position, stream.token().text.clone()));
        }
        assert_eq!(seen, [(0, "大同".to_string()), (1, "同市".to_string())]);
    }
}
