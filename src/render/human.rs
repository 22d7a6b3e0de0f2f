//! The human format: one ariadne report per diagnostic, rustc style.
//!
//! ```text
//! warning[conflict/SC1003]: the red lines of russia, ukraine and us cannot all hold
//!    ╭─[ peace.stance:13:3 ]
//!    │
//! 13 │   z1: no ceasefire without guarantees   "no ceasefire without …"
//!    │   ─────────────────┬─────────────────
//!    │                    ╰─── 1. ukraine (z1): no ceasefire without guarantees — “…”
//!    │
//!    │ note: chain: ceasefire → guarantees → guarantees@eu → peacekeepers ⟂ russia
//!    │ help: withdraw `z1` (ukraine)
//! ───╯
//! ```
//!
//! ariadne draws the source sections; the header line and the notes are
//! written here so that they follow rustc's layout and our colours, and so
//! that notes still show when a diagnostic has no source to point at.

use super::{
    Counts, Location, RenderOptions, TRUNCATED, describe_member_compact, escape, notes_and_help,
    sanitize_source,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, SourceMap, Span};
use ariadne::{Cache, CharSet, Color, Config, IndexType, Label, Report, ReportKind, Source};
use std::fmt;
use std::fmt::Write as _;

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";

/// The colours of the members' labels, in turn.
const MEMBER_COLORS: [Color; 5] = [
    Color::Cyan,
    Color::Magenta,
    Color::Green,
    Color::Blue,
    Color::Fixed(208),
];

pub(super) fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    options: &RenderOptions,
) -> String {
    let files = Files::new(sources);
    let mut out = String::new();
    for d in diagnostics {
        render_one(&mut out, d, sources, &files, options.color);
        out.push('\n');
    }
    // As rustc does: point at the long explanations of what was reported.
    let mut codes: Vec<&str> = diagnostics.iter().map(|d| d.kind.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    match codes.as_slice() {
        [] => {}
        [one] => {
            let _ = writeln!(out, "for more information, run `stance explain {one}`");
        }
        [first, ..] => {
            let _ = writeln!(
                out,
                "for more information on a diagnostic, run `stance explain CODE` (e.g. `stance explain {first}`)"
            );
        }
    }
    let counts = Counts::of(diagnostics);
    let sentence = counts.sentence();
    let color = options.color;
    let sev_color = if counts.errors > 0 {
        Some(Severity::Error)
    } else if counts.warnings > 0 {
        Some(Severity::Warning)
    } else {
        None
    };
    match (color, sev_color) {
        (true, Some(s)) => {
            let _ = writeln!(out, "{}{sentence}{RESET}", severity_style(s));
        }
        (true, None) => {
            let _ = writeln!(out, "{BOLD}{sentence}{RESET}");
        }
        (false, _) => {
            let _ = writeln!(out, "{sentence}");
        }
    }
    if options.truncated {
        let _ = writeln!(out, "{}: {TRUNCATED}", paint(color, BOLD, "note"));
    }
    out
}

/// Rule files sanitized for display, as an ariadne cache keyed by file id.
struct Files {
    names: Vec<String>,
    sources: Vec<Source<String>>,
}

impl Files {
    fn new(map: &SourceMap) -> Files {
        Files {
            names: map
                .files()
                .iter()
                .map(|f| escape(&f.path).into_owned())
                .collect(),
            sources: map
                .files()
                .iter()
                .map(|f| {
                    let mut text = sanitize_source(&f.text).into_owned();
                    // ariadne has no line after a final line feed, so a span
                    // at the very end would show on the line before it: a
                    // space makes that last, empty line exist.
                    if text.ends_with('\n') {
                        text.push(' ');
                    }
                    Source::from(text)
                })
                .collect(),
        }
    }
}

/// The error ariadne gets for a file that is not in the map (never shown:
/// only spans of known files reach ariadne).
#[derive(Debug)]
struct UnknownFile;

impl Cache<FileId> for Files {
    type Storage = String;

    fn fetch(&mut self, id: &FileId) -> Result<&Source<String>, impl fmt::Debug> {
        self.sources.get(id.0 as usize).ok_or(UnknownFile)
    }

    fn display<'a>(&self, id: &'a FileId) -> Option<impl fmt::Display + 'a> {
        self.names.get(id.0 as usize).cloned()
    }
}

