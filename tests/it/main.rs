//! The integration tests: one crate (as rust-analyzer keeps them), one
//! module per suite, and one `support` module with what the suites share.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod check_cache;
mod check_example;
mod check_oracle;
mod check_scale;
mod cli;
mod corpus;
mod deals;
mod deals_output;
mod docs;
mod explain_examples;
mod export_cnf;
mod fixes;
mod fmt_cli;
mod fmt_props;
mod graph;
mod hostile_budget;
mod hostile_confinement;
mod hostile_limits;
mod hostile_props;
mod hostile_text;
mod lsp;
mod render_formats;
mod render_props;
mod render_sarif;
mod syntax;
mod timeline;
mod timeline_oracle;
mod ui;
mod vscode_grammar;
