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

/// A letter or digit of any script. Chinese characters are checked by range first: the general
/// test looks them up in Unicode tables, which the hot loops cannot afford.
pub fn is_word_char(ch: char) -> bool {
    if is_cjk(ch) {
        return true;
    }
    // Chinese text's punctuation (，。、“”——《》) is frequent and no letter: known by range too.
    if matches!(ch as u32,
        0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020 | 0x3030 | 0x303D..=0x303F
        | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
    {
        return false;
    }
    ch.is_alphanumeric()
}

/// jieba words of `text` (precise mode with HMM for unknown names), punctuation dropped.
pub fn words(text: &str) -> Vec<&str> {
    JIEBA
        .cut(text, true)
        .into_iter()
        .map(|token| token.word)
        .filter(|word| word.chars().any(is_word_char))
        .collect()
}

/// Byte offsets where jieba's words of `text` begin and end (0 and `text.len()` included).
pub fn word_boundaries(text: &str) -> Vec<usize> {
    let mut boundaries = vec![0];
    boundaries.extend(JIEBA.cut(text, true).into_iter().scan(0, |end, token| {
        *end += token.word.len();
        Some(*end)
    }));
    boundaries
}

/// The dictionary words of two or more characters inside `word`, whole word included, with
/// their byte ranges (年发电量 → 发电, 电量, 发电量 …): what a compound the corpus never uses
/// is made of.
pub fn inner_words(word: &str) -> Vec<(usize, usize)> {
    JIEBA
        .cut_for_search(word, false)
        .into_iter()
        .filter(|token| token.word.chars().count() > 1)
        .map(|token| (token.byte_start, token.byte_end))
        .collect()
}

/// jieba words of `text` with their part-of-speech tags (n, v, m …), punctuation dropped.
pub fn tagged_words(text: &str) -> Vec<(&str, &str)> {
    JIEBA
        .tag(text, true)
        .into_iter()
        .map(|tag| (tag.word, tag.tag))
        .filter(|(word, _)| word.chars().any(is_word_char))
        .collect()
}

/// True for tags of words that name things (nouns, names, attributes such as 三甲,
/// abbreviations, foreign words and words jieba does not know) rather than say what happens or
/// how much (verbs, numbers, adverbs): what a question is about.
pub fn names_a_thing(tag: &str) -> bool {
    tag.starts_with('n') || matches!(tag, "vn" | "an" | "b" | "j" | "l" | "i" | "eng" | "x")
}

/// What a word names, read off jieba's part-of-speech tags (for questions asking 谁, 哪里 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Person,
    Place,
    Organization,
    Time,
}

/// A word of a text that names a person, place, organisation or time: byte range and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entity {
    pub start: u32,
    pub end: u32,
    pub kind: EntityKind,
}

/// A text cut once, for everything retrieval needs to know about its words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    /// Byte offsets where a jieba word starts or ends (0 and `text.len()` included), sorted. A
    /// question term found in a sentence counts as a whole word only when it starts and ends on
    /// such a boundary, so 大学 is not found inside 清华大学.
    pub boundaries: Vec<u32>,
    pub entities: Vec<Entity>,
}

/// Cuts `text` (precise mode with HMM) and tags its words.
pub fn analyze(text: &str) -> Analysis {
    let mut analysis = Analysis {
        boundaries: vec![0],
        entities: Vec::new(),
    };
    for tag in JIEBA.tag(text, true) {
        let (start, end) = (tag.byte_start as u32, tag.byte_end as u32);
        analysis.boundaries.extend([start, end]);
        let kind = match tag.tag {
            "nr" | "nrfg" | "nrt" => Some(EntityKind::Person),
            "ns" | "nsf" => Some(EntityKind::Place),
            "nt" => Some(EntityKind::Organization),
            "t" => Some(EntityKind::Time),
            _ => None,
        };
        if let Some(kind) = kind {
            analysis.entities.push(Entity { start, end, kind });
        }
    }
    analysis.boundaries.push(text.len() as u32);
    analysis.boundaries.sort_unstable();
    analysis.boundaries.dedup();
    analysis
}

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
    fn word_chars_are_chinese_characters_letters_and_digits() {
        for ch in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(
                is_word_char(ch),
                is_cjk(ch) || ch.is_alphanumeric(),
                "U+{:04X}",
                ch as u32
            );
        }
    }

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
    fn tags_names_places_and_times() {
        let text = "毛泽东去年在北京见了清华大学的代表";
        let analysis = analyze(text);
        let named = |kind: EntityKind| -> Vec<&str> {
            analysis
                .entities
                .iter()
                .filter(|entity| entity.kind == kind)
                .map(|entity| &text[entity.start as usize..entity.end as usize])
                .collect()
        };
        assert_eq!(named(EntityKind::Person), ["毛泽东"]);
        assert_eq!(named(EntityKind::Place), ["北京"]);
        assert_eq!(named(EntityKind::Time), ["去年"]);
        assert_eq!(analysis.boundaries.first(), Some(&0));
        assert_eq!(analysis.boundaries.last(), Some(&(text.len() as u32)));
        assert!(analysis.boundaries.windows(2).all(|pair| pair[0] < pair[1]));
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
