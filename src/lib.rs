//! quotebot answers questions about a set of documents by quoting them, never in its own words.
//!
//! corpus (decode, clean, number sentences) → index (tantivy over jieba words and bigrams)
//! → retrieve (question → ranked sentences) → answer (`Reply`: verbatim quotes, numbers,
//! figures, sources) → a front end renders it (terminal chat, JSON, Telegram).

pub mod normalize;
pub mod figures;
pub mod tokenize;
pub mod config;
pub mod corpus;
pub mod index;
pub mod retrieve;
pub mod answer;
pub mod context;
pub mod engine;
pub mod conversation;
pub mod mock;
pub mod eval;
