//! The audit log: what was quoted to whom. One row per answered question or checked draft, from
//! every channel (Telegram, the terminal chat, the command line): time, channel, chat and user,
//! the question, the reply's status and the references and sources it quoted. The token is never
//! among them; rows older than the retention are removed when the log is opened.

use std::path::Path;

use rusqlite::params;

use super::{Database, StoreError};
use crate::answer::{CheckReport, Reply};

/// Where a question came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Telegram,
    Chat,
    Cli,
}

impl Channel {
    fn name(self) -> &'static str {
        match self {
            Channel::Telegram => "telegram",
            Channel::Chat => "chat",
            Channel::Cli => "cli",
        }
    }
}

/// Who asked, where: Telegram's ids and chat type (`private`, `group`, `supergroup`,
/// `channel`); none for the terminal and the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Asker {
    pub chat_id: Option<i64>,
    pub chat_type: Option<String>,
    pub user_id: Option<i64>,
}

/// One row of the log, as read back.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Entry {
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub time: String,
    pub channel: String,
    pub chat_id: Option<i64>,
    pub chat_type: Option<String>,
    pub user_id: Option<i64>,
    pub question: String,
    pub status: String,
    pub confidence: Option<f64>,
    pub refs: Vec<String>,
    pub sources: Vec<String>,
}

impl std::fmt::Display for Entry {
    /// One line: time, channel, chat and user, status, references, question.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.time, self.channel)?;
        if let Some(chat) = self.chat_id {
            write!(f, " chat {chat}")?;
            if let Some(kind) = &self.chat_type {
                write!(f, " ({kind})")?;
            }
        }
        if let Some(user) = self.user_id {
            write!(f, " user {user}")?;
        }
        let refs = if self.refs.is_empty() {
            "-".to_string()
        } else {
            self.refs.join(" ")
        };
        write!(f, " · {} · {refs} · {}", self.status, self.question)
    }
}

/// Which rows to read.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only rows at or after this time (`YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`, UTC).
    pub since: Option<String>,
    pub chat_id: Option<i64>,
    /// At most this many rows, the newest (all when `None`).
    pub last: Option<usize>,
}

/// The audit table of the store.
pub struct AuditLog {
    db: Database,
}

impl AuditLog {
    /// Opens the log of the database at `path`, creating it if need be, and removes rows older
    /// than `retention_days` (0 keeps everything).
    pub fn open(path: &Path, retention_days: u32) -> Result<AuditLog, StoreError> {
        let db = Database::open(path)?;
        let connection = db.lock();
        let sqlite = |err| db.sqlite(err);
        connection
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS audit (
                    id         INTEGER PRIMARY KEY,
                    time       INTEGER NOT NULL DEFAULT (unixepoch()),
                    channel    TEXT NOT NULL,
                    chat_id    INTEGER,
                    chat_type  TEXT,
                    user_id    INTEGER,
                    question   TEXT NOT NULL,
                    status     TEXT NOT NULL,
                    confidence REAL,
                    refs       TEXT NOT NULL,
                    sources    TEXT NOT NULL
                 );
                 CREATE INDEX IF NOT EXISTS audit_time ON audit (time);
                 CREATE INDEX IF NOT EXISTS audit_chat ON audit (chat_id, time);",
            )
            .map_err(sqlite)?;
        if retention_days > 0 {
            connection
                .execute(
                    "DELETE FROM audit WHERE time < unixepoch() - ?1",
                    params![i64::from(retention_days) * 86_400],
                )
                .map_err(sqlite)?;
        }
        drop(connection);
        Ok(AuditLog { db })
    }

    /// Records a reply given to `asker` on `channel`.
    pub fn record(&self, channel: Channel, asker: &Asker, reply: &Reply) -> Result<(), StoreError> {
        let refs: Vec<String> = reply.quotes.iter().map(|quote| quote.citation()).collect();
        let sources: Vec<String> = reply
            .quotes
            .iter()
            .map(|quote| quote.source().label())
            .collect();
        let status = serde_json::to_value(reply.status)
            .ok()
            .and_then(|value| value.as_str().map(str::to_string))
            .unwrap_or_default();
        // The decision's confidence, as `ask --json` rounds it.
        let confidence = (f64::from(reply.confidence) * 1e4).round() / 1e4;
        let row = (reply.question.as_str(), status.as_str(), confidence);
        self.insert(channel, asker, row, &refs, &sources)
    }

    /// Records a checked draft, a row per claim: the claim's figure in 【】 and its sentence,
    /// `check_<verdict>` as its status, the evidence's references and sources. A failure is logged, not returned: the
    /// report has been given already.
    pub fn record_check(&self, channel: Channel, asker: &Asker, report: &CheckReport) {
        for claim in &report.claims {
            let refs: Vec<String> = claim.evidence.iter().map(|(_, q)| q.citation()).collect();
            let sources: Vec<String> = claim
                .evidence
                .iter()
                .map(|(_, quote)| quote.source().label())
                .collect();
            let verdict = serde_json::to_value(claim.verdict)
                .ok()
                .and_then(|value| value.as_str().map(str::to_string))
                .unwrap_or_default();
            let status = format!("check_{verdict}");
            let checked = format!("【{}】{}", claim.figure, claim.sentence);
            let row = (checked.as_str(), status.as_str(), 0.0);
            if let Err(err) = self.insert(channel, asker, row, &refs, &sources) {
                tracing::warn!("a checked claim is not recorded in the audit log: {err}");
            }
        }
    }

    /// One row: what was asked, its status and confidence, the references and sources given.
    fn insert(
        &self,
        channel: Channel,
        asker: &Asker,
        (question, status, confidence): (&str, &str, f64),
        refs: &[String],
        sources: &[String],
    ) -> Result<(), StoreError> {
        let json = |values: &[String]| serde_json::to_string(values).unwrap_or_default();
        self.db.lock()
            .execute(
                "INSERT INTO audit (channel, chat_id, chat_type, user_id, question, status, confidence, refs, sources)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    channel.name(),
                    asker.chat_id,
                    asker.chat_type,
                    asker.user_id,
                    question,
                    status,
                    confidence,
                    json(refs),
                    json(sources),
                ],
            )
            .map_err(|err| self.db.sqlite(err))?;
        Ok(())
    }

    /// The rows `filter` selects, oldest first.
    pub fn read(&self, filter: &Filter) -> Result<Vec<Entry>, StoreError> {
        let connection = self.db.lock();
        let mut statement = connection
            .prepare(
                "SELECT * FROM (
                    SELECT strftime('%Y-%m-%dT%H:%M:%SZ', time, 'unixepoch'), channel, chat_id,
                           chat_type, user_id, question, status, confidence, refs, sources, id
                    FROM audit
                    WHERE (?1 IS NULL OR time >= unixepoch(?1))
                      AND (?2 IS NULL OR chat_id = ?2)
                    ORDER BY id DESC
                    LIMIT ?3
                 ) ORDER BY 11",
            )
            .map_err(|err| self.db.sqlite(err))?;
        let limit = filter.last.map_or(-1, |n| n as i64);
        let rows = statement
            .query_map(params![filter.since, filter.chat_id, limit], |row| {
                let list = |at: usize| -> rusqlite::Result<Vec<String>> {
                    let text: String = row.get(at)?;
                    Ok(serde_json::from_str(&text).unwrap_or_default())
                };
                Ok(Entry {
                    time: row.get(0)?,
                    channel: row.get(1)?,
                    chat_id: row.get(2)?,
                    chat_type: row.get(3)?,
                    user_id: row.get(4)?,
                    question: row.get(5)?,
                    status: row.get(6)?,
                    confidence: row.get(7)?,
                    refs: list(8)?,
                    sources: list(9)?,
                })
            })
            .map_err(|err| self.db.sqlite(err))?;
        rows.collect::<Result<_, _>>()
            .map_err(|err| self.db.sqlite(err))
    }
}

