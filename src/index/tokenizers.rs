//! The tantivy tokenizer: the same character bigrams the re-ranker and the questions use
//! (`text::bigrams`), handed to tantivy as a token stream cut in advance.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::text::bigrams::bigrams;

/// tantivy tokenizer over character bigrams (`text::bigrams::bigrams`).
#[derive(Clone, Default)]
pub struct BigramTokenizer;

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
