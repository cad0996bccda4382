//! The bot's inbox: each update from Telegram is stored (as the JSON Telegram sent, with its
//! id) before the next `getUpdates` confirms it, and marked done once its reply was accepted,
//! or failed for good with the reason. At start, the updates still pending are answered first.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{OptionalExtension, params};

use super::{Database, StoreError};

/// How handling an update ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Answered (or rightly ignored: not addressed to the bot, not a message it reads).
    Done,
    /// It could not be answered, and trying again would not help: the reason.
    Failed(String),
}

/// The inbox table of the store.
pub struct Inbox {
    db: Database,
    /// Updates stored as they arrived (webhook) and not yet handed on to the handlers.
    admitted: Mutex<std::collections::HashSet<i64>>,
}

/// Done and failed updates are kept this long (days), for looking into what happened.
const KEEP_FINISHED_DAYS: i64 = 7;

impl Inbox {
    /// Opens the inbox of the database at `path`, creating it if need be, and forgets finished
    /// updates older than a week.
    pub fn open(path: &Path) -> Result<Inbox, StoreError> {
        let db = Database::open(path)?;
        let connection = db.lock();
        let sqlite = |err| db.sqlite(err);
        connection
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS inbox (
                    update_id   INTEGER PRIMARY KEY,
                    body        TEXT NOT NULL,
                    received_at INTEGER NOT NULL DEFAULT (unixepoch()),
                    state       TEXT NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'done', 'failed')),
                    finished_at INTEGER,
                    reason      TEXT
                 );
                 CREATE INDEX IF NOT EXISTS inbox_state ON inbox (state, update_id);",
            )
            .map_err(sqlite)?;
        connection
            .execute(
                "DELETE FROM inbox WHERE state != 'pending' AND finished_at < unixepoch() - ?1",
                params![KEEP_FINISHED_DAYS * 86_400],
            )
            .map_err(sqlite)?;
        drop(connection);
        Ok(Inbox {
            db,
            admitted: Mutex::default(),
        })
    }

    /// Stores an update as pending. False when the inbox already has it (pending from an
    /// earlier run, or finished): Telegram sends again what was not confirmed, and it must not
    /// be answered twice. An update [`Inbox::admit`]ted in this run is new once more, once.
    pub fn receive(&self, update_id: i64, body: &str) -> Result<bool, StoreError> {
        let inserted = self.insert(update_id, body)?;
        let admitted = self
            .admitted
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(&update_id);
        Ok(inserted || admitted)
    }

    /// Stores an update as it arrives, before it is acknowledged (webhook mode); the
    /// [`Inbox::receive`] that follows when it is handed on takes it as new.
    pub fn admit(&self, update_id: i64, body: &str) -> Result<(), StoreError> {
        if self.insert(update_id, body)? {
            self.admitted
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .insert(update_id);
        }
        Ok(())
    }

    fn insert(&self, update_id: i64, body: &str) -> Result<bool, StoreError> {
        let inserted = self
            .db
            .lock()
            .execute(
                "INSERT OR IGNORE INTO inbox (update_id, body) VALUES (?1, ?2)",
                params![update_id, body],
            )
            .map_err(|err| self.db.sqlite(err))?;
        Ok(inserted == 1)
    }

    /// Marks an update finished.
    pub fn finish(&self, update_id: i64, outcome: &Outcome) -> Result<(), StoreError> {
        let (state, reason) = match outcome {
            Outcome::Done => ("done", None),
            Outcome::Failed(reason) => ("failed", Some(reason.as_str())),
        };
        self.db
            .lock()
            .execute(
                "UPDATE inbox SET state = ?2, reason = ?3, finished_at = unixepoch()
                 WHERE update_id = ?1",
                params![update_id, state, reason],
            )
            .map_err(|err| self.db.sqlite(err))?;
        Ok(())
    }

    /// The updates still pending, oldest first: (id, body).
    pub fn pending(&self) -> Result<Vec<(i64, String)>, StoreError> {
        let connection = self.db.lock();
        let mut statement = connection
            .prepare("SELECT update_id, body FROM inbox WHERE state = 'pending' ORDER BY update_id")
            .map_err(|err| self.db.sqlite(err))?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(|err| self.db.sqlite(err))?;
        rows.collect::<Result<_, _>>()
            .map_err(|err| self.db.sqlite(err))
    }

    /// The state of one update (`pending`, `done`, `failed`), if the inbox has it.
    pub fn state(&self, update_id: i64) -> Result<Option<String>, StoreError> {
        self.db
            .lock()
            .query_row(
                "SELECT state FROM inbox WHERE update_id = ?1",
                params![update_id],
                |row| row.get(0),
            )
            .optional()
            .map_err(|err| self.db.sqlite(err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_updates_until_they_are_finished() {
        let scratch = tempfile::TempDir::new().unwrap();
        let path = scratch.path().join("data/store.sqlite3");
        let inbox = Inbox::open(&path).unwrap();
        assert!(inbox.receive(7, "{\"update_id\":7}").unwrap());
        assert!(inbox.receive(5, "{\"update_id\":5}").unwrap());
        assert!(inbox.receive(9, "{\"update_id\":9}").unwrap());
        // Sent again by Telegram: not taken twice.
        assert!(!inbox.receive(7, "{\"update_id\":7}").unwrap());
        inbox.finish(7, &Outcome::Done).unwrap();
        inbox
            .finish(9, &Outcome::Failed("chat not found".into()))
            .unwrap();
        drop(inbox);
        // A new process sees what the old one left.
        let inbox = Inbox::open(&path).unwrap();
        let pending: Vec<i64> = inbox
            .pending()
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(pending, [5]);
        assert_eq!(inbox.state(7).unwrap().as_deref(), Some("done"));
        assert_eq!(inbox.state(9).unwrap().as_deref(), Some("failed"));
        assert_eq!(inbox.state(1).unwrap(), None);
        assert!(!inbox.receive(9, "{}").unwrap());
        // Stored at the door (webhook): handed on once, not twice.
        inbox.admit(11, "{\"update_id\":11}").unwrap();
        inbox.admit(11, "{\"update_id\":11}").unwrap();
        assert!(inbox.receive(11, "{}").unwrap());
        assert!(!inbox.receive(11, "{}").unwrap());
    }
}
