//! The paragraphs of the corpus as bags of character bigrams, counted once when the corpus is
//! built, so that a whole paragraph can be scored against a question without cutting its
//! sentences again: a question is usually about one passage, and how well the passage around
//! a sentence matches tells where the answer is.

use std::hash::Hasher;
use std::ops::Range;
use std::path::Path;

use rustc_hash::FxHasher;

use super::columns::{Column, Ragged};
use crate::text::bigrams::for_each_bigram_token;

/// Every paragraph's sentences and bigram counts (sorted by the bigram's hash).
#[derive(Debug, Clone, Default)]
pub struct Passages {
    /// Paragraph of each sentence, by the sentence's position in the corpus.
    of_sentence: Column<u32>,
    /// Each paragraph's sentences (positions in the corpus: start, end).
    sentences: Column<[u32; 2]>,
    /// Each paragraph's bigram keys with their counts, sorted by key.
    bigrams: Ragged<[u32; 2]>,
    /// Each paragraph's length in bigram tokens, their sum and their mean.
    lengths: Column<u32>,
    total_length: u64,
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
    /// Adds a paragraph whose sentences start at corpus position `first`, given their
    /// normalised texts.
    pub(super) fn add_paragraph<'t>(&mut self, first: usize, texts: impl Iterator<Item = &'t str>) {
        let mut keys: Vec<u32> = Vec::new();
        let mut n_sentences = 0;
        for text in texts {
            for_each_bigram_token(text, |token| keys.push(bigram_key(token)));
            n_sentences += 1;
        }
        let paragraph = self.sentences.len() as u32;
        for _ in 0..n_sentences {
            self.of_sentence.push(paragraph);
        }
        self.sentences
            .push([first as u32, (first + n_sentences) as u32]);
        self.lengths.push(keys.len() as u32);
        self.total_length += keys.len() as u64;
        keys.sort_unstable();
        let counted: Vec<[u32; 2]> = keys
            .chunk_by(|a, b| a == b)
            .map(|run| [run[0], run.len() as u32])
            .collect();
        self.bigrams.push(&counted);
    }

    /// Appends the paragraphs of `other`, whose sentence positions start at `first` here.
    pub(super) fn append(&mut self, other: &Passages, first: usize) {
        let (paragraphs, first) = (self.sentences.len() as u32, first as u32);
        for &paragraph in other.of_sentence.as_slice() {
            self.of_sentence.push(paragraphs + paragraph);
        }
        for &[start, end] in other.sentences.as_slice() {
            self.sentences.push([first + start, first + end]);
        }
        self.bigrams.append(&other.bigrams);
        self.lengths.extend_from_slice(other.lengths.as_slice());
        self.total_length += other.total_length;
    }

    /// Computes the mean length once every paragraph is in; flushes and syncs columns being
    /// written.
    pub(super) fn finish(&mut self) -> std::io::Result<()> {
        self.mean_length = self.total_length as f32 / self.lengths.len().max(1) as f32;
        self.of_sentence.shrink_to_fit();
        self.sentences.shrink_to_fit();
        self.bigrams.shrink_to_fit();
        self.lengths.shrink_to_fit();
        self.of_sentence.finish()?;
        self.sentences.finish()?;
        self.bigrams.finish()?;
        self.lengths.finish()
    }

    /// Paragraphs written to `dir` as they are added (see [`Passages::write`]).
    pub(super) fn writing(dir: &Path) -> std::io::Result<Passages> {
        Ok(Passages {
            of_sentence: Column::writing(&dir.join("paragraph_of_sentence"))?,
            sentences: Column::writing(&dir.join("paragraph_sentences"))?,
            bigrams: Ragged::writing(dir, "paragraph_bigrams")?,
            lengths: Column::writing(&dir.join("paragraph_lengths"))?,
            total_length: 0,
            mean_length: 0.0,
        })
    }

    /// Writes the columns to `dir`; the mean length is kept by the caller.
    pub(super) fn write(&self, dir: &Path) -> std::io::Result<()> {
        self.of_sentence.write(&dir.join("paragraph_of_sentence"))?;
        self.sentences.write(&dir.join("paragraph_sentences"))?;
        self.bigrams.write(dir, "paragraph_bigrams")?;
        self.lengths.write(&dir.join("paragraph_lengths"))
    }

    /// Maps what [`Passages::write`] wrote.
    pub(super) fn map(dir: &Path, mean_length: f32) -> std::io::Result<Passages> {
        Ok(Passages {
            of_sentence: Column::map(&dir.join("paragraph_of_sentence"))?,
            sentences: Column::map(&dir.join("paragraph_sentences"))?,
            bigrams: Ragged::map(dir, "paragraph_bigrams")?,
            lengths: Column::map(&dir.join("paragraph_lengths"))?,
            total_length: 0,
            mean_length,
        })
    }

    /// The mean length in bigram tokens as computed by [`Passages::finish`].
    pub(super) fn raw_mean_length(&self) -> f32 {
        self.mean_length
    }

    /// The number of sentences the paragraphs hold.
    pub fn n_sentences(&self) -> usize {
        self.of_sentence.len()
    }

    /// The number of paragraphs.
    pub fn len(&self) -> usize {
        self.sentences.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The paragraph of the sentence at `ord`.
    pub fn paragraph_of(&self, ord: usize) -> Option<usize> {
        self.of_sentence
            .as_slice()
            .get(ord)
            .map(|&paragraph| paragraph as usize)
    }

    /// Positions of the sentences of `paragraph` (empty for an unknown one).
    pub fn sentences(&self, paragraph: usize) -> Range<usize> {
        self.sentences
            .as_slice()
            .get(paragraph)
            .map_or(0..0, |&[start, end]| start as usize..end as usize)
    }

    /// How often the bigram with `key` occurs in `paragraph`.
    pub fn count(&self, paragraph: usize, key: u32) -> u32 {
        let counted = self.bigrams.get(paragraph);
        counted
            .binary_search_by_key(&key, |&[key, _]| key)
            .map_or(0, |at| counted[at][1])
    }

    /// Length of `paragraph` in bigram tokens.
    pub fn length(&self, paragraph: usize) -> u32 {
        self.lengths.as_slice().get(paragraph).copied().unwrap_or(0)
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
            ords.map(|ord| bigram_tokens(corpus.sentence(ord).normalized).len() as u32)
                .sum()
        };
        assert_eq!(passages.length(0), length(0..2));
        assert_eq!(passages.length(2), length(3..4));
        let mean = (length(0..2) + length(2..3) + length(3..4)) as f32 / 3.0;
        assert!((passages.mean_length() - mean).abs() < 1e-6);
        assert_eq!(Passages::default().mean_length(), 1.0);
    }
}
