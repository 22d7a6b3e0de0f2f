//! The GitHub format: one workflow command per finding,
//! `::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.
//!
//! The message holds the members, the chain and the help, so that each
//! annotation stands on its own. Untrusted text is first escaped like in the
//! human output (so a line break in a quote becomes a visible `\n`), then the
//! whole value gets GitHub's escaping: `%`, CR and LF in the message, and
//! also `:` and `,` in properties. No rule file can start a command of its own.

use super::{Location, RenderOptions, TRUNCATED, describe_member, escape, notes_and_help};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;
use std::fmt::Write as _;

/// Escapes the message of a workflow command.
pub(crate) fn escape_data(s: &str) -> String {
    escape_workflow(s, false)
}

/// Escapes a property value of a workflow command (also `:` and `,`, which
/// separate properties).
pub(crate) fn escape_property(s: &str) -> String {
    escape_workflow(s, true)
}

fn escape_workflow(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

pub(super) fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    options: &RenderOptions,
) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let loc = Location::of(d.span, sources);
        let mut props = Vec::new();
        if loc.known {
            props.push(format!("file={}", escape_property(&escape(&loc.file))));
            props.push(format!("line={}", loc.line));
            props.push(format!("col={}", loc.column));
            props.push(format!("endLine={}", loc.end_line));
            props.push(format!("endColumn={}", loc.end_column));
        }
        let title = format!("{} ({})", d.kind.name(), d.kind.code());
        props.push(format!("title={}", escape_property(&title)));

        let mut message = escape(&d.message).into_owned();
        if !d.span_label.is_empty() {
            let _ = write!(message, "\n{}", escape(&d.span_label));
        }
        for l in &d.labels {
            let at = Location::of(l.span, sources);
            let _ = write!(message, "\n{}", escape(&l.message));
            if at.known {
                let _ = write!(message, " ({}:{})", escape(&at.file), at.line);
            }
        }
        for (i, m) in d.members.iter().enumerate() {
            let at = Location::of(m.span, sources);
            let _ = write!(message, "\n{}. {}", i + 1, describe_member(m, usize::MAX));
            if at.known {
                let _ = write!(message, " ({}:{})", escape(&at.file), at.line);
            }
        }
        let (notes, help) = notes_and_help(d);
        for n in notes {
            let _ = write!(message, "\nnote: {n}");
        }
        for h in help {
            let _ = write!(message, "\nhelp: {h}");
        }
        let _ = writeln!(
            out,
            "::{} {}::{}",
            command(d.severity),
            props.join(","),
            escape_data(&message)
        );
    }
    if options.truncated {
        let _ = writeln!(
            out,
            "::warning title={}::{}",
            escape_property("stance"),
            escape_data(TRUNCATED)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_github() {
        assert_eq!(escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
        assert_eq!(escape_property("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce");
    }
}
