//! Loading a root file and its includes, confined to the root.
//!
//! The loader reads, decodes and parses files, and follows includes; it
//! resolves nothing (`crate::pipeline` resolves the units it returns).
//!
//! The core does no I/O: it reads through the [`FileSystem`] trait, which
//! the binary implements for the real disk (see `src/cli.rs`) and tests
//! implement in memory. Paths handed to a [`FileSystem`] are root-relative
//! with `/` separators and already normalised (no `.` or `..` components);
//! the file system must still refuse a path whose real location (after
//! symbolic links) leaves the root, *before* reading any byte of it.

use crate::ast;
use crate::diagnostic::{Diagnostic, Kind};
use crate::source::{FileId, SourceMap, Span, decode};
use std::collections::{BTreeSet, HashMap};

/// Why a path could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsError {
    /// There is no such file.
    NotFound,
    /// The path (through a symbolic link) resolves outside the root.
    OutsideRoot,
    /// The path is a directory.
    IsDirectory,
    /// Anything else, with a message.
    Other(String),
}

impl std::fmt::Display for FsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FsError::NotFound => f.write_str("no such file"),
            FsError::OutsideRoot => f.write_str("it resolves outside the root"),
            FsError::IsDirectory => f.write_str("it is a directory"),
            FsError::Other(m) => f.write_str(m),
        }
    }
}

/// Read access to the files under the root.
pub trait FileSystem {
    /// The canonical root-relative path of `path` (symbolic links resolved),
    /// or why it cannot be had. Must not read the file's contents.
    fn canonical(&self, path: &str) -> Result<String, FsError>;
    /// The bytes of a file given by its canonical root-relative path.
    fn read(&self, path: &str) -> Result<Vec<u8>, FsError>;
}

/// An in-memory file system (for tests and for embedding).
#[derive(Clone, Debug, Default)]
pub struct MemoryFs {
    files: HashMap<String, Vec<u8>>,
}

impl MemoryFs {
    /// An empty file system.
    pub fn new() -> MemoryFs {
        MemoryFs::default()
    }

    /// The bytes of a file, if present.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// Adds (or replaces) a file at a root-relative path.
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }
}

impl FileSystem for MemoryFs {
    fn canonical(&self, path: &str) -> Result<String, FsError> {
        if self.files.contains_key(path) {
            Ok(path.to_owned())
        } else {
            Err(FsError::NotFound)
        }
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        self.files.get(path).cloned().ok_or(FsError::NotFound)
    }
}

/// The files of one model: a root file and everything it includes.
#[derive(Clone, Debug)]
pub struct Unit {
    /// The root file.
    pub root: FileId,
    /// Files of the model in load order (root first, then includes depth
    /// first in the order they are written); each file once.
    pub files: Vec<FileId>,
}

/// Everything loaded in one run.
#[derive(Debug, Default)]
pub struct Loaded {
    /// All files read.
    pub sources: SourceMap,
    /// Parsed syntax trees, indexed by `FileId`.
    pub asts: Vec<ast::File>,
    /// One unit per root file.
    pub units: Vec<Unit>,
    /// Diagnostics of reading, decoding, parsing and including.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// The syntax tree of a file.
    pub fn ast(&self, file: FileId) -> Option<&ast::File> {
        self.asts.get(file.0 as usize)
    }

    /// The units that are checked: roots that another unit of the run does
    /// not include (an included file is checked only through its includer),
    /// each once.
    pub(crate) fn checked_units(&self) -> Vec<&Unit> {
        let mut included: BTreeSet<FileId> = BTreeSet::new();
        for unit in &self.units {
            for &f in unit.files.iter().skip(1) {
                if f != unit.root {
                    included.insert(f);
                }
            }
        }
        let mut seen = BTreeSet::new();
        self.units
            .iter()
            .filter(|u| !included.contains(&u.root) && seen.insert(u.root))
            .collect()
    }
}

/// At most this many syntax errors are reported per file (then one
/// diagnostic says how many more there are): a binary file must not produce
/// hundreds of thousands of diagnostics.
pub const MAX_SYNTAX_ERRORS: usize = 200;

/// Maximum depth of nested includes.
pub const MAX_INCLUDE_DEPTH: usize = 64;

