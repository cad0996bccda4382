//! Synonyms: groups of words that mean the same thing (`config/synonyms.toml`), mostly the
//! everyday word beside the official one, in normalised form; every entry of a question found in
//! one Aho-Corasick pass.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use aho_corasick::AhoCorasick;
use serde::Deserialize;

use crate::config::{ConfigError, read_toml};
use crate::text::normalize::normalize;

/// Groups of words that mean the same thing, in normalised form.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    by_word: HashMap<String, Vec<String>>,
    /// Finds every word of `words` in a question in one pass (None for the empty default, or if
    /// the table could not be built).
    finder: Option<AhoCorasick>,
    words: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymsFile {
    groups: Vec<Vec<String>>,
}

impl Synonyms {
    /// Reads `config/synonyms.toml`.
    pub fn load(path: &Path) -> Result<Synonyms, ConfigError> {
        let file: SynonymsFile = read_toml(path)?;
        Ok(Synonyms::from_groups(&file.groups))
    }

    /// Builds the lookup from groups of equivalent words.
    pub fn from_groups(groups: &[Vec<String>]) -> Self {
        let mut by_word: HashMap<String, Vec<String>> = HashMap::new();
        for group in groups {
            let group: Vec<String> = group
                .iter()
                .map(|word| normalize(word.trim()))
                .filter(|w| !w.is_empty())
                .collect();
            for word in &group {
                let others = by_word.entry(word.clone()).or_default();
                others.extend(group.iter().filter(|other| *other != word).cloned());
            }
        }
        let mut words: Vec<String> = by_word.keys().cloned().collect();
        words.sort();
        let finder = match AhoCorasick::new(&words) {
            Ok(finder) => Some(finder),
            // Only a table far beyond any real one could fail; the questions then go unexpanded.
            Err(err) => {
                tracing::warn!("synonyms not used: {err}");
                None
            }
        };
        Self {
            by_word,
            finder,
            words,
        }
    }

    /// The other words of `word`'s groups (normalised), if any.
    pub fn of(&self, word: &str) -> &[String] {
        self.by_word
            .get(word)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Every place in `text` where a word that has synonyms occurs (overlapping ones too): the
    /// word and its byte range.
    pub fn occurrences(&self, text: &str) -> Vec<(&str, Range<usize>)> {
        let Some(finder) = &self.finder else {
            return Vec::new();
        };
        finder
            .find_overlapping_iter(text)
            .map(|found| (self.words[found.pattern()].as_str(), found.range()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_are_found_where_they_occur_overlapping_too() {
        let synonyms = Synonyms::from_groups(&[
            vec!["大同".into(), "大同市".into()],
            vec!["GDP".into(), "地區生產總值".into()],
        ]);
        let mut found = synonyms.occurrences("大同市的地区生产总值和大同");
        found.sort_by_key(|(word, at)| (at.start, word.len()));
        let expected: Vec<(&str, Range<usize>)> = vec![
            ("大同", 0..6),
            ("大同市", 0..9),
            ("地区生产总值", 12..30),
            ("大同", 33..39),
        ];
        assert_eq!(found, expected);
        assert!(synonyms.occurrences("太原").is_empty());
        assert!(Synonyms::default().occurrences("大同").is_empty());
    }

    #[test]
    fn synonyms_work_both_ways_and_across_scripts() {
        let synonyms = Synonyms::from_groups(&[vec!["GDP".into(), "地區生產總值".into()]]);
        assert_eq!(synonyms.of("gdp"), ["地区生产总值"]);
        assert_eq!(synonyms.of("地区生产总值"), ["gdp"]);
        assert!(synonyms.of("大同").is_empty());
    }
}
