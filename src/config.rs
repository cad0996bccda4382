//! Configuration: `config/quotebot.toml`, every knob documented there. The shipped file is the
//! one source of the defaults: it is compiled in, and a user's file overrides the keys it names
//! (a missing file means the shipped values). Plain data and loading only: this module imports
//! nothing else of the crate, and the other `config/*.toml` files are read by the layers that
//! own them, through [`read_toml`]. Errors name the file, the key and, where it can be found,
//! the line.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde::Deserialize;

mod ranges;
mod removed;

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
    /// A number outside the range its knob documents.
    #[error("config file {file}{line}: {key} = {value} is out of range (allowed: {range})", line = line.map(|n| format!(", line {n}")).unwrap_or_default())]
    OutOfRange {
        file: PathBuf,
        line: Option<usize>,
        key: &'static str,
        value: String,
        range: &'static str,
    },
    /// A key an earlier version had: refused like an unknown key, with what became of it.
    #[error("config file {file}{line}: {key} is no longer a setting ({why}); delete it", line = line.map(|n| format!(", line {n}")).unwrap_or_default())]
    Removed {
        file: PathBuf,
        line: Option<usize>,
        key: &'static str,
        why: &'static str,
    },
}

/// `config/quotebot.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub corpus_dir: PathBuf,
    pub index_dir: PathBuf,
    pub cleaning_file: PathBuf,
    pub synonyms_file: PathBuf,
    pub ranker_file: PathBuf,
    /// The answer/refuse model, fitted by scripts/fit_decision.py.
    pub decision_file: PathBuf,
    /// The SQLite database of the bot's inbox and of the audit log.
    pub store_file: PathBuf,
    /// Days the audit log keeps a row; 0 keeps everything.
    pub audit_retention_days: u32,
    pub retrieval: RetrievalConfig,
    pub answer: AnswerConfig,
    pub telegram: TelegramConfig,
}

/// Knobs of ranking and of the "not found" decision.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrievalConfig {
    /// Sentences taken from the index before re-ranking.
    pub candidates: usize,
    /// Most sentences of the best-matching paragraph among the candidates' that join the
    /// candidates (those nearest its first candidate; 0 = none).
    pub passage_sentences: usize,
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
    /// How much an unknown term that does not name a thing (a verb, a number) counts against
    /// an unknown noun in the unknown share.
    pub unknown_action_share: f32,
    /// Weight of a one-character term against its IDF, in coverage and the unknown share.
    pub single_char_weight: f32,
    /// Credits of a term found only partly in a sentence, in coverage.
    pub coverage: CoverageConfig,
}

/// How much of a term's weight coverage credits when the sentence does not hold it as a word.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageConfig {
    /// Found only inside a longer word (大学 in 清华大学).
    pub inside_word: f32,
    /// Matched only through some of its bigrams (times the share of them found).
    pub partial: f32,
    /// Found only in the document's title.
    pub topic: f32,
}

/// Knobs of the reply.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerConfig {
    /// Quotes in a reply.
    pub max_quotes: usize,
    /// Longer questions are answered for their start, with a note.
    pub max_question_chars: usize,
    /// Most sources shown when sources disagree.
    pub max_sources: usize,
    /// Sentences (the index's best for the question) in which a figure question looks for
    /// every source's statement of the asked measure.
    pub source_depth: usize,
    /// How much of the question a figure's own part of its sentence must name (IDF-weighted)
    /// for the figure to count as a statement of the asked measure.
    pub measure_fit: f32,
    /// How much of a figure question that names its unit (多少亿元, 几座) a quote's figure in
    /// that unit must name (as `measure_fit` measures it) for the quote to answer it.
    pub unit_fit: f32,
    /// Share of shared bigrams above which two sentences say the same thing (the second is
    /// not quoted).
    pub same_text_overlap: f32,
    /// Distinct quotes gathered per quote or source shown, for comparing sources.
    pub over_fetch: usize,
    /// The day questions are asked on, `YYYY-MM-DD` (今年 and 去年 are read against it); empty
    /// means the clock's day in China Standard Time.
    pub today: String,
}

