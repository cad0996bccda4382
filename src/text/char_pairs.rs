//! Characters and pairs of adjacent characters: how much of a word a text names, as the share
//! of the word's pairs found in it (a one-character word: whether it is found). Read for each
//! figure of a sentence against each question word, so the text can be cut into sorted
//! integer codes once ([`CharPairs`]) and searched with binary searches.

/// The characters and the pairs of adjacent characters of a text, as sorted integer codes:
/// how much of a word a text names is then a few binary searches, not a search of the text
/// for each pair.
pub struct CharPairs(Vec<u64>);

impl CharPairs {
    pub fn of(text: &str) -> Self {
        let mut codes = Vec::with_capacity(2 * text.len() / 3 + 2);
        let mut previous = None;
        for ch in text.chars() {
            codes.push(Self::single(ch));
            if let Some(before) = previous {
                codes.push(Self::pair(before, ch));
            }
            previous = Some(ch);
        }
        codes.sort_unstable();
        codes.dedup();
        Self(codes)
    }

    fn single(ch: char) -> u64 {
        (u64::from(ch) << 32) | u64::from(u32::MAX)
    }

    fn pair(first: char, second: char) -> u64 {
        (u64::from(first) << 32) | u64::from(second)
    }

    fn has(&self, code: u64) -> bool {
        self.0.binary_search(&code).is_ok()
    }

    /// The share of `word`'s pairs of adjacent characters found in the text (a one-character
    /// word: whether it is found; an empty one: 0).
    pub fn share(&self, word: &str) -> f32 {
        let mut chars = word.chars();
        let Some(mut before) = chars.next() else {
            return 0.0;
        };
        let (mut n_pairs, mut n_found) = (0_u32, 0_u32);
        for ch in chars {
            n_pairs += 1;
            n_found += u32::from(self.has(Self::pair(before, ch)));
            before = ch;
        }
        if n_pairs == 0 {
            f32::from(u8::from(self.has(Self::single(before))))
        } else {
            n_found as f32 / n_pairs as f32
        }
    }
}

/// Two characters as one string, written into `buffer` (no allocation per pair).
pub fn pair_text(first: char, second: char, buffer: &mut [u8; 8]) -> &str {
    let n_first = first.encode_utf8(buffer).len();
    let n_second = second.encode_utf8(&mut buffer[n_first..]).len();
    std::str::from_utf8(&buffer[..n_first + n_second]).unwrap_or_default()
}

/// The share of `word`'s pairs of adjacent characters found in `text` (a one-character word:
/// whether it is found).
pub fn pair_share(word: &str, text: &str) -> f32 {
    let mut chars = word.chars();
    let Some(mut before) = chars.next() else {
        return 0.0;
    };
    let mut buffer = [0_u8; 8];
    let (mut n_pairs, mut n_found) = (0_u32, 0_u32);
    for ch in chars {
        n_pairs += 1;
        n_found += u32::from(text.contains(pair_text(before, ch, &mut buffer)));
        before = ch;
    }
    if n_pairs == 0 {
        f32::from(u8::from(text.contains(before)))
    } else {
        n_found as f32 / n_pairs as f32
    }
}
