//! What the suites share: a temporary directory (`common`), random and
//! hand-built resolved models with a truth-table-friendly formula syntax
//! (`check`), the hostile-input harness shared with the fuzzers
//! (`hostile`), and sample diagnostics for the renderers (`render`).

pub mod check;
pub mod common;
pub mod hostile;
pub mod render;
