//! UI fixtures: every `tests/ui/**/*.stance` file carries its expected
//! diagnostics inline, and this test checks them against the real pipeline
//! (load → parse → resolve → check).
//!
//! Annotation format (in comments, so fixtures stay valid rule files):
//!
//! - `#~ NAME` at the end of a line: a diagnostic named NAME has its primary
//!   location on this line. Several names may follow one `#~`.
//! - `#~^ NAME` on a line of its own: the same, for the line above (for
//!   lines that cannot carry a comment, such as an unterminated string).
//! - `#~ NAME(tag)`: as `#~ NAME`, and the diagnostic's minimal set is the
//!   set of lines tagged `(tag)`.
//! - `#~ (tag)`: this line is a member of set `tag` (members are compared by
//!   line; "by definition" members are not written).
//!
//! - `#~! only NAME…` anywhere in a file: compare only diagnostics of these
//!   names (front-end fixtures use it so the checker's findings about their
//!   content do not drown what they test).
//!
//! A fixture's directory is its root: it may include other files below it;
//! annotations in included files count too. Files named `*.inc.stance` are only included,
//! never checked as roots.

use stancecheck::check::CheckOptions;
use stancecheck::load::{Loader, MemoryFs};
use stancecheck::pipeline;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A line of a file: (root-relative path, 1-based line).
type Line = (String, usize);

#[derive(Debug, Default)]
struct Expected {
    /// Restrict the comparison to these names (`#~! only …`).
    only: Option<Vec<String>>,
    /// (file, line, name, optional tag)
    diags: Vec<(String, usize, String, Option<String>)>,
    /// tag → member lines (file, line)
    sets: BTreeMap<String, BTreeSet<(String, usize)>>,
}

fn parse_annotations(path: &str, text: &str, exp: &mut Expected) {
    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        if let Some(pos) = line.find("#~! only") {
            let names = line[pos + "#~! only".len()..]
                .split_whitespace()
                .map(str::to_owned);
            exp.only.get_or_insert_with(Vec::new).extend(names);
            continue;
        }
        let Some(pos) = line.find("#~") else { continue };
        let mut rest = &line[pos + 2..];
        let mut target = lineno;
        if let Some(r) = rest.strip_prefix('^') {
            rest = r;
            target = lineno - 1;
        }
        for word in rest.split_whitespace() {
            if let Some(tag) = word.strip_prefix('(').and_then(|w| w.strip_suffix(')')) {
                exp.sets
                    .entry(tag.to_owned())
                    .or_default()
                    .insert((path.to_owned(), target));
            } else if let Some((name, tag)) = word.split_once('(') {
                let tag = tag.trim_end_matches(')');
                exp.diags.push((
                    path.to_owned(),
                    target,
                    name.to_owned(),
                    Some(tag.to_owned()),
                ));
            } else {
                exp.diags
                    .push((path.to_owned(), target, word.to_owned(), None));
            }
        }
    }
}

fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            fixtures(&p, out);
        } else if p.extension().is_some_and(|x| x == "stance") {
            out.push(p);
        }
    }
}

fn check_fixture(root: &Path, file: &Path) -> Result<(), String> {
    // Load the fixture's whole directory into memory so includes work.
    let mut fs = MemoryFs::new();
    let dir = file.parent().unwrap_or(root);
    let mut all = Vec::new();
    fixtures(dir, &mut all);
    // The fixture's directory is the root: includes may not leave it.
    let rel = |p: &Path| {
        p.strip_prefix(dir)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    for p in &all {
        fs.insert(rel(p), std::fs::read(p).map_err(|e| e.to_string())?);
    }
    let mut loader = Loader::new(&fs);
    loader
        .add_root(&rel(file))
        .map_err(|e| format!("cannot load: {e}"))?;
    let loaded = loader.finish();
    let report = pipeline::run(&loaded, &CheckOptions::default());

    let mut exp = Expected::default();
    for f in loaded.sources.files() {
        parse_annotations(&f.path, &f.text, &mut exp);
    }
    // Actual: (file, line, name) with member lines.
    let mut actual: Vec<(String, usize, String, BTreeSet<Line>)> = Vec::new();
    let mut messages: Vec<String> = Vec::new();
    for d in &report.diagnostics {
        let Some(src) = loaded.sources.get(d.span.file) else {
            return Err(format!("diagnostic without a file: {d:?}"));
        };
        if exp
            .only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|n| n == d.kind.name()))
        {
            continue;
        }
        let line = src.line_col(d.span.start as usize).line;
        let members = d
            .members
            .iter()
            .filter(|m| m.role != stancecheck::diagnostic::Role::Definition)
            .filter_map(|m| {
                let f = loaded.sources.get(m.span.file)?;
                Some((f.path.clone(), f.line_col(m.span.start as usize).line))
            })
            .collect();
        actual.push((src.path.clone(), line, d.kind.name().to_owned(), members));
        messages.push(d.message.clone());
    }
    let mut problems = Vec::new();
    let mut unmatched: Vec<bool> = vec![true; actual.len()];
    for (file, line, name, tag) in &exp.diags {
        let want_members = tag
            .as_ref()
            .map(|t| exp.sets.get(t).cloned().unwrap_or_default());
        let found = actual.iter().enumerate().position(|(i, (f, l, n, m))| {
            unmatched[i]
                && f == file
                && l == line
                && n == name
                && want_members.as_ref().is_none_or(|w| w == m)
        });
        match found {
            Some(i) => unmatched[i] = false,
            None => {
                let near: Vec<String> = actual
                    .iter()
                    .filter(|(f, l, n, _)| f == file && l == line && n == name)
                    .map(|(_, _, _, m)| format!("{m:?}"))
                    .collect();
                problems.push(format!(
                    "missing: {file}:{line} {name}{} (want members {:?}; same line/name has {near:?})",
                    tag.as_ref().map(|t| format!("({t})")).unwrap_or_default(),
                    want_members
                ));
            }
        }
    }
    for (i, (f, l, n, m)) in actual.iter().enumerate() {
        if unmatched[i] {
            let msg = &messages[i];
            problems.push(format!("unexpected: {f}:{l} {n}: {msg} (members {m:?})"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n  "))
    }
}

#[test]
fn ui_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    fixtures(&root.join("tests/ui"), &mut files);
    files.sort();
    files.retain(|f| !f.to_string_lossy().ends_with(".inc.stance"));
    assert!(!files.is_empty(), "no UI fixtures found");
    let mut failures = Vec::new();
    for f in &files {
        if let Err(e) = check_fixture(root, f) {
            failures.push(format!("{}:\n  {e}", f.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} UI fixtures failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
