//! Fixes as text edits: where the lines of a declaration or statement
//! begin and end, the fixes the checker's findings get from the text
//! ([`attach_removals`]), and applying the fixes of a run
//! ([`plan`], [`apply`]): non-overlapping, deterministic, the same for
//! `stance check --fix` and the language server.
//!
//! A fix is applied whole or not at all. Fixes are taken in the order of
//! the diagnostics (sorted by file, position and code) and, within a
//! diagnostic, in their order; a fix whose edits overlap an edit already
//! taken (or insert at the same place) is left for the next round.

use crate::check::CheckOptions;
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Edit, Fix, Kind};
use crate::load::{FileSystem, FsError, Loaded, Loader};
use crate::pipeline::{self, Report};
use crate::source::{FileId, SourceMap, Span};
use std::collections::BTreeMap;

/// The start of the line holding byte `at`.
pub fn line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// The offset just after the line holding byte `at` (after its `\n`), and
/// whether that line has no `\n` (the end of a file without a final
/// newline).
pub fn after_line(text: &str, at: usize) -> (usize, bool) {
    match text.get(at..).and_then(|t| t.find('\n')) {
        Some(i) => (at + i + 1, false),
        None => (text.len(), true),
    }
}

/// Skips a string literal starting at `rest[0] == '"'`; the rest after it.
fn skip_string(rest: &str) -> Option<&str> {
    let mut escaped = false;
    for (i, c) in rest.char_indices().skip(1) {
        match c {
            '\n' => return None,
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return rest.get(i + 1..),
            _ => escaped = false,
        }
    }
    None
}

/// Whether `rest` (the text after a declaration or statement, up to its
/// line's end) holds nothing else: blanks, at most one quote (`"…"`), a
/// `;`, a comment.
fn only_trailer(rest: &str, quote: bool) -> bool {
    let mut rest = rest.trim_start_matches([' ', '\t']);
    if quote && rest.starts_with('"') {
        match skip_string(rest) {
            Some(r) => rest = r.trim_start_matches([' ', '\t']),
            None => return false,
        }
    }
    if let Some(r) = rest.strip_prefix(';') {
        rest = r.trim_start_matches([' ', '\t']);
    }
    let rest = rest.trim_end_matches(['\r', '\n']);
    rest.is_empty() || rest.starts_with('#')
}

/// The span that removes the whole line(s) of `span` (a statement without
/// its quote, or a declaration), with the line break: `None` when the
/// lines hold anything else (another statement, a brace), so that the
/// removal never touches other text. `quote`: a quote may follow.
pub fn line_removal(text: &str, span: Span, quote: bool) -> Option<Span> {
    let (start, end) = (span.start as usize, span.end as usize);
    let begin = line_start(text, start);
    if !text.get(begin..start)?.trim_matches([' ', '\t']).is_empty() {
        return None;
    }
    let (stop, _) = after_line(text, end);
    if !only_trailer(text.get(end..stop)?, quote) {
        return None;
    }
    Some(Span::new(span.file, begin, stop))
}

/// Adds to the findings about one statement that adds nothing
/// (`tautology`, `redundant`) the fix that removes its line: never safe
/// (docs/decisions.md, "Fixes").
pub fn attach_removals(diagnostics: &mut [Diagnostic], sources: &SourceMap) {
    for d in diagnostics {
        let what = match d.kind {
            Kind::Tautology => "remove the statement that is always true",
            Kind::Redundant => "remove the redundant red line",
            _ => continue,
        };
        if !d.fixes.is_empty() {
            continue;
        }
        let Some(file) = sources.get(d.span.file) else {
            continue;
        };
        if let Some(span) = line_removal(&file.text, d.span, true) {
            d.fixes.push(Fix::one(what, false, span, ""));
        }
    }
}

fn overlaps(a: Span, b: Span) -> bool {
    a.file == b.file
        && (a.start < b.end && b.start < a.end
            || a.start == b.start
            || (a.start == a.end && b.start < a.start && a.start < b.end)
            || (b.start == b.end && a.start < b.start && b.start < a.end))
}

/// The edits of the fixes to apply, by file, sorted and non-overlapping:
/// the safe fixes (all fixes when `unsafe_too`), in the order of
/// `diagnostics`, each whole or not at all; one that overlaps an edit
/// already taken is left out (the next round may apply it). The second
/// value counts the fixes taken.
pub fn plan(diagnostics: &[Diagnostic], unsafe_too: bool) -> (BTreeMap<FileId, Vec<Edit>>, usize) {
    let mut taken: Vec<Span> = Vec::new();
    let mut by_file: BTreeMap<FileId, Vec<Edit>> = BTreeMap::new();
    let mut count = 0;
    for d in diagnostics {
        for fix in &d.fixes {
            if !(fix.safe || unsafe_too) || fix.edits.is_empty() {
                continue;
            }
            let clash = fix.edits.iter().enumerate().any(|(i, e)| {
                taken.iter().any(|t| overlaps(*t, e.span))
                    || fix.edits[..i].iter().any(|o| overlaps(o.span, e.span))
            });
            if clash {
                continue;
            }
            // Only the first applicable fix of a diagnostic: two fixes of
            // one finding are alternatives (replace the typo, or declare it).
            for e in &fix.edits {
                taken.push(e.span);
                by_file.entry(e.span.file).or_default().push(e.clone());
            }
            count += 1;
            break;
        }
    }
    for edits in by_file.values_mut() {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
    }
    (by_file, count)
}

/// `text` with `edits` (of its file, sorted, non-overlapping, as [`plan`]
/// gives them) applied. An edit outside the text or inside a character is
/// skipped.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        let (Some(before), Some(_)) = (text.get(at..start), text.get(start..end)) else {
            continue;
        };
        out.push_str(before);
        out.push_str(&e.replacement);
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

