//! Document frequencies of the jieba words and of the ±1 window's bigrams: the re-ranker weighs
//! these tokens by their IDF and normalises by the fields' mean lengths, but no query searches
//! them, so they are counted while a generation is built and written as two sorted tables
//! instead of being indexed as postings. A table is a header (magic, tokens in all sentences,
//! entries) and entries of (token hash, sentences holding the token), sorted by hash; an open
//! generation maps the files and looks tokens up by binary search.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::Path;
use std::sync::Arc;

use memmap2::Mmap;
use rustc_hash::FxHashMap;

use crate::corpus::Corpus;
use crate::text::bigrams::for_each_bigram_token;
use crate::text::segment::words_at;

const WORDS_FILE: &str = "words.df";
const WINDOW_FILE: &str = "window.df";
const MAGIC: u64 = u64::from_le_bytes(*b"qbdf\0\0\0\x01");
/// Header words: magic, tokens of all sentences, entries.
const HEADER: usize = 3;

/// The two tables of a generation (or of an index in memory).
#[derive(Clone, Default)]
pub struct Frequencies {
    pub words: Table,
    pub window: Table,
}

/// Sentences holding each token, and the tokens of all sentences together.
#[derive(Clone, Default)]
pub struct Table {
    entries: Entries,
    tokens: u64,
}

#[derive(Clone)]
enum Entries {
    Owned(Arc<Vec<[u64; 2]>>),
    /// The file, header included; entries start after it.
    Mapped(Arc<Mmap>),
}

impl Default for Entries {
    fn default() -> Self {
        Entries::Owned(Arc::default())
    }
}

impl Table {
    /// Sentences holding `token`.
    pub fn doc_freq(&self, token: &str) -> u64 {
        let key = token_hash(token);
        let entries = self.entries();
        entries
            .binary_search_by_key(&key, |entry| entry[0])
            .map_or(0, |at| entries[at][1])
    }

    /// Tokens of all sentences together (the mean length is this over the sentences).
    pub fn tokens(&self) -> u64 {
        self.tokens
    }

    /// Distinct tokens (entries) in the table.
    pub fn distinct(&self) -> usize {
        self.entries().len()
    }

    fn entries(&self) -> &[[u64; 2]] {
        match &self.entries {
            Entries::Owned(entries) => entries,
            // The length was checked when the file was mapped, and a mapping starts on a page
            // boundary, so the cast cannot fail.
            Entries::Mapped(map) => bytemuck::try_cast_slice(&map[HEADER * 8..]).unwrap_or(&[]),
        }
    }

    fn map(path: &Path) -> std::io::Result<Table> {
        let bad = |kind, why: &dyn std::fmt::Display| {
            std::io::Error::new(kind, format!("frequency table {}: {why}", path.display()))
        };
        let file = File::open(path).map_err(|err| bad(err.kind(), &err))?;
        // SAFETY: a generation's files are written once, synced, and never changed afterwards.
        let map = unsafe { Mmap::map(&file) }.map_err(|err| bad(err.kind(), &err))?;
        let word = |i: usize| {
            map.get(i * 8..i * 8 + 8)
                .and_then(|bytes| bytes.try_into().ok())
                .map(u64::from_le_bytes)
        };
        let invalid = std::io::ErrorKind::InvalidData;
        if word(0) != Some(MAGIC) {
            return Err(bad(invalid, &"not a frequency table"));
        }
        // Entries are read in place, as written: little-endian.
        if cfg!(target_endian = "big") {
            return Err(bad(invalid, &"cannot be read on a big-endian machine"));
        }
        let (tokens, len) = (word(1).unwrap_or(0), word(2).unwrap_or(0));
        let expected = len
            .checked_mul(2)
            .and_then(|words| words.checked_add(HEADER as u64))
            .and_then(|words| words.checked_mul(8));
        if expected != Some(map.len() as u64) {
            return Err(bad(invalid, &"its length does not match its header"));
        }
        Ok(Table {
            entries: Entries::Mapped(Arc::new(map)),
            tokens,
        })
    }

    fn write(&self, path: &Path) -> std::io::Result<()> {
        let entries = self.entries();
        let mut out = BufWriter::new(File::create(path)?);
        for word in [MAGIC, self.tokens, entries.len() as u64] {
            out.write_all(&word.to_le_bytes())?;
        }
        out.write_all(bytemuck::cast_slice(entries))?;
        out.into_inner().map_err(|err| err.into_error())?.sync_all()
    }
}

impl Frequencies {
    /// The tables a generation in `dir` keeps.
    pub fn map(dir: &Path) -> std::io::Result<Frequencies> {
        Ok(Frequencies {
            words: Table::map(&dir.join(WORDS_FILE))?,
            window: Table::map(&dir.join(WINDOW_FILE))?,
        })
    }

    /// The tables of `corpus`, counted in memory.
    pub fn of(corpus: &Corpus) -> Frequencies {
        let mut counter = Counter::default();
        counter.add(corpus);
        counter.finish()
    }
}

/// Counts a corpus one part at a time, while it is built.
#[derive(Default)]
pub struct Counter {
    words: FxHashMap<u64, u64>,
    window: FxHashMap<u64, u64>,
    words_tokens: u64,
    window_tokens: u64,
}

