//! The paragraphs of the corpus as bags of character bigrams, counted once when the corpus is
//! built, so that a whole paragraph can be scored against a question without cutting its
//! sentences again: a question is usually about one passage, and how well the passage around
//! a sentence matches tells where the answer is.

use std::hash::Hasher;
use std::ops::Range;

use rustc_hash::FxHasher;

use super::Sentence;
use crate::text::bigrams::for_each_bigram_token;

/// Every paragraph's sentences and bigram counts (sorted by the bigram's hash).
#[derive(Debug, Clone, Default)]
pub struct Passages {
    /// Paragraph of each sentence, by the sentence's position in the corpus.
    of_sentence: Vec<u32>,
    /// Each paragraph's sentences (positions in the corpus).
    sentences: Vec<Range<u32>>,
    /// Each paragraph's entries in `hashes` and `counts`.
    entries: Vec<Range<u32>>,
    hashes: Vec<u32>,
    counts: Vec<u32>,
    /// Each paragraph's length in bigram tokens, and their mean.
    lengths: Vec<u32>,
    mean_length: f32,
}

/// A bigram token's key: 32 bits of its hash. A collision only adds a stray count to one
/// paragraph's score.
pub fn bigram_key(token: &str) -> u32 {
    let mut hasher = FxHasher::default();
    hasher.write(token.as_bytes());
    (hasher.finish() >> 32) as u32
}

impl Passages {
    /// Counts the bigrams of each run of sentences with the same document and paragraph.
    pub fn of(sentences: &[Sentence]) -> Passages {
        let mut passages = Passages {
            of_sentence: Vec::with_capacity(sentences.len()),
            ..Passages::default()
        };
        let mut keys: Vec<u32> = Vec::new();
        let mut start = 0;
        while start < sentences.len() {
            let first = &sentences[start];
            let end = sentences[start..]
                .iter()
                .position(|s| s.doc_idx != first.doc_idx || s.id.para != first.id.para)
                .map_or(sentences.len(), |at| start + at);
            keys.clear();
            for sentence in &sentences[start..end] {
                for_each_bigram_token(&sentence.normalized, |token| keys.push(bigram_key(token)));
            }
            passages.push(start..end, &mut keys);
            start = end;
        }
        let total: u64 = passages.lengths.iter().map(|&len| u64::from(len)).sum();
        passages.mean_length = total as f32 / passages.lengths.len().max(1) as f32;
        passages
    }

    fn push(&mut self, sentences: Range<usize>, keys: &mut [u32]) {
        let paragraph = self.sentences.len() as u32;
        self.of_sentence
            .extend(std::iter::repeat_n(paragraph, sentences.len()));
        self.sentences
            .push(sentences.start as u32..sentences.end as u32);
        self.lengths.push(keys.len() as u32);
        keys.sort_unstable();
        let first = self.hashes.len() as u32;
        for run in keys.chunk_by(|a, b| a == b) {
            self.hashes.push(run[0]);
            self.counts.push(run.len() as u32);
        }
        self.entries.push(first..self.hashes.len() as u32);
    }

    /// The paragraph of the sentence at `ord`.
    pub fn paragraph_of(&self, ord: usize) -> Option<usize> {
        self.of_sentence
            .get(ord)
            .map(|&paragraph| paragraph as usize)
    }

    /// Positions of the sentences of `paragraph` (empty for an unknown one).
    pub fn sentences(&self, paragraph: usize) -> Range<usize> {
        self.sentences
            .get(paragraph)
            .map_or(0..0, |range| range.start as usize..range.end as usize)
    }

    /// How often the bigram with `key` occurs in `paragraph`.
    pub fn count(&self, paragraph: usize, key: u32) -> u32 {
        let Some(entries) = self.entries.get(paragraph) else {
            return 0;
        };
        let range = entries.start as usize..entries.end as usize;
        self.hashes[range.clone()]
            .binary_search(&key)
            .map_or(0, |at| self.counts[range.start + at])
    }

    /// Length of `paragraph` in bigram tokens.
    pub fn length(&self, paragraph: usize) -> u32 {
        self.lengths.get(paragraph).copied().unwrap_or(0)
    }

    /// Mean length of a paragraph in bigram tokens (at least 1).
    pub fn mean_length(&self) -> f32 {
        self.mean_length.max(1.0)
    }
}

#[cfg(test)]
mod tests {
    use crate::corpus::{CleaningRules, Corpus, RawFile, SourcesFile};
    use crate::text::bigrams::bigram_tokens;

    use super::*;

    fn corpus(files: &[(&str, &str)]) -> Corpus {
        let files: Vec<RawFile> = files
            .iter()
            .map(|(name, text)| RawFile {
                name: name.to_string(),
                bytes: text.as_bytes().to_vec(),
            })
            .collect();
        Corpus::build(&files, &SourcesFile::default(), &CleaningRules::default())
    }

    #[test]
    fn counts_the_bigrams_of_each_paragraph() {
        let corpus = corpus(&[
            ("1.txt", "大同市很大。大同市很美。\n\n北京很大。"),
            ("2.txt", "大同2021年。"),
        ]);
        let passages = &corpus.passages;
        // Two paragraphs in the first file, one in the second: a new file is a new paragraph
        // even where paragraph numbers repeat.
        let paragraphs: Vec<Option<usize>> = (0..5).map(|ord| passages.paragraph_of(ord)).collect();
        assert_eq!(paragraphs, [Some(0), Some(0), Some(1), Some(2), None]);
        assert_eq!(passages.sentences(0), 0..2);
        assert_eq!(passages.sentences(2), 3..4);
        assert_eq!(passages.sentences(7), 0..0);
        let count = |paragraph, token| passages.count(paragraph, bigram_key(token));
        assert_eq!(count(0, "大同"), 2);
        assert_eq!(count(0, "很美"), 1);
        assert_eq!(count(1, "大同"), 0);
        assert_eq!(count(1, "很大"), 1);
        assert_eq!(count(2, "2021"), 1);
        assert_eq!(count(5, "大同"), 0);
        let length = |ords: std::ops::Range<usize>| -> u32 {
            ords.map(|ord| bigram_tokens(&corpus.sentences[ord].normalized).len() as u32)
                .sum()
        };
        assert_eq!(passages.length(0), length(0..2));
        assert_eq!(passages.length(2), length(3..4));
        let mean = (length(0..2) + length(2..3) + length(3..4)) as f32 / 3.0;
        assert!((passages.mean_length() - mean).abs() < 1e-6);
        assert_eq!(Passages::default().mean_length(), 1.0);
    }
}