/// A span as ariadne needs it: in characters, inside the text.
///
/// ariadne 0.6 is used with character offsets: with byte offsets it slices
/// the text of a second file at a character offset (and may panic inside a
/// multi-byte character). The sanitized text handed to ariadne has the same
/// characters at the same places as the original, so counting characters
/// of the original is exact. Characters before the span are counted from
/// the start of its line (ariadne knows each line's character offset), so
/// a file with many diagnostics is not counted through once per label.
fn clamp(
    span: Span,
    sources: &SourceMap,
    files: &Files,
) -> Option<(FileId, std::ops::Range<usize>)> {
    let text = &sources.get(span.file)?.text;
    let mut start = (span.start as usize).min(text.len());
    let mut end = (span.end as usize).clamp(start, text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    let before = match files
        .sources
        .get(span.file.0 as usize)
        .and_then(|s| s.get_byte_line(start))
    {
        Some((line, _, column)) => {
            line.offset() + text.get(start.checked_sub(column)?..start)?.chars().count()
        }
        None => text.get(..start)?.chars().count(),
    };
    let inside = text.get(start..end)?.chars().count();
    Some((span.file, before..before + inside))
}

fn severity_style(s: Severity) -> &'static str {
    match s {
        Severity::Error => "\x1b[1;31m",
        Severity::Warning => "\x1b[1;33m",
        Severity::Info => "\x1b[1;36m",
    }
}

fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
        Severity::Info => Color::Cyan,
    }
}

fn paint(color: bool, style: &str, text: &str) -> String {
    if color {
        format!("{style}{text}{RESET}")
    } else {
        text.to_owned()
    }
}

/// A label to hand to ariadne, before sorting.
struct Pending {
    span: (FileId, std::ops::Range<usize>),
    message: Option<String>,
    color: Color,
    priority: i32,
}

