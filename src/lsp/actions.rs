//! Code actions: every fix of the diagnostics at a range as a quick fix
//! (a `WorkspaceEdit` in the client's position encoding), and, for a
//! conflict, an infeasible scenario, a ruled-out condition or a reversal,
//! the `expect` line that records it, appended at the end of the file.

use super::diagnostics::Ranges;
use super::position::Encoding;
use super::workspace::Analysis;
use crate::diagnostic::{Diagnostic, Fix, Kind, Role};
use crate::source::{FileId, Span};
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, Url, WorkspaceEdit};
use std::collections::HashMap;

/// The `expect` line that records a finding, if it has one.
pub fn expect_line(d: &Diagnostic) -> Option<String> {
    match d.kind {
        Kind::Conflict if d.parties.len() >= 2 => {
            Some(format!("expect conflict {}", d.parties.join(", ")))
        }
        Kind::InfeasibleScenario => Some(format!("expect infeasible {}", d.scenario.as_ref()?)),
        Kind::RuledOut => {
            let c = d.members.iter().find(|m| m.role == Role::Condition)?;
            Some(format!("expect impossible {}", c.text))
        }
        _ => None,
    }
}

/// The `expect reversal P as of D` line that records a reversal: `D` is
/// the later of the snapshot dates of its members (read from the syntax
/// trees, as the finding's message is prose).
fn reversal_line(a: &Analysis, d: &Diagnostic) -> Option<String> {
    if d.kind != Kind::Reversal {
        return None;
    }
    let [party] = d.parties.as_slice() else {
        return None;
    };
    let later = d
        .members
        .iter()
        .filter_map(|m| {
            let tree = a.loaded.ast(m.span.file)?;
            super::symbols::snapshot_date_at(tree, m.span.start as usize)
        })
        .max()?;
    Some(format!("expect reversal {party} as of {later}"))
}

/// The fix that appends `line` to the end of `file`.
fn append(a: &Analysis, file: FileId, line: &str) -> Fix {
    let text = a.text(file);
    let sep = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    Fix::one(
        format!("add `{line}` to record this finding"),
        false,
        Span::new(file, text.len(), text.len()),
        format!("{sep}{line}\n"),
    )
}

fn action(
    a: &Analysis,
    d: &Diagnostic,
    fix: &Fix,
    ranges: &mut Ranges<'_>,
    preferred: bool,
) -> Option<CodeAction> {
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for e in &fix.edits {
        let uri = a.uris.get(e.span.file.0 as usize)?.clone()?;
        changes.entry(uri).or_default().push(TextEdit {
            range: ranges.range(e.span),
            new_text: e.replacement.clone(),
        });
    }
    Some(CodeAction {
        title: fix.message.clone(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![super::diagnostics::to_lsp(d, ranges)]),
        is_preferred: preferred.then_some(true),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    })
}

/// The code actions for the byte range `start..end` of `file`: the
/// fixes of every diagnostic of `file` that the range touches, in the
/// order of the diagnostics, then the `expect` lines.
pub fn code_actions(
    a: &Analysis,
    file: FileId,
    start: usize,
    end: usize,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    let mut ranges = Ranges::new(a, encoding);
    let mut out = Vec::new();
    let mut expects = Vec::new();
    for d in &a.report.diagnostics {
        let (s, e) = (d.span.start as usize, d.span.end as usize);
        if d.span.file != file || s > end || e < start {
            continue;
        }
        for (i, fix) in d.fixes.iter().enumerate() {
            if let Some(act) = action(a, d, fix, &mut ranges, i == 0 && fix.safe) {
                out.push(CodeActionOrCommand::CodeAction(act));
            }
        }
        if let Some(line) = expect_line(d).or_else(|| reversal_line(a, d))
            && !expects.contains(&line)
        {
            let fix = append(a, file, &line);
            if let Some(act) = action(a, d, &fix, &mut ranges, false) {
                out.push(CodeActionOrCommand::CodeAction(act));
            }
            expects.push(line);
        }
    }
    out
}
