//! The JSON format of LANGUAGE.md §8 (version 1, with `help`, `notes` and
//! `fixes`).
//!
//! Text is written as it is (the JSON encoder escapes what must be). Two
//! additions to §8: members with the role `condition` (the condition an
//! expectation or a `ruled-out` finding is about), and each member's
//! `weight` (LANGUAGE.md §10; `null` where the member takes none).

use super::{Counts, Location, RenderOptions, notes_and_help, role_name};
use crate::diagnostic::{Diagnostic, Fix, Member, StatementRef};
use crate::source::SourceMap;
use serde::Serialize;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

/// One diagnostic as §8 shows it (also in `stance timeline --format json`).
#[derive(Serialize)]
pub(super) struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    parties: &'a [String],
    scenario: Option<&'a str>,
    statements: Vec<Statement<'a>>,
    chain: &'a [String],
    concessions: Vec<Vec<Concession<'a>>>,
    /// Every help line the human output shows (LANGUAGE.md §8).
    help: Vec<String>,
    /// Every note line the human output shows.
    notes: Vec<String>,
    /// Machine-applicable fixes (LANGUAGE.md §8).
    fixes: Vec<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    safe: bool,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    replacement: &'a str,
}

fn fix<'a>(f: &'a Fix, sources: &SourceMap) -> JsonFix<'a> {
    JsonFix {
        message: &f.message,
        safe: f.safe,
        edits: f
            .edits
            .iter()
            .map(|e| {
                let loc = Location::of(e.span, sources);
                JsonEdit {
                    file: loc.file,
                    line: loc.line,
                    column: loc.column,
                    end_line: loc.end_line,
                    end_column: loc.end_column,
                    replacement: &e.replacement,
                }
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct Statement<'a> {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    role: &'static str,
    party: Option<&'a str>,
    kind: &'static str,
    label: Option<&'a str>,
    text: &'a str,
    quote: Option<&'a str>,
    /// The weight of a party's red line or wish (LANGUAGE.md §10), 1 when
    /// none is written; `null` for every other member (as on the edges of
    /// `stance graph --format json`).
    weight: Option<u32>,
}

#[derive(Serialize)]
struct Concession<'a> {
    file: String,
    line: usize,
    party: Option<&'a str>,
    label: Option<&'a str>,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    infos: usize,
    truncated: bool,
}

fn statement<'a>(m: &'a Member, sources: &SourceMap) -> Statement<'a> {
    let loc = Location::of(m.span, sources);
    Statement {
        file: loc.file,
        line: loc.line,
        column: loc.column,
        end_line: loc.end_line,
        end_column: loc.end_column,
        role: role_name(m.role),
        party: m.party.as_deref(),
        kind: m.kind,
        label: m.label.as_deref(),
        text: &m.text,
        quote: m.quote.as_deref(),
        weight: m.weight,
    }
}

fn concession<'a>(r: &'a StatementRef, sources: &SourceMap) -> Concession<'a> {
    let loc = Location::of(r.span, sources);
    Concession {
        file: loc.file,
        line: loc.line,
        party: r.party.as_deref(),
        label: r.label.as_deref(),
    }
}

/// One diagnostic in the JSON of LANGUAGE.md §8.
pub(super) fn diagnostic<'a>(d: &'a Diagnostic, sources: &SourceMap) -> JsonDiagnostic<'a> {
    let loc = Location::of(d.span, sources);
    // The same lines, in the same order, as the human output.
    let (notes, help) = notes_and_help(d);
    JsonDiagnostic {
        code: d.kind.code(),
        name: d.kind.name(),
        severity: d.severity.as_str(),
        message: &d.message,
        file: loc.file,
        line: loc.line,
        column: loc.column,
        end_line: loc.end_line,
        end_column: loc.end_column,
        parties: &d.parties,
        scenario: d.scenario.as_deref(),
        statements: d.members.iter().map(|m| statement(m, sources)).collect(),
        chain: &d.chain,
        concessions: d
            .concessions
            .iter()
            .map(|set| set.iter().map(|r| concession(r, sources)).collect())
            .collect(),
        help,
        notes,
        fixes: d.fixes.iter().map(|f| fix(f, sources)).collect(),
    }
}

pub(super) fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    options: &RenderOptions,
) -> String {
    let counts = Counts::of(diagnostics);
    let output = Output {
        version: 1,
        diagnostics: diagnostics.iter().map(|d| diagnostic(d, sources)).collect(),
        summary: Summary {
            errors: counts.errors,
            warnings: counts.warnings,
            infos: counts.infos,
            truncated: options.truncated,
        },
    };
    // Serializing these plain structs cannot fail.
    let mut s = serde_json::to_string_pretty(&output).unwrap_or_default();
    s.push('\n');
    s
}