/// The new text of every file that the chosen fixes of `diagnostics`
/// change ([`plan`], [`apply`]), in file order, and the number of fixes.
pub fn fixed_texts(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    unsafe_too: bool,
) -> (Vec<(FileId, String)>, usize) {
    let (plan, count) = plan(diagnostics, unsafe_too);
    let texts = plan
        .into_iter()
        .filter_map(|(file, edits)| {
            let old = &sources.get(file)?.text;
            let new = apply(old, &edits);
            (new != *old).then_some((file, new))
        })
        .collect();
    (texts, count)
}

/// A file system that answers with fixed texts first.
struct Fixed<'a, F: FileSystem> {
    inner: &'a F,
    texts: &'a BTreeMap<String, String>,
}

impl<F: FileSystem> FileSystem for Fixed<'_, F> {
    fn canonical(&self, path: &str) -> Result<String, FsError> {
        self.inner.canonical(path)
    }
    fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        match self.texts.get(path) {
            Some(t) => Ok(t.as_bytes().to_vec()),
            None => self.inner.read(path),
        }
    }
}

/// What [`fix_run`] did.
pub struct FixRun {
    /// The files as fixed, loaded and checked.
    pub loaded: Loaded,
    /// What is left: the check of the fixed files.
    pub report: Report,
    /// Each changed file: root-relative path, its text before, after.
    pub changed: Vec<(String, String, String)>,
    /// The number of fixes applied.
    pub fixes: usize,
}

/// The most rounds [`fix_run`] makes (each applies every fix that does
/// not overlap another; a fix left out, or one a fix makes possible, waits
/// for the next round).
pub const MAX_ROUNDS: usize = 10;

/// `stance check --fix` without writing: loads the rule files `roots`
/// (root-relative) from `fs`, checks them, applies the safe fixes to the
/// texts, and again while a round applies any, at most [`MAX_ROUNDS`]
/// times; returns the last check and the changed texts. A fix that would
/// touch a file outside `roots`' models cannot happen: fixes only edit the
/// files that were read. A fixed text that no longer parses is impossible
/// by construction of the fixes; should a round add an input error that
/// was not there before, the round is undone and the run stops.
pub fn fix_run<F: FileSystem>(
    fs: &F,
    roots: &[String],
    options: &CheckOptions,
    at: Option<Date>,
) -> FixRun {
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let load = |texts: &BTreeMap<String, String>| {
        let fixed = Fixed { inner: fs, texts };
        let mut loader = Loader::new(&fixed);
        for r in roots {
            // A root that cannot be read is reported by the check.
            let _ = loader.add_root(r);
        }
        let loaded = loader.finish();
        let report = pipeline::run_at(&loaded, options, at);
        (loaded, report)
    };
    let (mut loaded, mut report) = load(&texts);
    let mut fixes = 0;
    for _ in 0..MAX_ROUNDS {
        let (new, n) = fixed_texts(&report.diagnostics, &loaded.sources, false);
        if new.is_empty() {
            break;
        }
        let errors = input_errors(&report);
        let before = texts.clone();
        for (file, text) in new {
            if let Some(f) = loaded.sources.get(file) {
                texts.insert(f.path.clone(), text);
            }
        }
        let (l, r) = load(&texts);
        if input_errors(&r) > errors {
            texts = before;
            break;
        }
        fixes += n;
        (loaded, report) = (l, r);
    }
    let mut changed = Vec::new();
    for (path, new) in texts {
        let old = fs
            .read(&path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        if old != new {
            changed.push((path, old, new));
        }
    }
    FixRun {
        loaded,
        report,
        changed,
        fixes,
    }
}

fn input_errors(report: &Report) -> usize {
    report
        .diagnostics
        .iter()
        .filter(|d| d.kind.is_input_error())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(a: usize, b: usize) -> Span {
        Span::new(FileId(0), a, b)
    }

    #[test]
    fn whole_lines_only() {
        let t = "party a {\n  requires x or not x \"q\" # c\n  requires y; requires z\n}\n";
        let s = t.find("requires x").unwrap();
        let e = t.find(" \"q\"").unwrap();
        let r = line_removal(t, sp(s, e), true).unwrap();
        assert_eq!(
            &t[r.start as usize..r.end as usize],
            "  requires x or not x \"q\" # c\n"
        );
        let s = t.find("requires y").unwrap();
        assert_eq!(line_removal(t, sp(s, s + 10), true), None);
        let s = t.find("requires z").unwrap();
        assert_eq!(line_removal(t, sp(s, s + 10), true), None);
    }

    #[test]
    fn apply_in_order_and_skip_overlaps() {
        let edit = |a, b, r: &str| Edit {
            span: sp(a, b),
            replacement: r.to_owned(),
        };
        assert_eq!(
            apply(
                "abcdef",
                &[edit(0, 1, "X"), edit(3, 3, "-"), edit(4, 6, "")]
            ),
            "Xbc-d"
        );
        let d = |edits: Vec<Edit>| {
            Diagnostic::new(Kind::Tautology, sp(0, 0), "x").with_fix(Fix {
                message: String::new(),
                safe: true,
                edits,
            })
        };
        let ds = [
            d(vec![edit(0, 2, "")]),
            d(vec![edit(1, 3, "")]),
            d(vec![edit(2, 2, "+")]),
            d(vec![edit(2, 2, "*")]),
        ];
        let (plan, n) = plan(&ds, false);
        assert_eq!(n, 2);
        assert_eq!(apply("abcd", &plan[&FileId(0)]), "+cd");
    }
}