impl Counter {
    /// Counts the sentences of `part` (a whole number of documents: windows do not cross it).
    pub fn add(&mut self, part: &Corpus) {
        // Each sentence's distinct bigrams and its bigram count, for its own and its
        // neighbours' windows.
        let own: Vec<(Vec<u64>, u64)> = part
            .sentences()
            .map(|sentence| {
                let mut hashes = Vec::new();
                for_each_bigram_token(sentence.normalized, |token| hashes.push(token_hash(token)));
                let count = hashes.len() as u64;
                hashes.sort_unstable();
                hashes.dedup();
                (hashes, count)
            })
            .collect();
        let mut seen = Vec::new();
        for (ord, sentence) in part.sentences().enumerate() {
            seen.clear();
            for word in words_at(sentence.normalized, sentence.boundaries) {
                seen.push(token_hash(word));
                self.words_tokens += 1;
            }
            count_distinct(&mut self.words, &mut seen);
            seen.clear();
            for other in part.neighbours_of(ord).chain([ord]) {
                let (hashes, count) = &own[other];
                seen.extend_from_slice(hashes);
                self.window_tokens += count;
            }
            count_distinct(&mut self.window, &mut seen);
        }
    }

    /// The tables of what was added.
    pub fn finish(self) -> Frequencies {
        let table = |counts: FxHashMap<u64, u64>, tokens| {
            let mut entries: Vec<[u64; 2]> = counts.into_iter().map(|(k, v)| [k, v]).collect();
            entries.sort_unstable();
            Table {
                entries: Entries::Owned(Arc::new(entries)),
                tokens,
            }
        };
        Frequencies {
            words: table(self.words, self.words_tokens),
            window: table(self.window, self.window_tokens),
        }
    }

    /// Counts what was added and writes the tables into the generation folder `dir`.
    pub fn write(self, dir: &Path) -> std::io::Result<()> {
        let frequencies = self.finish();
        frequencies.words.write(&dir.join(WORDS_FILE))?;
        frequencies.window.write(&dir.join(WINDOW_FILE))
    }
}

fn count_distinct(counts: &mut FxHashMap<u64, u64>, hashes: &mut Vec<u64>) {
    hashes.sort_unstable();
    hashes.dedup();
    for hash in hashes.iter() {
        *counts.entry(*hash).or_insert(0) += 1;
    }
}

/// FNV-1a over the token's bytes: written here so that a table means the same in every build
/// (a collision among a few million tokens in 2^64 is a one-in-a-million chance of one token
/// sharing another's count).
fn token_hash(token: &str) -> u64 {
    token.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip_through_their_files() {
        let counts = |pairs: &[(&str, u64)]| -> FxHashMap<u64, u64> {
            pairs
                .iter()
                .map(|&(token, df)| (token_hash(token), df))
                .collect()
        };
        let counter = || Counter {
            words: counts(&[("大同", 3), ("GDP", 1)]),
            window: counts(&[("大同", 5), ("同市", 2), ("市GDP", 4)]),
            words_tokens: 11,
            window_tokens: 29,
        };
        let dir = tempfile::tempdir().unwrap();
        counter().write(dir.path()).unwrap();
        let mapped = Frequencies::map(dir.path()).unwrap();
        for tables in [counter().finish(), mapped] {
            assert_eq!(tables.words.doc_freq("大同"), 3);
            assert_eq!(tables.words.doc_freq("GDP"), 1);
            assert_eq!(tables.words.doc_freq("同市"), 0);
            assert_eq!(tables.window.doc_freq("大同"), 5);
            assert_eq!(tables.window.doc_freq("同市"), 2);
            assert_eq!(tables.window.doc_freq("市GDP"), 4);
            assert_eq!(tables.window.doc_freq("太原"), 0);
            assert_eq!((tables.words.distinct(), tables.window.distinct()), (2, 3));
            assert_eq!((tables.words.tokens(), tables.window.tokens()), (11, 29));
        }
    }

    #[test]
    fn a_damaged_or_missing_table_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut counter = Counter::default();
        counter.words.insert(token_hash("大同"), 1);
        counter.write(dir.path()).unwrap();
        assert!(Frequencies::map(dir.path()).is_ok());
        let path = dir.path().join(WORDS_FILE);
        let bytes = std::fs::read(&path).unwrap();
        let refused = |contents: &[u8]| {
            std::fs::write(&path, contents).unwrap();
            Frequencies::map(dir.path()).is_err()
        };
        assert!(refused(&[&bytes[..], &[0; 16]].concat()), "too long");
        assert!(refused(&bytes[..bytes.len() - 8]), "cut short");
        assert!(refused(&bytes[..16]), "header cut short");
        assert!(refused(b"not a table"), "not a table");
        std::fs::write(&path, &bytes).unwrap();
        assert!(Frequencies::map(dir.path()).is_ok());
        std::fs::remove_file(dir.path().join(WINDOW_FILE)).unwrap();
        let missing = Frequencies::map(dir.path()).err().unwrap();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
        assert!(missing.to_string().contains(WINDOW_FILE), "{missing}");
    }
}