fn render_one(out: &mut String, d: &Diagnostic, sources: &SourceMap, files: &Files, color: bool) {
    // Header: `warning[conflict/SC1003]: message`.
    let head = format!(
        "{}[{}/{}]",
        d.severity.as_str(),
        d.kind.name(),
        d.kind.code()
    );
    let message = escape(&d.message);
    if color {
        let _ = writeln!(
            out,
            "{}{head}{RESET}{BOLD}: {message}{RESET}",
            severity_style(d.severity)
        );
    } else {
        let _ = writeln!(out, "{head}: {message}");
    }

    let primary = clamp(d.span, sources, files);
    let mut pending = Vec::new();
    let primary_is_member = d.members.iter().any(|m| m.span == d.span);
    // The primary label is folded into the member label at the same span.
    if let Some(p) = &primary
        && !primary_is_member
    {
        pending.push(Pending {
            span: p.clone(),
            // ariadne draws no underline for a label without a message
            message: Some(if d.span_label.is_empty() {
                d.kind.summary().to_owned()
            } else {
                escape(&d.span_label).into_owned()
            }),
            color: severity_color(d.severity),
            priority: 10,
        });
    }
    for l in &d.labels {
        // Folded into the member label at the same span, below.
        if d.members.iter().any(|m| m.span == l.span) {
            continue;
        }
        if let Some(span) = clamp(l.span, sources, files) {
            pending.push(Pending {
                span,
                message: Some(escape(&l.message).into_owned()),
                color: Color::Blue,
                priority: 5,
            });
        }
    }
    let mut folded = false;
    for (i, m) in d.members.iter().enumerate() {
        if let Some(span) = clamp(m.span, sources, files) {
            let mut message = format!("{}. {}", i + 1, describe_member_compact(m));
            if m.span == d.span && !folded && !d.span_label.is_empty() {
                folded = true;
                let _ = write!(message, " — {}", escape(&d.span_label));
            }
            if d.members.iter().position(|x| x.span == m.span) == Some(i) {
                for l in d.labels.iter().filter(|l| l.span == m.span) {
                    let _ = write!(message, " — {}", escape(&l.message));
                }
            }
            pending.push(Pending {
                span,
                message: Some(message),
                color: MEMBER_COLORS
                    .get(i % MEMBER_COLORS.len())
                    .copied()
                    .unwrap_or(Color::Cyan),
                priority: 0,
            });
        }
    }
    let (notes, help) = notes_and_help(d);

    // Source sections: the primary file first, then the others in map
    // order; within a file, by position (the numbers give the order of the
    // explanation).
    let primary_file = primary.as_ref().map(|p| p.0);
    pending.sort_by_key(|p| {
        (
            Some(p.span.0) != primary_file,
            p.span.0,
            p.span.1.start,
            p.span.1.end,
        )
    });

    // Long lines are shown as a window around what they point at.
    let cuts = long_line_cuts(&pending, files);
    for p in &mut pending {
        p.span = map_span(&cuts, files, &p.span);
    }
    let primary = primary.map(|p| map_span(&cuts, files, &p));

    let body = match (pending.first(), primary.clone()) {
        (None, _) => None,
        (Some(first), anchor) => {
            let anchor = anchor.unwrap_or_else(|| first.span.clone());
            let config = Config::default()
                .with_index_type(IndexType::Char)
                .with_color(color)
                .with_char_set(CharSet::Unicode);
            let mut report = Report::build(ReportKind::Error, anchor).with_config(config);
            for (order, p) in pending.into_iter().enumerate() {
                let mut label = Label::new(p.span)
                    .with_order(i32::try_from(order).unwrap_or(i32::MAX))
                    .with_priority(p.priority);
                if color {
                    label = label.with_color(p.color);
                }
                if let Some(m) = p.message {
                    label = label.with_message(m);
                }
                report = report.with_label(label);
            }
            let mut buf = Vec::new();
            let mut cache = WithCuts { files, cuts: &cuts };
            match report.finish().write(&mut cache, &mut buf) {
                Ok(()) => {
                    let body = String::from_utf8_lossy(&buf).into_owned();
                    Some(if cuts.is_empty() {
                        body
                    } else {
                        true_columns(&body, &cuts, files)
                    })
                }
                Err(_) => None,
            }
        }
    };

    match body {
        Some(body) => write_boxed(out, &body, &notes, &help, color),
        None => {
            if let Some(loc) = Some(Location::of(d.span, sources)).filter(|l| l.known) {
                let _ = writeln!(
                    out,
                    "  --> {}:{}:{}",
                    escape(&loc.file),
                    loc.line,
                    loc.column
                );
            }
            for n in &notes {
                write_note(out, "  = ", "note", n, color);
            }
            for h in &help {
                write_note(out, "  = ", "help", h, color);
            }
        }
    }
}

/// Appends ariadne's source sections (without its header line) and puts the
/// notes and help inside the box, above its closing line.
fn write_boxed(out: &mut String, body: &str, notes: &[String], help: &[String], color: bool) {
    let mut lines: Vec<&str> = body.lines().skip(1).collect();
    let closing = match lines.last() {
        Some(last) if last.contains('╯') => lines.pop(),
        _ => None,
    };
    for l in &lines {
        out.push_str(l.trim_end());
        out.push('\n');
    }
    // The closing line is `─` × (width of the line numbers + 2), then `╯`.
    let width = closing.map_or(3, |c| c.chars().filter(|&ch| ch == '─').count());
    let margin = format!("{}│", " ".repeat(width));
    let margin = paint(color, "\x1b[38;5;246m", &margin);
    if !notes.is_empty() || !help.is_empty() {
        let _ = writeln!(out, "{margin}");
        let prefix = format!("{margin} ");
        for n in notes {
            write_note(out, &prefix, "note", n, color);
        }
        for h in help {
            write_note(out, &prefix, "help", h, color);
        }
    }
    if let Some(c) = closing {
        out.push_str(c.trim_end());
        out.push('\n');
    }
}

