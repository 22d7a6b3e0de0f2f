//! The properties the fuzz targets check. They live in
//! `tests/it/support/hostile.rs`, shared with the normal test suite
//! (`tests/it/hostile_*.rs`), so the fuzzers and `cargo test` check exactly
//! the same promises; see that file and docs/fuzzing.md. The two support
//! files are siblings here as in the test crate.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../tests/it/support/common.rs"]
mod common;
#[path = "../../tests/it/support/hostile.rs"]
mod hostile;

pub use hostile::{check_format, check_parse, check_pipeline};