/// The entries as CSV with a header row, for spreadsheets (`quotebot audit --csv`).
pub fn write_csv(entries: &[Entry], out: impl std::io::Write) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "time",
        "channel",
        "chat_id",
        "chat_type",
        "user_id",
        "question",
        "status",
        "confidence",
        "refs",
        "sources",
    ])?;
    let text = |value: Option<String>| value.unwrap_or_default();
    for entry in entries {
        writer.write_record([
            entry.time.clone(),
            entry.channel.clone(),
            text(entry.chat_id.map(|id| id.to_string())),
            text(entry.chat_type.clone()),
            text(entry.user_id.map(|id| id.to_string())),
            entry.question.clone(),
            entry.status.clone(),
            text(entry.confidence.map(|c| c.to_string())),
            entry.refs.join(" "),
            entry.sources.join(" | "),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::tests::{corpus, hits};
    use crate::answer::{Status, reply};
    use crate::config::AnswerConfig;
    use crate::question::{Synonyms, parse_question};

    #[test]
    fn records_what_was_quoted_to_whom() {
        let scratch = tempfile::TempDir::new().unwrap();
        let path = scratch.path().join("store.sqlite3");
        let log = AuditLog::open(&path, 0).unwrap();
        let corpus = corpus();
        let parsed = parse_question("服务器", &Synonyms::default());
        let answered = reply(
            &parsed,
            "服务器",
            &hits(&[(3, 1.0)]),
            &crate::search::MeasurePool::default(),
            &corpus,
            &AnswerConfig::default(),
            0,
        );
        let in_group = Asker {
            chat_id: Some(-100),
            chat_type: Some("supergroup".into()),
            user_id: Some(7),
        };
        log.record(Channel::Telegram, &in_group, &answered).unwrap();
        let none = Reply::empty("房价", Status::NotFound, Vec::new());
        log.record(Channel::Cli, &Asker::default(), &none).unwrap();
        drop(log);
        let log = AuditLog::open(&path, 30).unwrap();
        let all = log.read(&Filter::default()).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].channel, "telegram");
        assert_eq!(all[0].chat_id, Some(-100));
        assert_eq!(all[0].refs, ["[2·1.1]"]);
        assert_eq!(all[0].status, "answered");
        assert!(
            all[0].sources[0].contains("2025-03-12"),
            "{:?}",
            all[0].sources
        );
        assert_eq!(all[1].status, "not_found");
        let line = all[0].to_string();
        assert!(
            line.contains("telegram chat -100 (supergroup) user 7 · answered · [2·1.1] · 服务器"),
            "{line}"
        );
        assert!(all[1].refs.is_empty() && all[1].chat_id.is_none());
        assert!(
            all[0].time.ends_with('Z') && all[0].time.len() == 20,
            "{}",
            all[0].time
        );
        let of_chat = |chat| {
            log.read(&Filter {
                chat_id: Some(chat),
                ..Filter::default()
            })
            .unwrap()
            .len()
        };
        assert_eq!(of_chat(-100), 1);
        assert_eq!(of_chat(5), 0);
        let last = log
            .read(&Filter {
                last: Some(1),
                ..Filter::default()
            })
            .unwrap();
        assert_eq!(last.len(), 1);
        assert_eq!(last[0].channel, "cli");
        let future = log
            .read(&Filter {
                since: Some("2999-01-01".into()),
                ..Filter::default()
            })
            .unwrap();
        assert!(future.is_empty());
    }
}
