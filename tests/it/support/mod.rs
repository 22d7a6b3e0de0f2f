//! What the suites share: a temporary directory (`common`), random and
//! hand-built resolved models with a truth-table-friendly formula syntax
//! (`check`), the hostile-input harness shared with the fuzzers
//! (`hostile`), sample diagnostics for the renderers (`render`), and random
//! dated models (`timeline`).

pub mod check;
pub mod common;
pub mod hostile;
pub mod render;
pub mod timeline;