/// Normalises a root-relative path written in an `include` of the file at
/// `from` (itself root-relative). An error says why when the path is
/// empty, absolute, holds a NUL byte, climbs above the root or names no
/// file.
pub fn join_include(from: &str, target: &str) -> Result<String, &'static str> {
    if target.is_empty() {
        return Err("the include path is empty");
    }
    if target.starts_with('/')
        || target.starts_with('\\')
        || target.as_bytes().get(1) == Some(&b':')
    {
        return Err("absolute include paths are not allowed");
    }
    if target.contains('\0') {
        return Err("the include path contains a NUL byte");
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop(); // the including file's own name
    for part in target.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("the include path leaves the root");
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err("the include path names no file");
    }
    Ok(parts.join("/"))
}

/// Loads files and their includes.
pub struct Loader<'f, F: FileSystem> {
    fs: &'f F,
    loaded: Loaded,
    /// Canonical path → file id, for files read successfully.
    by_path: HashMap<String, FileId>,
}

impl<'f, F: FileSystem> Loader<'f, F> {
    /// A loader reading through `fs`.
    pub fn new(fs: &'f F) -> Loader<'f, F> {
        Loader {
            fs,
            loaded: Loaded::default(),
            by_path: HashMap::new(),
        }
    }

    /// Adds a file given as text (standard input) under a display path;
    /// returns its id.
    pub fn add_text(&mut self, display_path: &str, bytes: &[u8]) -> FileId {
        let id = self.add_source(display_path, bytes);
        self.by_path.insert(display_path.to_owned(), id);
        self.loaded.units.push(Unit {
            root: id,
            files: vec![id],
        });
        id
    }

    /// Adds a root file by its root-relative path. Errors reading it are
    /// reported as diagnostics with no span (a `read-error`).
    pub fn add_root(&mut self, path: &str) -> Result<(), FsError> {
        let canonical = self.fs.canonical(path)?;
        if let Some(&id) = self.by_path.get(&canonical) {
            self.loaded.units.push(Unit {
                root: id,
                files: vec![id],
            });
            return Ok(());
        }
        let bytes = self.fs.read(&canonical)?;
        let id = self.add_source(&canonical, &bytes);
        self.by_path.insert(canonical, id);
        self.loaded.units.push(Unit {
            root: id,
            files: vec![id],
        });
        Ok(())
    }

    /// Decodes and parses a file read from `path`.
    fn add_source(&mut self, path: &str, bytes: &[u8]) -> FileId {
        match decode(bytes) {
            Ok(text) => {
                let id = self.loaded.sources.add(path, text);
                let text = self
                    .loaded
                    .sources
                    .get(id)
                    .map(|f| f.text.as_str())
                    .unwrap_or("");
                let (file, mut diags) = crate::syntax::parse(id, text);
                self.loaded.asts.push(file);
                if diags.len() > MAX_SYNTAX_ERRORS {
                    let rest = diags.len() - MAX_SYNTAX_ERRORS;
                    let at = diags
                        .get(MAX_SYNTAX_ERRORS)
                        .map_or(Span::new(id, 0, 0), |d| d.span);
                    diags.truncate(MAX_SYNTAX_ERRORS);
                    diags.push(
                        Diagnostic::new(
                            Kind::SyntaxError,
                            at,
                            format!(
                                "too many syntax errors: {rest} more in this file are not shown"
                            ),
                        )
                        .with_help("is this a rule file? fix the errors above and check again"),
                    );
                }
                self.loaded.diagnostics.extend(diags);
                id
            }
            Err(offset) => {
                let id = self.loaded.sources.add(path, String::new());
                self.loaded.asts.push(ast::File::default());
                self.loaded
                    .diagnostics
                    .push(Diagnostic::invalid_utf8(id, offset));
                id
            }
        }
    }

    /// Resolves the includes of every unit (depth first), then returns
    /// everything loaded.
    pub fn finish(mut self) -> Loaded {
        let mut units = std::mem::take(&mut self.loaded.units);
        for unit in &mut units {
            unit.files = self.expand(unit.root);
        }
        self.loaded.units = units;
        self.loaded
    }

    /// The files of the model rooted at `root`, depth-first preorder, each
    /// once. Iterative, so include depth cannot overflow the stack.
    fn expand(&mut self, root: FileId) -> Vec<FileId> {
        let mut order = vec![root];
        // Stack of (file, index of the next include item to visit).
        let mut stack: Vec<(FileId, usize)> = vec![(root, 0)];
        while let Some(&(file, next)) = stack.last() {
            let includes = self.includes_of(file);
            let Some((target, span)) = includes.get(next).cloned() else {
                stack.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let from = self
                .loaded
                .sources
                .get(file)
                .map(|f| f.path.clone())
                .unwrap_or_default();
            let Some(child) = self.open_include(&from, &target, span) else {
                continue;
            };
            if let Some(pos) = stack.iter().position(|&(f, _)| f == child) {
                let mut names: Vec<String> = stack[pos..]
                    .iter()
                    .filter_map(|&(f, _)| self.loaded.sources.get(f).map(|s| s.path.clone()))
                    .collect();
                if let Some(first) = names.first().cloned() {
                    names.push(first);
                }
                let cycle = names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" → ");
                self.loaded.diagnostics.push(
                    Diagnostic::new(Kind::IncludeError, span, format!("include cycle: {cycle}"))
                        .with_span_label("this include closes the cycle")
                        .with_help("remove one of the includes of the cycle"),
                );
                continue;
            }
            if order.contains(&child) {
                continue; // included twice: counts once
            }
            if stack.len() >= MAX_INCLUDE_DEPTH {
                self.loaded.diagnostics.push(Diagnostic::new(
                    Kind::IncludeError,
                    span,
                    format!("includes are nested more than {MAX_INCLUDE_DEPTH} levels deep"),
                ));
                continue;
            }
            order.push(child);
            stack.push((child, 0));
        }
        order
    }

    fn includes_of(&self, file: FileId) -> Vec<(String, Span)> {
        self.loaded
            .ast(file)
            .map(|f| {
                f.items
                    .iter()
                    .filter_map(|item| match item {
                        ast::Item::Include { path, span } => Some((path.value.to_string(), *span)),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn open_include(&mut self, from: &str, target: &str, span: Span) -> Option<FileId> {
        let joined = match join_include(from, target) {
            Ok(p) => p,
            Err(why) => {
                self.include_error(span, format!("cannot include `{target}`: {why}"));
                return None;
            }
        };
        let canonical = match self.fs.canonical(&joined) {
            Ok(c) => c,
            Err(e) => {
                self.include_error(span, format!("cannot include `{target}`: {e}"));
                return None;
            }
        };
        if let Some(&id) = self.by_path.get(&canonical) {
            return Some(id);
        }
        match self.fs.read(&canonical) {
            Ok(bytes) => {
                let id = self.add_source(&canonical, &bytes);
                self.by_path.insert(canonical, id);
                Some(id)
            }
            Err(e) => {
                self.include_error(span, format!("cannot include `{target}`: {e}"));
                None
            }
        }
    }

    fn include_error(&mut self, span: Span, message: String) {
        self.loaded
            .diagnostics
            .push(Diagnostic::new(Kind::IncludeError, span, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_capped_per_file() {
        let mut fs = MemoryFs::new();
        fs.insert("junk.stance", "$\n".repeat(1000));
        let mut loader = Loader::new(&fs);
        loader.add_root("junk.stance").unwrap();
        let loaded = loader.finish();
        assert_eq!(loaded.diagnostics.len(), MAX_SYNTAX_ERRORS + 1);
        let last = loaded.diagnostics.last().unwrap();
        assert!(last.message.contains("800 more"), "{}", last.message);
    }

    #[test]
    fn join_normalises_and_confines() {
        assert_eq!(
            join_include("a/b.stance", "c.stance").as_deref(),
            Ok("a/c.stance")
        );
        assert_eq!(
            join_include("a/b.stance", "../c.stance").as_deref(),
            Ok("c.stance")
        );
        assert_eq!(
            join_include("a/b.stance", "./d/./e.stance").as_deref(),
            Ok("a/d/e.stance")
        );
        assert!(join_include("b.stance", "../c.stance").is_err());
        assert!(join_include("a/b.stance", "../../c.stance").is_err());
        assert!(join_include("a/b.stance", "/etc/passwd").is_err());
        assert!(join_include("a/b.stance", "C:/x").is_err());
        assert!(join_include("a/b.stance", "").is_err());
    }
}
