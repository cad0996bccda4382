//! The integration tests: one binary, one module per area.

mod cli;
mod encodings;
mod support;
mod verbatim;
