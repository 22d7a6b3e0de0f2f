//! The short format: one line per finding,
//! `file:line:col: severity[name]: message`, nothing else.

use super::{Location, escape};
use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use std::fmt::Write as _;

pub(super) fn render(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let loc = Location::of(d.span, sources);
        if loc.known {
            let _ = write!(out, "{}:{}:{}: ", escape(&loc.file), loc.line, loc.column);
        }
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            d.severity.as_str(),
            d.kind.name(),
            escape(&d.message)
        );
    }
    out
}