/// `prefix` + `note: text`, continuation lines indented under the text.
fn write_note(out: &mut String, prefix: &str, what: &str, text: &str, color: bool) {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let _ = writeln!(out, "{prefix}{}: {first}", paint(color, BOLD, what));
    for l in lines {
        let _ = writeln!(out, "{prefix}{}{l}", " ".repeat(what.len() + 2));
    }
}

// ---- long lines -------------------------------------------------------

/// Lines longer than this (in characters) are shown cut to a window
/// around their labels, so that a 12,000-character line does not flood the
/// terminal.
const LONG_LINE: usize = 200;
/// Characters of context kept on each side of the labels of a long line.
const CONTEXT: usize = 40;
/// At most this many characters of a long line are shown.
const WINDOW: usize = 160;

/// One long line cut for display: characters `start..end` of its content
/// are kept, behind a `…` when something precedes them (`lead` = 1) and
/// before one when something follows.
struct LineCut {
    start: usize,
    end: usize,
    lead: usize,
}

/// A file whose long lines are cut for one diagnostic: the text handed to
/// ariadne, the new character offset of every line, and the cut lines.
struct FileCuts {
    file: FileId,
    source: Source<String>,
    new_offsets: Vec<usize>,
    lines: std::collections::BTreeMap<usize, LineCut>,
}

/// The characters of a line without its line ending.
fn content_len(source: &Source<String>, line: ariadne::Line) -> usize {
    source
        .get_line_text(line)
        .map_or(0, |t| t.trim_end_matches(['\r', '\n']).chars().count())
}

/// The long lines the labels point into, per file, cut to windows; empty
/// when no label is on a long line (the usual case: nothing is copied).
fn long_line_cuts(pending: &[Pending], files: &Files) -> Vec<FileCuts> {
    // (file, line) -> (first, last) character of the labels on it.
    let mut windows: std::collections::BTreeMap<(FileId, usize), (usize, usize)> =
        std::collections::BTreeMap::new();
    for p in pending {
        let (file, range) = &p.span;
        let Some(source) = files.sources.get(file.0 as usize) else {
            continue;
        };
        let first = source.get_offset_line(range.start).map(|(_, i, _)| i);
        let last = source.get_offset_line(range.end).map(|(_, i, _)| i);
        let (Some(first), Some(last)) = (first, last) else {
            continue;
        };
        for idx in first..=last {
            let Some(line) = source.line(idx) else {
                continue;
            };
            let len = content_len(source, line);
            if len <= LONG_LINE {
                continue;
            }
            let lo = range.start.saturating_sub(line.offset()).min(len);
            let hi = range.end.saturating_sub(line.offset()).min(len);
            let w = windows.entry((*file, idx)).or_insert((lo, hi));
            w.0 = w.0.min(lo);
            w.1 = w.1.max(hi);
        }
    }
    let mut out: Vec<FileCuts> = Vec::new();
    for ((file, idx), (lo, hi)) in windows {
        let Some(source) = files.sources.get(file.0 as usize) else {
            continue;
        };
        let len = source.line(idx).map_or(0, |l| content_len(source, l));
        let start = lo.saturating_sub(CONTEXT);
        let end = (hi + CONTEXT).min(start + WINDOW).min(len);
        let cut = LineCut {
            start,
            end,
            lead: usize::from(start > 0),
        };
        match out.last_mut() {
            Some(f) if f.file == file => {
                f.lines.insert(idx, cut);
            }
            _ => out.push(FileCuts {
                file,
                source: Source::from(String::new()),
                new_offsets: Vec::new(),
                lines: std::collections::BTreeMap::from([(idx, cut)]),
            }),
        }
    }
    for f in &mut out {
        let Some(source) = files.sources.get(f.file.0 as usize) else {
            continue;
        };
        let mut text = String::with_capacity(source.text().len());
        let mut offset = 0;
        for (idx, line) in source.lines().enumerate() {
            f.new_offsets.push(offset);
            let whole = source.get_line_text(line).unwrap_or("");
            let piece = match f.lines.get(&idx) {
                Some(cut) => {
                    let content = whole.trim_end_matches(['\r', '\n']);
                    let ending = whole.get(content.len()..).unwrap_or("");
                    let mut piece = String::new();
                    if cut.lead > 0 {
                        piece.push('…');
                    }
                    piece.extend(content.chars().skip(cut.start).take(cut.end - cut.start));
                    if cut.end < content.chars().count() {
                        piece.push('…');
                    }
                    piece.push_str(ending);
                    std::borrow::Cow::Owned(piece)
                }
                None => std::borrow::Cow::Borrowed(whole),
            };
            offset += piece.chars().count();
            text.push_str(&piece);
        }
        f.source = Source::from(text);
    }
    out
}

