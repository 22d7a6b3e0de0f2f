//! The checker's diagnostics as LSP diagnostics: same code, range, severity
//! and message as `stance check --format json`; the members of a minimal
//! set, secondary labels, help and notes as related information.

use super::position::{Encoding, LineIndex};
use super::workspace::Analysis;
use crate::diagnostic::{Diagnostic, Kind, Severity};
use crate::source::Span;
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString,
    Range, Url,
};
use std::collections::BTreeMap;

/// Converts spans of one analysis to ranges, with a line index per file.
pub struct Ranges<'a> {
    analysis: &'a Analysis,
    indexes: Vec<Option<LineIndex<'a>>>,
    encoding: Encoding,
}

impl<'a> Ranges<'a> {
    /// Ranges in `encoding` for the files of `analysis`.
    pub fn new(analysis: &'a Analysis, encoding: Encoding) -> Ranges<'a> {
        Ranges {
            analysis,
            indexes: Vec::new(),
            encoding,
        }
    }

    fn index(&mut self, span: Span) -> Option<&LineIndex<'a>> {
        let i = span.file.0 as usize;
        if self.indexes.len() <= i {
            self.indexes.resize_with(i + 1, || None);
        }
        let analysis = self.analysis;
        let slot = self.indexes.get_mut(i)?;
        if slot.is_none() {
            *slot = Some(LineIndex::new(analysis.text(span.file)));
        }
        slot.as_ref()
    }

    /// The range of a span in its file.
    pub fn range(&mut self, span: Span) -> Range {
        let enc = self.encoding;
        match self.index(span) {
            Some(idx) => Range {
                start: idx.position(span.start as usize, enc),
                end: idx.position(span.end.max(span.start) as usize, enc),
            },
            None => Range::default(),
        }
    }

    /// The location of a span, when its file has a URI.
    pub fn location(&mut self, span: Span) -> Option<Location> {
        let uri = self.analysis.uris.get(span.file.0 as usize)?.clone()?;
        Some(Location {
            uri,
            range: self.range(span),
        })
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// One diagnostic for the editor.
pub fn to_lsp(d: &Diagnostic, ranges: &mut Ranges<'_>) -> lsp_types::Diagnostic {
    let primary = ranges.location(d.span);
    let mut related = Vec::new();
    for (i, m) in d.members.iter().enumerate() {
        if let Some(location) = ranges.location(m.span) {
            related.push(DiagnosticRelatedInformation {
                location,
                message: format!("{}. {}", i + 1, crate::render::describe_member_compact(m)),
            });
        }
    }
    for l in &d.labels {
        if let Some(location) = ranges.location(l.span) {
            related.push(DiagnosticRelatedInformation {
                location,
                message: l.message.clone(),
            });
        }
    }
    if let Some(location) = primary {
        for (prefix, lines) in [("help", &d.help), ("note", &d.notes)] {
            for line in lines {
                related.push(DiagnosticRelatedInformation {
                    location: location.clone(),
                    message: format!("{prefix}: {line}"),
                });
            }
        }
    }
    let unnecessary = matches!(
        d.kind,
        Kind::UnusedDeclaration | Kind::Redundant | Kind::Tautology
    );
    lsp_types::Diagnostic {
        range: ranges.range(d.span),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.kind.code().to_owned())),
        code_description: None,
        source: Some("stance".to_owned()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: unnecessary.then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// The diagnostics of every file an analysis read, by URI (a file without
/// findings gets an empty list, so that old findings are cleared).
pub fn by_file(
    analysis: &Analysis,
    encoding: Encoding,
    out: &mut BTreeMap<Url, Vec<lsp_types::Diagnostic>>,
) {
    for uri in analysis.uris.iter().flatten() {
        out.entry(uri.clone()).or_default();
    }
    let mut ranges = Ranges::new(analysis, encoding);
    for d in &analysis.report.diagnostics {
        let Some(Some(uri)) = analysis.uris.get(d.span.file.0 as usize) else {
            continue;
        };
        let converted = to_lsp(d, &mut ranges);
        out.entry(uri.clone()).or_default().push(converted);
    }
}