impl AnswerConfig {
    /// The set `today` as a date; `None` when it is empty or not a date.
    pub fn today_date(&self) -> Option<time::Date> {
        let mut parts = self.today.splitn(3, '-').map(str::parse::<u16>);
        let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
            (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let month = time::Month::try_from(u8::try_from(month).ok()?).ok()?;
        time::Date::from_calendar_date(year.into(), month, u8::try_from(day).ok()?).ok()
    }

    /// The year questions are asked in: `today`'s, else the clock's in China Standard Time.
    pub fn this_year(&self) -> u16 {
        let date = self.today_date().unwrap_or_else(|| {
            let china = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
            time::OffsetDateTime::now_utc().to_offset(china).date()
        });
        u16::try_from(date.year()).unwrap_or(u16::MAX)
    }
}

/// Knobs of the Telegram bot (`quotebot serve`). Chat and user ids are Telegram's numbers:
/// a private chat has the user's id, groups and channels negative ids (`-100…`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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
#[serde(deny_unknown_fields)]
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

/// The shipped `config/quotebot.toml`: the defaults of every knob.
const SHIPPED_TEXT: &str = include_str!("../config/quotebot.toml");

static SHIPPED_TABLE: LazyLock<toml::Table> = LazyLock::new(|| {
    toml::from_str(SHIPPED_TEXT).expect("the shipped config/quotebot.toml parses")
});

static SHIPPED: LazyLock<Config> = LazyLock::new(|| {
    Config::deserialize(SHIPPED_TABLE.clone()).expect("the shipped config/quotebot.toml is valid")
});

impl Default for Config {
    fn default() -> Self {
        SHIPPED.clone()
    }
}

impl Default for RetrievalConfig {
    fn default() -> Self {
        SHIPPED.retrieval.clone()
    }
}

impl Default for AnswerConfig {
    fn default() -> Self {
        SHIPPED.answer.clone()
    }
}

impl Default for TelegramConfig {
    fn default() -> Self {
        SHIPPED.telegram.clone()
    }
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        SHIPPED.telegram.throttle.clone()
    }
}

impl Config {
    /// Reads the configuration file at `path`: the shipped values, with the keys it names
    /// replaced.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| ConfigError::Unreadable(path.to_path_buf(), err))?;
        Config::parse(path, &text)
    }

    /// [`Config::load`] of a text already read; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let own: toml::Table = parse_toml(path, text)?;
        if let Some(removed) = removed::removed_key(&own) {
            return Err(ConfigError::Removed {
                file: path.to_path_buf(),
                line: line_of(text, removed.key),
                key: removed.key,
                why: removed.why,
            });
        }
        let mut merged = SHIPPED_TABLE.clone();
        overlay(&mut merged, own);
        let config = Config::deserialize(merged).map_err(|err| {
            let message = err.to_string();
            let message = message.trim();
            let line = key_path(message).and_then(|key| line_of(text, &key));
            let message = match line {
                Some(line) => format!("line {line}: {}", message.replace('\n', " ")),
                None => message.replace('\n', " "),
            };
            ConfigError::Invalid(path.to_path_buf(), message)
        })?;
        if let Some(bad) = ranges::out_of_range(&config) {
            return Err(ConfigError::OutOfRange {
                file: path.to_path_buf(),
                line: line_of(text, bad.key),
                key: bad.key,
                value: bad.value,
                range: bad.range,
            });
        }
        Ok(config)
    }
}

/// Replaces the keys of `base` that `own` names, table by table.
fn overlay(base: &mut toml::Table, own: toml::Table) {
    for (key, value) in own {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(own_inner)) => {
                overlay(inner, own_inner)
            }
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// The dotted key an error message names (`in `answer.max_quotes``), if any.
fn key_path(message: &str) -> Option<String> {
    let (_, after) = message.rsplit_once("in `")?;
    Some(after.trim_end_matches('`').to_string())
}

/// The 1-based line of `text` that sets `key` (dotted, `answer.max_quotes`), or that opens its
/// table when the error is about the table itself.
fn line_of(text: &str, key: &str) -> Option<usize> {
    let (table, last) = key.rsplit_once('.').unwrap_or(("", key));
    let mut current = String::new();
    let mut table_line = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(header) = line.strip_prefix('[') {
            current = header.trim_end_matches(']').trim().to_string();
            if current == key {
                table_line = Some(n + 1);
            }
            continue;
        }
        let name = line.split('=').next().unwrap_or_default().trim();
        if current == table && name == last && line.contains('=') {
            return Some(n + 1);
        }
    }
    table_line
}

/// Reads a TOML file of any of the `config/*.toml` kinds.
pub fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| ConfigError::Unreadable(path.to_path_buf(), err))?;
    parse_toml(path, &text)
}