/// A label's character range in the text with long lines cut.
fn map_span(
    cuts: &[FileCuts],
    files: &Files,
    span: &(FileId, std::ops::Range<usize>),
) -> (FileId, std::ops::Range<usize>) {
    let (file, range) = span;
    let (Some(f), Some(source)) = (
        cuts.iter().find(|f| f.file == *file),
        files.sources.get(file.0 as usize),
    ) else {
        return span.clone();
    };
    let map = |o: usize| -> usize {
        let Some((_, idx, col)) = source.get_offset_line(o) else {
            return o;
        };
        let base = f.new_offsets.get(idx).copied().unwrap_or(0);
        match f.lines.get(&idx) {
            Some(c) => base + c.lead + col.clamp(c.start, c.end) - c.start,
            None => base + col,
        }
    };
    let start = map(range.start);
    (*file, start..map(range.end).max(start))
}

/// ariadne names each source section `[ file:line:column ]`, counted in
/// the cut text; puts back the column of the line as written.
fn true_columns(body: &str, cuts: &[FileCuts], files: &Files) -> String {
    let mut out = String::with_capacity(body.len());
    for line in body.split_inclusive('\n') {
        out.push_str(&fix_location(line, cuts, files).unwrap_or_else(|| line.to_owned()));
    }
    out
}

fn fix_location(line: &str, cuts: &[FileCuts], files: &Files) -> Option<String> {
    let open = line.find("─[ ")? + "─[ ".len();
    let close = line.rfind(" ]")?;
    let location = line.get(open..close)?;
    let (rest, column) = location.rsplit_once(':')?;
    let (name, number) = rest.rsplit_once(':')?;
    let column: usize = column.parse().ok()?;
    let number: usize = number.parse().ok()?;
    let f = cuts
        .iter()
        .find(|f| files.names.get(f.file.0 as usize).map(String::as_str) == Some(name))?;
    let cut = f.lines.get(&number.checked_sub(1)?)?;
    let true_column = cut.start + column.saturating_sub(1).saturating_sub(cut.lead) + 1;
    Some(format!(
        "{}{name}:{number}:{true_column}{}",
        line.get(..open)?,
        line.get(close..)?
    ))
}

/// The files as ariadne reads them for one diagnostic: cut where long
/// lines were cut.
struct WithCuts<'a> {
    files: &'a Files,
    cuts: &'a [FileCuts],
}

impl Cache<FileId> for WithCuts<'_> {
    type Storage = String;

    fn fetch(&mut self, id: &FileId) -> Result<&Source<String>, impl fmt::Debug> {
        match self.cuts.iter().find(|f| f.file == *id) {
            Some(f) => Ok(&f.source),
            None => self.files.sources.get(id.0 as usize).ok_or(UnknownFile),
        }
    }

    fn display<'a>(&self, id: &'a FileId) -> Option<impl fmt::Display + 'a> {
        self.files.names.get(id.0 as usize).cloned()
    }
}
