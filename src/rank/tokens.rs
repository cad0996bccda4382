//! The question's tokens as the re-ranker finds them in a sentence: each token of the bigram
//! query or of the question's wording has a slot, found by its Chinese characters' key (a
//! number, see `text::bigrams::cjk_key`) or, for a run of letters or digits, by its text. A bit
//! table of the keys turns most of a sentence's tokens away before any lookup.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::text::bigrams::token_key;

/// What a token is to the question.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Slot {
    /// Its position in the bigram query (and in term-frequency vectors), if it is queried.
    pub query: Option<usize>,
    /// Its position among the wording's bigrams, if it is one of them.
    pub content: Option<usize>,
}

/// The question's tokens by key and by text.
#[derive(Debug, Clone)]
pub(super) struct TokenTable<'q> {
    keyed: FxHashMap<u64, Slot>,
    named: FxHashMap<&'q str, Slot>,
    keys: KeyFilter,
    /// How many of the wording's bigrams there are.
    pub n_content: usize,
}

impl<'q> TokenTable<'q> {
    /// The table of the bigram query's tokens (token → position) and the wording's bigrams.
    pub fn new(query: &FxHashMap<&'q str, usize>, content: &FxHashSet<&'q str>) -> Self {
        let mut table = TokenTable {
            keyed: FxHashMap::default(),
            named: FxHashMap::default(),
            keys: KeyFilter::default(),
            n_content: content.len(),
        };
        for (&token, &at) in query {
            table.slot_of(token).query = Some(at);
        }
        for (at, &token) in content.iter().enumerate() {
            table.slot_of(token).content = Some(at);
        }
        table
    }

    fn slot_of(&mut self, token: &'q str) -> &mut Slot {
        match token_key(token) {
            Some(key) => {
                self.keys.insert(key);
                self.keyed.entry(key).or_default()
            }
            None => self.named.entry(token).or_default(),
        }
    }

    /// The slot of a sentence's token with its key (`text::bigrams::for_each_keyed_token`),
    /// or `None` when the question has no such token.
    pub fn slot(&self, token: &str, key: Option<u64>) -> Option<Slot> {
        match key {
            Some(key) if !self.keys.may_hold(key) => None,
            Some(key) => self.keyed.get(&key).copied(),
            None => self.named.get(token).copied(),
        }
    }
}

/// A 4096-bit table of hashed keys: a key whose bit is clear is not in the table. With the
/// few dozen tokens of a question about one sentence token in a hundred passes it wrongly.
#[derive(Debug, Clone)]
struct KeyFilter([u64; 64]);

impl Default for KeyFilter {
    fn default() -> Self {
        KeyFilter([0; 64])
    }
}

impl KeyFilter {
    fn bit(key: u64) -> (usize, u64) {
        let hash = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as usize;
        (hash / 64, 1 << (hash % 64))
    }

    fn insert(&mut self, key: u64) {
        let (word, bit) = KeyFilter::bit(key);
        self.0[word] |= bit;
    }

    fn may_hold(&self, key: u64) -> bool {
        let (word, bit) = KeyFilter::bit(key);
        self.0[word] & bit != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::bigrams::for_each_keyed_token;

    #[test]
    fn finds_the_question_tokens_of_a_sentence() {
        let query: FxHashMap<&str, usize> = [("大同", 0), ("gdp", 1)].into_iter().collect();
        let content: FxHashSet<&str> = ["大同", "同市"].into_iter().collect();
        let table = TokenTable::new(&query, &content);
        let mut found = Vec::new();
        for_each_keyed_token("大同市gdp增长,北京", |token, key| {
            let slot = table.slot(token, key);
            found.push((token, slot.map(|s| (s.query, s.content.is_some()))));
        });
        assert_eq!(
            found,
            [
                ("大同", Some((Some(0), true))),
                ("同市", Some((None, true))),
                ("gdp", Some((Some(1), false))),
                ("增长", None),
                ("北京", None),
            ]
        );
    }
}