/// Parses TOML text read from `path`; errors name the file, and the line and key the TOML
/// parser reports.
pub fn parse_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
) -> Result<T, ConfigError> {
    toml::from_str(text)
        .map_err(|err| ConfigError::Invalid(path.to_path_buf(), err.to_string().trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_error(text: &str, wanted: &[&str]) {
        let err = Config::parse(Path::new("q.toml"), text).unwrap_err();
        let message = err.to_string();
        for part in wanted {
            assert!(message.contains(part), "{part} not in: {message}");
        }
    }

    #[test]
    fn names_line_and_key_of_a_bad_value() {
        check_error(
            "[answer]\nmax_quotes = \"three\"\n",
            &["q.toml", "line 2", "max_quotes"],
        );
        check_error(
            "corpus_dir = \"c\"\n\n[retrieval.coverage]\ntopic = \"x\"\n",
            &["q.toml", "line 4", "topic"],
        );
        check_error("[answer\nmax_quotes = 3\n", &["q.toml", "line 1"]);
    }

    #[test]
    fn refuses_values_out_of_range() {
        let check = |text: &str, key: &str, line: &str| {
            let err = Config::parse(Path::new("q.toml"), text).unwrap_err();
            let message = err.to_string();
            assert!(
                matches!(&err, ConfigError::OutOfRange { key: bad, .. } if *bad == key)
                    && message.contains(line)
                    && message.contains("allowed"),
                "{text}: {message}"
            );
        };
        check(
            "[retrieval]\ncandidates = 0\n",
            "retrieval.candidates",
            "line 2",
        );
        check(
            "[retrieval]\ncandidates = 4294967296\n",
            "retrieval.candidates",
            "line 2",
        );
        check("[answer]\nmax_quotes = 0\n", "answer.max_quotes", "line 2");
        check(
            "\n[answer]\nmax_question_chars = 0\n",
            "answer.max_question_chars",
            "line 3",
        );
        check(
            "[retrieval]\nmin_coverage = nan\n",
            "retrieval.min_coverage",
            "line 2",
        );
        check(
            "[retrieval]\nmin_coverage = inf\n",
            "retrieval.min_coverage",
            "line 2",
        );
        check(
            "[retrieval]\nmin_coverage = 2.0\n",
            "retrieval.min_coverage",
            "line 2",
        );
        check(
            "[retrieval]\nmax_unknown_share = -1.0\n",
            "retrieval.max_unknown_share",
            "line 2",
        );
        check(
            "[retrieval]\nsynonym_weight = 1.5\n",
            "retrieval.synonym_weight",
            "line 2",
        );
        check(
            "[telegram.throttle]\nmessages_per_sec_chat = 0\n",
            "telegram.throttle.messages_per_sec_chat",
            "line 2",
        );
        // A value too large for its type is named by the parser instead.
        let err = Config::parse(Path::new("q.toml"), "[retrieval]\ncandidates = -3\n").unwrap_err();
        assert!(err.to_string().contains("candidates"), "{err}");
    }

    #[test]
    fn refuses_unknown_keys() {
        check_error("[answer]\nmax_quote = 3\n", &["q.toml", "max_quote"]);
        check_error("colour = 3\n", &["q.toml", "colour"]);
    }

    #[test]
    fn refuses_removed_keys_saying_what_became_of_them() {
        for key in ["words_weight", "window_weight"] {
            let text = format!("[answer]\nmax_quotes = 3\n\n[retrieval]\n{key} = 0.0\n");
            let err = Config::parse(Path::new("q.toml"), &text).unwrap_err();
            assert!(
                matches!(&err, ConfigError::Removed { key: removed, .. }
                    if *removed == format!("retrieval.{key}")),
                "{err}"
            );
            let message = err.to_string();
            for part in ["q.toml", "line 5", "no longer a setting", "re-ranker"] {
                assert!(message.contains(part), "{part} not in: {message}");
            }
        }
        check_error(
            "retrieval = { window_weight = 1.0 }\n",
            &["q.toml", "retrieval.window_weight", "no longer"],
        );
    }

    #[test]
    fn takes_every_default_from_the_shipped_file() {
        let shipped = Config::parse(Path::new("shipped"), SHIPPED_TEXT).unwrap();
        let empty = Config::parse(Path::new("empty"), "").unwrap();
        assert_eq!(format!("{shipped:?}"), format!("{:?}", Config::default()));
        assert_eq!(format!("{empty:?}"), format!("{shipped:?}"));
        let own = Config::parse(
            Path::new("own"),
            "[answer]\nmax_quotes = 5\n[retrieval.coverage]\ntopic = 0.5\n",
        )
        .unwrap();
        assert_eq!(own.answer.max_quotes, 5);
        assert_eq!(own.retrieval.coverage.topic, 0.5);
        assert_eq!(own.answer.max_sources, shipped.answer.max_sources);
        assert_eq!(
            own.retrieval.coverage.partial,
            shipped.retrieval.coverage.partial
        );
    }
}
