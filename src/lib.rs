//! quotebot answers questions about a set of documents by quoting them, never in its own words.
//!
//! corpus (decode, clean, number sentences) → index (tantivy over jieba words and bigrams)
//! → retrieve (question → ranked sentences) → answer (`Reply`: verbatim quotes, numbers,
//! figures, sources) → a front end renders it (terminal chat, JSON, Telegram).

pub mod answer;
pub mod bench;
pub mod bot;
pub mod config;
pub mod context;
pub mod conversation;
pub mod corpus;
pub mod engine;
pub mod eval;
pub mod figures;
pub mod index;
pub mod mock;
pub mod normalize;
pub mod rerank;
pub mod retrieve;
pub mod squad;
pub mod tokenize;
