//! The properties the fuzz targets check. They live in
//! `tests/hostile_support/mod.rs`, shared with the normal test suite
//! (`tests/hostile_*.rs`), so the fuzzers and `cargo test` check exactly
//! the same promises; see that file and docs/fuzzing.md.

#[path = "../../tests/hostile_support/mod.rs"]
mod hostile_support;

pub use hostile_support::{check_format, check_parse, check_pipeline};
