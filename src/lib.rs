//! stancecheck: checks whether the stances of the parties to a dispute can
//! all hold together.
//!
//! The pipeline, one module per stage:
//! [`source`] → [`syntax`] → [`resolve`] (with [`load`] for includes) →
//! [`logic`] (clauses) → [`check`] (one module per finding kind) →
//! [`diagnostic`] → [`levels`] (`-A/-W/-D`) → [`render`] (one module per
//! output format) → `cli`. [`workspace`] decides the root and how paths are
//! shown; the binary only wires these together with the disk and the
//! terminal.
//!
//! The core (everything but `render` and the binary) does no I/O and never
//! panics on any input.

pub mod ast;
pub mod check;
pub mod date;
pub mod deals;
pub mod diagnostic;
pub mod disk;
pub mod fix;
pub mod format;
pub mod generate;
pub mod graph;
mod hash;
pub mod levels;
pub mod load;
pub mod logic;
pub mod lsp;
pub mod model;
mod parallel;
pub mod pipeline;
pub mod render;
pub mod resolve;
pub mod source;
pub mod suggest;
pub mod syntax;
pub mod timeline;
pub mod workspace;
