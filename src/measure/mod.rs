//! Measurement: answer quality over question files (`eval`), sentence retrieval over
//! SQuAD-format data sets (`squad`) and speed (`bench`), all through the engine the bot uses.

pub mod bench;
pub mod decision;
pub mod desk;
pub mod eval;
pub mod heap;
pub mod squad;
pub mod unanswerable;

use std::path::PathBuf;

use crate::engine::EngineError;
use crate::search::SearchError;

/// Why a measurement could not be made.
#[derive(Debug, thiserror::Error)]
pub enum MeasureError {
    /// The engine could not be opened or built.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A question could not be searched.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// The data set is not in SQuAD format.
    #[error("not a SQuAD-format file: {0}")]
    NotSquad(serde_json::Error),
    /// A line of a question file is not a question.
    #[error("line {line}: {source}")]
    BadQuestion {
        line: usize,
        source: serde_json::Error,
    },
    /// A file or folder could not be read or written.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// A measured child process (`quotebot index`, `quotebot ask`) failed.
    #[error("measurement failed: {0}")]
    Child(String),
}
