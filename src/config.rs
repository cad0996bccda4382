//! Configuration: `config/quotebot.toml` (every knob documented there), the page-junk rules of
//! `config/cleaning.toml`, the synonyms of `config/synonyms.toml` and the re-ranker's weights
//! in `config/ranker.toml`. Errors name the file, and
//! for bad TOML the line, column and key.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;
use serde::Deserialize;

use crate::corpus::CleaningRules;
use crate::normalize::normalize;
use crate::rerank::{Ranker, RankerFile};

/// Default location of the main configuration file.
pub const DEFAULT_CONFIG: &str = "config/quotebot.toml";

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file does not exist or cannot be read.
    #[error("cannot read config file {0}: {1}")]
    Unreadable(PathBuf, std::io::Error),
    /// The file is not valid TOML or has a wrong key or value.
    #[error("config file {0} is invalid: {1}")]
    Invalid(PathBuf, String),
}

/// `config/quotebot.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub corpus_dir: PathBuf,
    pub index_dir: PathBuf,
    pub cleaning_file: PathBuf,
    pub synonyms_file: PathBuf,
    pub ranker_file: PathBuf,
    pub retrieval: RetrievalConfig,
    pub answer: AnswerConfig,
    pub telegram: TelegramConfig,
}

/// Knobs of ranking and of the "not found" decision.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetrievalConfig {
    /// Sentences taken from the index before re-ranking.
    pub candidates: usize,
    /// Most sentences of the best-matching paragraph among the candidates' that join the
    /// candidates (those nearest its first candidate; 0 = none).
    pub passage_sentences: usize,
    /// In the index's query: weight of the jieba word field against the character bigram field
    /// (0 leaves it out).
    pub words_weight: f32,
    /// In the index's query: weight of the ±1 sentence window against the sentence itself (0
    /// leaves it out).
    pub window_weight: f32,
    /// Share of the question's content (IDF-weighted) the best sentence must cover; below it
    /// the reply is "not found".
    pub min_coverage: f32,
    /// How many of the best-ranked sentences the "not found" decision looks at.
    pub decision_depth: usize,
    /// Share of the question's content (IDF-weighted) that may be unknown to the whole corpus;
    /// above it the reply is "not found".
    pub max_unknown_share: f32,
    /// Weight of a synonym's terms against the question's own.
    pub synonym_weight: f32,
}

/// Knobs of the reply.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnswerConfig {
    /// Quotes in a reply.
    pub max_quotes: usize,
    /// Longer questions are answered for their start, with a note.
    pub max_question_chars: usize,
    /// A sentence from another source is shown beside the best one when its score (the ranker's
    /// odds against the best sentence) is at least this share of the best score and it states
    /// a different figure.
    pub other_source_ratio: f32,
    /// Most sources shown when sources disagree.
    pub max_sources: usize,
}

/// Knobs of the Telegram bot (`quotebot serve`). Chat and user ids are Telegram's numbers:
/// a private chat has the user's id, groups and channels negative ids (`-100…`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelegramConfig {
    /// Chats the bot serves; empty means every chat. Admins are served in their private chats
    /// whatever this says.
    pub allowed_chats: Vec<i64>,
    /// Users who may run `/reload` and `/stats`.
    pub admins: Vec<u64>,
    /// Questions one user (or one channel) may ask per minute; 0 means no limit.
    pub questions_per_minute: u32,
    /// Inline queries one user may send per minute (Telegram sends one as they type); 0 means
    /// no limit.
    pub inline_queries_per_minute: u32,
    /// Results offered for an inline query (Telegram allows up to 50).
    pub inline_results: usize,
    /// Seconds Telegram may cache the results of an inline query.
    pub inline_cache_seconds: u32,
    /// Attempts after the first when a send fails on the network or on a server error.
    pub send_retries: u32,
    /// Wait before the first retry, doubled for each further one, in milliseconds.
    pub retry_backoff_ms: u64,
    /// Seconds given to replies in flight after a stop signal.
    pub shutdown_grace_seconds: u64,
    /// Public HTTPS address Telegram posts updates to; empty means long polling.
    pub webhook_url: String,
    /// Local address the webhook server listens on.
    pub webhook_listen: String,
    /// Secret Telegram sends with each webhook request (A-Z, a-z, 0-9, `_`, `-`); empty means a
    /// random one per start. `QUOTEBOT_WEBHOOK_SECRET` overrides it.
    pub webhook_secret: String,
    /// Sending limits of the Throttle adaptor.
    pub throttle: ThrottleConfig,
}

