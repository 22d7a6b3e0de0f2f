//! The SARIF 2.1.0 format: one run, one rule per kind, one result per
//! diagnostic, with the members of a minimal set as related locations.
//!
//! Columns count Unicode code points (`columnKind`), like every position
//! this tool prints; the end column is exclusive, as SARIF wants. Message
//! texts are escaped like the human output (they are shown to people by
//! code-scanning tools); `properties` keep the raw data.

use super::{Location, RenderOptions, describe_member, escape, explain, notes_and_help, role_name};
use crate::diagnostic::{Diagnostic, Fix, Kind, Severity};
use crate::source::SourceMap;
use serde_json::{Value, json};
use std::fmt::Write as _;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A root-relative path as a relative URI reference: `/` kept, everything
/// outside the unreserved characters percent-encoded.
pub(crate) fn path_to_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn physical(loc: &Location) -> Value {
    json!({
        "artifactLocation": { "uri": path_to_uri(&loc.file) },
        "region": {
            "startLine": loc.line,
            "startColumn": loc.column,
            "endLine": loc.end_line,
            "endColumn": loc.end_column,
        }
    })
}

fn rule(kind: Kind) -> Value {
    let doc = explain(kind);
    let full = super::explain::section(kind, "What it means")
        .and_then(|s| s.split("\n\n").next())
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| kind.summary().to_owned());
    json!({
        "id": kind.code(),
        "name": kind.name(),
        "shortDescription": { "text": kind.summary() },
        "fullDescription": { "text": full },
        "help": { "text": doc, "markdown": doc },
        "defaultConfiguration": { "level": level(kind.severity()) },
        "properties": { "tags": [category(kind)] },
    })
}

fn category(kind: Kind) -> &'static str {
    match kind.code().as_bytes().get(2) {
        Some(b'0') => "input",
        Some(b'1') => "consistency",
        Some(b'2') => "expectation",
        _ => "declaration",
    }
}

/// A SARIF `fix`: one `artifactChange` per file, its edits as
/// `replacements` (`deletedRegion` + `insertedContent`); `safe` in its
/// properties. `None` when an edit's file is unknown.
fn fix(f: &Fix, sources: &SourceMap) -> Option<Value> {
    let mut changes: Vec<(String, Vec<Value>)> = Vec::new();
    for e in &f.edits {
        let loc = Location::of(e.span, sources);
        if !loc.known {
            return None;
        }
        let replacement = json!({
            "deletedRegion": {
                "startLine": loc.line,
                "startColumn": loc.column,
                "endLine": loc.end_line,
                "endColumn": loc.end_column,
            },
            "insertedContent": { "text": e.replacement },
        });
        match changes.iter_mut().find(|(file, _)| *file == loc.file) {
            Some((_, rs)) => rs.push(replacement),
            None => changes.push((loc.file, vec![replacement])),
        }
    }
    Some(json!({
        "description": { "text": escape(&f.message) },
        "artifactChanges": changes
            .into_iter()
            .map(|(file, rs)| json!({
                "artifactLocation": { "uri": path_to_uri(&file) },
                "replacements": rs,
            }))
            .collect::<Vec<_>>(),
        "properties": { "safe": f.safe },
    }))
}

fn result(d: &Diagnostic, sources: &SourceMap) -> Value {
    let index = Kind::ALL.iter().position(|k| *k == d.kind).unwrap_or(0);
    let loc = Location::of(d.span, sources);

    let mut text = escape(&d.message).into_owned();
    let (notes, help) = notes_and_help(d);
    for n in notes {
        let _ = write!(text, "\nnote: {n}");
    }
    for h in help {
        let _ = write!(text, "\nhelp: {h}");
    }

    let mut related = Vec::new();
    for (i, m) in d.members.iter().enumerate() {
        let at = Location::of(m.span, sources);
        if !at.known {
            continue;
        }
        let mut properties = json!({ "role": role_name(m.role), "kind": m.kind });
        // a red line's or wish's weight (LANGUAGE.md §10), as in the JSON
        if let Some(w) = m.weight {
            properties["weight"] = json!(w);
        }
        related.push(json!({
            "id": i + 1,
            "physicalLocation": physical(&at),
            "message": { "text": format!("{}. {}", i + 1, describe_member(m, usize::MAX)) },
            "properties": properties,
        }));
    }
    for (i, l) in d.labels.iter().enumerate() {
        let at = Location::of(l.span, sources);
        if !at.known {
            continue;
        }
        related.push(json!({
            "id": d.members.len() + i + 1,
            "physicalLocation": physical(&at),
            "message": { "text": escape(&l.message) },
        }));
    }

    let mut r = json!({
        "ruleId": d.kind.code(),
        "ruleIndex": index,
        "level": level(d.severity),
        "message": { "text": text },
        "properties": {
            "name": d.kind.name(),
            "parties": d.parties,
            "scenario": d.scenario,
            "chain": d.chain,
        },
    });
    if let Some(obj) = r.as_object_mut() {
        if loc.known {
            let mut primary = json!({ "physicalLocation": physical(&loc) });
            if let (false, Some(p)) = (d.span_label.is_empty(), primary.as_object_mut()) {
                p.insert(
                    "message".to_owned(),
                    json!({ "text": escape(&d.span_label) }),
                );
            }
            obj.insert("locations".to_owned(), json!([primary]));
        }
        if !related.is_empty() {
            obj.insert("relatedLocations".to_owned(), Value::Array(related));
        }
        let fixes: Vec<Value> = d.fixes.iter().filter_map(|f| fix(f, sources)).collect();
        if !fixes.is_empty() {
            obj.insert("fixes".to_owned(), Value::Array(fixes));
        }
    }
    r
}

pub(super) fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    options: &RenderOptions,
) -> String {
    let mut driver = json!({
        "name": "stance",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": Kind::ALL.iter().map(|k| rule(*k)).collect::<Vec<_>>(),
    });
    let home = option_env!("CARGO_PKG_HOMEPAGE")
        .filter(|s| !s.is_empty())
        .or(option_env!("CARGO_PKG_REPOSITORY").filter(|s| !s.is_empty()));
    if let (Some(home), Some(obj)) = (home, driver.as_object_mut()) {
        obj.insert("informationUri".to_owned(), json!(home));
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "results": diagnostics.iter().map(|d| result(d, sources)).collect::<Vec<_>>(),
            "properties": { "truncated": options.truncated },
        }],
    });
    // Serializing a `Value` cannot fail.
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(path_to_uri("rules/a-b_c.stance"), "rules/a-b_c.stance");
        assert_eq!(
            path_to_uri("my rules/ä%.stance"),
            "my%20rules/%C3%A4%25.stance"
        );
    }
}
