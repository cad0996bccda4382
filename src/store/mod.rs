//! The durable store: one SQLite database (bundled SQLite, WAL) in the data folder. It holds the
//! bot's inbox (`inbox`): every update written before Telegram is told it arrived, and kept
//! until its reply was accepted, so that no confirmed question is lost to a stop or a crash;
//! and the audit log (`audit`): what was quoted to whom, from every channel.

mod audit;
mod inbox;

pub use audit::{Asker, AuditLog, Channel, Entry, Filter, write_csv};
pub use inbox::{Inbox, Outcome};

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// Why the store could not be opened or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The folder of the database cannot be created.
    #[error("cannot create the folder of {0}: {1}")]
    Folder(PathBuf, std::io::Error),
    /// SQLite refused to open or to write the database.
    #[error("database {0}: {1}")]
    Sqlite(PathBuf, rusqlite::Error),
    /// A stored update could not be written or read back as JSON.
    #[error("stored update {0} is not readable: {1}")]
    Json(i64, serde_json::Error),
}

/// Opens (creating if need be) the database at `path` in WAL mode: writers do not block
/// readers, and a write is on disk when its transaction returns.
fn open(path: &Path) -> Result<rusqlite::Connection, StoreError> {
    let sqlite = |err| StoreError::Sqlite(path.to_path_buf(), err);
    if let Some(folder) = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder)
            .map_err(|err| StoreError::Folder(path.to_path_buf(), err))?;
    }
    let connection = rusqlite::Connection::open(path).map_err(sqlite)?;
    connection
        .pragma_update(None, "journal_mode", "WAL")
        .map_err(sqlite)?;
    // In WAL mode NORMAL keeps every committed transaction through a crash or a kill of the
    // process (the write is in the operating system's hands when the commit returns), and it
    // costs no fsync per update; FULL would also survive a power cut, at a few milliseconds per
    // update on the handlers' threads.
    connection
        .pragma_update(None, "synchronous", "NORMAL")
        .map_err(sqlite)?;
    connection
        .busy_timeout(std::time::Duration::from_secs(5))
        .map_err(sqlite)?;
    Ok(connection)
}

/// One connection to the database, shared by the threads of the process, and where it is.
struct Database {
    path: PathBuf,
    connection: Mutex<rusqlite::Connection>,
}

impl Database {
    fn open(path: &Path) -> Result<Database, StoreError> {
        Ok(Database {
            path: path.to_path_buf(),
            connection: Mutex::new(open(path)?),
        })
    }

    fn lock(&self) -> MutexGuard<'_, rusqlite::Connection> {
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn sqlite(&self, err: rusqlite::Error) -> StoreError {
        StoreError::Sqlite(self.path.clone(), err)
    }
}