/// Telegram's flood limits, as the bot keeps to them.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleConfig {
    /// Messages per second to one chat.
    pub messages_per_sec_chat: u32,
    /// Messages per minute to one chat.
    pub messages_per_min_chat: u32,
    /// Messages per minute to one group, supergroup or channel.
    pub messages_per_min_group: u32,
    /// Messages per second over all chats.
    pub messages_per_sec_overall: u32,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        Self {
            allowed_chats: Vec::new(),
            admins: Vec::new(),
            questions_per_minute: 20,
            inline_queries_per_minute: 60,
            inline_results: 5,
            inline_cache_seconds: 60,
            send_retries: 2,
            retry_backoff_ms: 1000,
            shutdown_grace_seconds: 9,
            webhook_url: String::new(),
            webhook_listen: "0.0.0.0:8443".to_string(),
            webhook_secret: String::new(),
            throttle: ThrottleConfig::default(),
        }
    }
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            messages_per_sec_chat: 1,
            messages_per_min_chat: 20,
            messages_per_min_group: 20,
            messages_per_sec_overall: 30,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            corpus_dir: "corpus".into(),
            index_dir: "data/index".into(),
            cleaning_file: "config/cleaning.toml".into(),
            synonyms_file: "config/synonyms.toml".into(),
            ranker_file: "config/ranker.toml".into(),
            retrieval: RetrievalConfig::default(),
            answer: AnswerConfig::default(),
            telegram: TelegramConfig::default(),
        }
    }
}

impl Default for RetrievalConfig {
    fn default() -> Self {
        Self {
            candidates: 20,
            passage_sentences: 24,
            words_weight: 0.0,
            window_weight: 0.0,
            min_coverage: 0.25,
            decision_depth: 20,
            max_unknown_share: 0.4,
            synonym_weight: 0.8,
        }
    }
}

impl Default for AnswerConfig {
    fn default() -> Self {
        Self {
            max_quotes: 3,
            max_question_chars: 300,
            other_source_ratio: 0.1,
            max_sources: 4,
        }
    }
}

impl Config {
    /// Reads the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        read_toml(path)
    }
}

/// `config/cleaning.toml`: the page-junk rules, as patterns.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CleaningFile {
    pub cut_from: Vec<String>,
    pub drop_line: Vec<String>,
}

/// Reads and compiles the page-junk rules; returns them with the file's text (for the corpus
/// fingerprint, so a rule change rebuilds the index).
pub fn load_cleaning(path: &Path) -> Result<(CleaningRules, String), ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| ConfigError::Unreadable(path.to_path_buf(), err))?;
    let file: CleaningFile = parse_toml(path, &text)?;
    let rules = CleaningRules::new(&file.cut_from, &file.drop_line).map_err(|(pattern, err)| {
        ConfigError::Invalid(
            path.to_path_buf(),
            format!("pattern '{pattern}' is not a regular expression: {err}"),
        )
    })?;
    Ok((rules, text))
}

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

/// Reads `config/synonyms.toml`.
pub fn load_synonyms(path: &Path) -> Result<Synonyms, ConfigError> {
    let file: SynonymsFile = read_toml(path)?;
    Ok(Synonyms::from_groups(&file.groups))
}

/// Reads `config/ranker.toml`, the re-ranker's weights.
pub fn load_ranker(path: &Path) -> Result<Ranker, ConfigError> {
    let file: RankerFile = read_toml(path)?;
    Ranker::from_file(file).map_err(|err| ConfigError::Invalid(path.to_path_buf(), err))
}

fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| ConfigError::Unreadable(path.to_path_buf(), err))?;
    parse_toml(path, &text)
}

fn parse_toml<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, ConfigError> {
    toml::from_str(text)
        .map_err(|err| ConfigError::Invalid(path.to_path_buf(), err.to_string().trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_line_and_key_of_a_bad_value() {
        let err = parse_toml::<Config>(Path::new("q.toml"), "[answer]\nmax_quotes = \"three\"\n")
            .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("q.toml")
                && message.contains("line 2")
                && message.contains("max_quotes"),
            "{message}"
        );
    }

    #[test]
    fn refuses_unknown_keys() {
        let err =
            parse_toml::<Config>(Path::new("q.toml"), "[answer]\nmax_quote = 3\n").unwrap_err();
        assert!(err.to_string().contains("max_quote"), "{err}");
    }

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
