//! The integration tests: one binary, one module per area.

mod architecture;
mod bot;
mod cli;
mod encodings;
mod formats;
mod generations;
mod periods;
mod places;
mod squad;
mod support;
mod verbatim;
