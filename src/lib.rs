//! quotebot answers questions about a set of documents by quoting them, never in its own words.
//!
//! corpus (decode, clean, number sentences) → index (tantivy over character bigrams, document
//! frequencies of jieba words and ±1 windows) → question (terms, synonyms, what it asks for) →
//! search (candidates, re-ranking, the "not found" decision) → answer (`Reply`: verbatim
//! quotes, numbers, figures, sources) → a front end renders it (terminal chat, JSON, Telegram).
//!
//! Modules are listed from the bottom layer up; each imports only the layers above it in this
//! list (ARCHITECTURE.md, checked by `tests/it/architecture.rs`).

// Plain data and text, importing nothing else of the crate.
pub mod config;
pub mod percentile;
pub mod text;

// The pure core, in pipeline order.
pub mod corpus;

pub mod index;

pub mod question;

pub mod rank;

pub mod search;

pub mod answer;

pub mod render;

// One entry point, one conversation.
pub mod engine;

pub mod conversation;
pub mod store;

// The edges: the terminal, Telegram, measurement.
pub mod bot;
pub mod chat;
pub mod measure;
