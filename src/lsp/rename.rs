//! Rename: `textDocument/prepareRename` and `textDocument/rename` for
//! parties, topics, scenarios and labels.
//!
//! A name belongs to the models (checked units) whose files write it. A
//! rename rewrites every occurrence of the name, of the same kind, in
//! every file of every model it reaches: the models holding the file
//! under the cursor, and, since a file shared through `include` belongs
//! to each model that includes it, every further model that holds a
//! rewritten file, until no new model is reached. The files are read as
//! the diagnostics read them (the editor's buffers first, then the disk
//! under the root; every `*.stance` file of the workspace folder), but all
//! of them, not only the models of the open files: a file that includes a
//! renamed declaration need not be open.
//!
//! [`plan`] decides, from the syntax trees alone, what to rewrite or why
//! not; the server turns the plan into a `WorkspaceEdit`.

use super::Server;
use super::position::{Encoding, LineIndex};
use super::symbols::{self, Occurrence, SymbolKind};
use super::workspace::{self, Analysis, OverlayFs, Place};
use crate::diagnostic::Kind;
use crate::disk::DiskFs;
use crate::load::Loaded;
use crate::source::{FileId, Span};
use lsp_server::ErrorCode;
use lsp_types::{PrepareRenameResponse, TextEdit, Url, WorkspaceEdit};
use std::collections::{BTreeSet, HashMap};

/// What a rename rewrites: every span of the old name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// What the name names.
    pub kind: SymbolKind,
    /// The name before the rename.
    pub old: String,
    /// Where it is written, by file then offset (empty when the new name
    /// is the old one).
    pub spans: Vec<Span>,
}

/// Why a rename is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No party, topic, scenario or label at the cursor.
    NoName,
    /// The new name is a reserved keyword.
    Keyword(String),
    /// The new name is not an identifier.
    NotIdentifier(String),
    /// The new name already names something of the same kind in a model
    /// the rename reaches: the two would become one.
    Clash {
        /// The kind of both names.
        kind: SymbolKind,
        /// The new name.
        name: String,
        /// Where it is written first (file, 1-based line).
        at: (String, usize),
    },
    /// A file the rename reaches has syntax errors: its tree may lack a
    /// use of the name, which the rename would then miss.
    SyntaxErrors {
        /// The file and the 1-based line of its first syntax error.
        at: (String, usize),
    },
}

impl Refusal {
    /// The message shown to the user.
    pub fn message(&self) -> String {
        match self {
            Refusal::NoName => {
                "there is no party, topic, scenario or label name here to rename".to_owned()
            }
            Refusal::Keyword(k) => {
                format!("`{k}` is a reserved keyword and cannot be used as a name")
            }
            Refusal::NotIdentifier(n) => format!(
                "`{}` is not a valid name: a name is a letter or `_` followed by letters, digits or `_` (ASCII only)",
                n.escape_debug()
            ),
            Refusal::Clash { kind, name, at } => format!(
                "`{name}` is already a {} of this model (`{}:{}`): renaming would make the two one",
                kind.as_str(),
                at.0,
                at.1
            ),
            Refusal::SyntaxErrors { at } => format!(
                "`{}:{}` has a syntax error: fix it first (a rename could miss a use of the name in that file)",
                at.0, at.1
            ),
        }
    }

    /// The JSON-RPC error code: the new name is an invalid parameter; a
    /// refusal for the model's sake is a failed request.
    pub fn code(&self) -> ErrorCode {
        match self {
            Refusal::Keyword(_) | Refusal::NotIdentifier(_) => ErrorCode::InvalidParams,
            Refusal::NoName | Refusal::Clash { .. } | Refusal::SyntaxErrors { .. } => {
                ErrorCode::RequestFailed
            }
        }
    }
}

/// Whether `name` may name a party, topic, scenario or label
/// (LANGUAGE.md §2: `[A-Za-z_][A-Za-z0-9_]*`, not a keyword).
pub fn check_name(name: &str) -> Result<(), Refusal> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Refusal::NotIdentifier(name.to_owned()));
    }
    if crate::syntax::KEYWORDS.contains(&name) {
        return Err(Refusal::Keyword(name.to_owned()));
    }
    Ok(())
}

/// The name at byte `offset` of `file`, if any.
pub fn name_at(loaded: &Loaded, file: FileId, offset: usize) -> Option<Occurrence> {
    let occ = symbols::occurrences(loaded.ast(file)?);
    symbols::at(&occ, offset).cloned()
}

/// `file:line` (1-based) of a span.
fn place_of(loaded: &Loaded, span: Span) -> (String, usize) {
    match loaded.sources.get(span.file) {
        Some(f) => (f.path.clone(), f.line_col(span.start as usize).line),
        None => (String::new(), 0),
    }
}

/// What renaming the name at byte `offset` of `file` to `new_name`
/// rewrites, among the files of `loaded`, or why it is refused.
pub fn plan(loaded: &Loaded, file: FileId, offset: usize, new_name: &str) -> Result<Plan, Refusal> {
    let n = loaded.sources.files().len();
    let occ: Vec<Vec<Occurrence>> = (0..n)
        .map(|i| {
            let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
            loaded.ast(id).map(symbols::occurrences).unwrap_or_default()
        })
        .collect();
    let o = occ
        .get(file.0 as usize)
        .and_then(|v| symbols::at(v, offset))
        .cloned()
        .ok_or(Refusal::NoName)?;
    check_name(new_name)?;
    if new_name == o.name {
        return Ok(Plan {
            kind: o.kind,
            old: o.name,
            spans: Vec::new(),
        });
    }
    let writes = |f: FileId, name: &str| {
        occ.get(f.0 as usize)
            .is_some_and(|v| v.iter().any(|x| x.kind == o.kind && x.name == name))
    };
    // The models reached, and the files to rewrite, to a fixed point.
    let mut units: BTreeSet<usize> = BTreeSet::new();
    let mut files: BTreeSet<FileId> = BTreeSet::from([file]);
    let mut frontier = vec![file];
    while let Some(f) = frontier.pop() {
        for (i, u) in loaded.units.iter().enumerate() {
            if !u.files.contains(&f) || !units.insert(i) {
                continue;
            }
            for &g in &u.files {
                if writes(g, &o.name) && files.insert(g) {
                    frontier.push(g);
                }
            }
        }
    }
    let mut reached: BTreeSet<FileId> = units
        .iter()
        .filter_map(|&i| loaded.units.get(i))
        .flat_map(|u| u.files.iter().copied())
        .collect();
    reached.insert(file);
    if let Some(d) = loaded
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::SyntaxError || d.kind == Kind::InvalidUtf8)
        .filter(|d| reached.contains(&d.span.file))
        .min_by_key(|d| (d.span.file, d.span.start))
    {
        return Err(Refusal::SyntaxErrors {
            at: place_of(loaded, d.span),
        });
    }
    // Every model reached holds the old name; the new one must be free
    // in each (a model not reached keeps its own names).
    if let Some(x) = reached.iter().find_map(|&f| {
        occ.get(f.0 as usize)?
            .iter()
            .find(|x| x.kind == o.kind && x.name == new_name)
    }) {
        return Err(Refusal::Clash {
            kind: o.kind,
            name: new_name.to_owned(),
            at: place_of(loaded, x.span),
        });
    }
    let mut spans: Vec<Span> = files
        .iter()
        .filter_map(|f| occ.get(f.0 as usize))
        .flatten()
        .filter(|x| x.kind == o.kind && x.name == o.name)
        .map(|x| x.span)
        .collect();
    spans.sort_by_key(|s| (s.file, s.start));
    spans.dedup();
    Ok(Plan {
        kind: o.kind,
        old: o.name,
        spans,
    })
}

/// The range of the name at `position` and the name itself, for
/// `prepareRename`; `None` where no name is (a keyword, a string, a
/// comment, white space).
pub fn prepare(
    a: &Analysis,
    file: FileId,
    position: lsp_types::Position,
    encoding: Encoding,
) -> Option<PrepareRenameResponse> {
    let idx = LineIndex::new(a.text(file));
    let o = name_at(&a.loaded, file, idx.offset(position, encoding))?;
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: lsp_types::Range {
            start: idx.position(o.span.start as usize, encoding),
            end: idx.position(o.span.end as usize, encoding),
        },
        placeholder: o.name,
    })
}

/// Every file a rename of a name in `uri` may have to rewrite, read as
/// the diagnostics read them, with their URIs and the id of `uri`.
struct Files {
    loaded: Loaded,
    uris: Vec<Option<Url>>,
    file: FileId,
}

impl Server<'_> {
    /// Loads the files a rename in `uri` may reach: under the root of
    /// `uri`, every open buffer and (when the root is the workspace
    /// folder) every rule file, each as a root, with its includes.
    fn rename_files(&self, uri: &Url) -> Option<Files> {
        let workspace = self.workspace.as_deref();
        match workspace::place(uri, workspace) {
            Place::Disk { root, rel } => {
                let buffers = self
                    .documents
                    .iter()
                    .filter_map(|(u, d)| match workspace::place(u, workspace) {
                        Place::Disk { root: r, rel } if r == root => Some((rel, d.text.as_str())),
                        _ => None,
                    })
                    .collect();
                let fs = OverlayFs {
                    disk: DiskFs { root: root.clone() },
                    buffers,
                };
                let mut candidates = fs.candidates(workspace);
                candidates.insert(rel.clone());
                let loaded = fs.load(&candidates);
                let file = loaded.sources.find(&rel)?;
                let uris = workspace::disk_uris(&loaded, &root);
                Some(Files { loaded, uris, file })
            }
            Place::Virtual => {
                let doc = self.documents.get(uri)?;
                let (loaded, uris, file) =
                    super::workspace::load_virtual(uri, &doc.text, workspace);
                Some(Files { loaded, uris, file })
            }
        }
    }

    /// `textDocument/rename`: the edits, or why not.
    pub(super) fn rename(
        &self,
        p: &lsp_types::RenameParams,
    ) -> Result<WorkspaceEdit, (ErrorCode, String)> {
        let uri = &p.text_document_position.text_document.uri;
        let Some(files) = self.rename_files(uri) else {
            return Err((
                ErrorCode::RequestFailed,
                format!("`{uri}` is not an open rule file"),
            ));
        };
        let loaded = &files.loaded;
        let text = loaded
            .sources
            .get(files.file)
            .map_or("", |f| f.text.as_str());
        let offset = LineIndex::new(text).offset(p.text_document_position.position, self.encoding);
        let plan =
            plan(loaded, files.file, offset, &p.new_name).map_err(|r| (r.code(), r.message()))?;
        let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
        let mut index: Option<(FileId, LineIndex<'_>)> = None;
        for span in &plan.spans {
            let Some(uri) = files.uris.get(span.file.0 as usize).cloned().flatten() else {
                return Err((
                    ErrorCode::InternalError,
                    format!("internal error: no URI for `{}`", place_of(loaded, *span).0),
                ));
            };
            if index.as_ref().is_none_or(|(f, _)| *f != span.file) {
                let text = loaded
                    .sources
                    .get(span.file)
                    .map_or("", |f| f.text.as_str());
                index = Some((span.file, LineIndex::new(text)));
            }
            let Some((_, idx)) = index.as_ref() else {
                continue;
            };
            changes.entry(uri).or_default().push(TextEdit {
                range: lsp_types::Range {
                    start: idx.position(span.start as usize, self.encoding),
                    end: idx.position(span.end as usize, self.encoding),
                },
                new_text: p.new_name.clone(),
            });
        }
        Ok(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Loader, MemoryFs};

    fn load(files: &[(&str, &str)], roots: &[&str]) -> Loaded {
        let mut fs = MemoryFs::new();
        for (p, t) in files {
            fs.insert(*p, t.as_bytes().to_vec());
        }
        let mut loader = Loader::new(&fs);
        for r in roots {
            assert!(loader.add_root(r).is_ok(), "{r}");
        }
        loader.finish()
    }

    /// The plan for renaming the `nth` (0-based) `needle` of `path`.
    fn plan_at(
        loaded: &Loaded,
        path: &str,
        needle: &str,
        nth: usize,
        new: &str,
    ) -> Result<Plan, Refusal> {
        let file = loaded.sources.find(path).expect("loaded");
        let text = &loaded.sources.get(file).expect("file").text;
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        // whole words only: `p` is not the `p` of `party`
        let at = text
            .match_indices(needle)
            .map(|(i, _)| i)
            .filter(|&i| {
                let starts_inside =
                    word(needle.chars().next()) && word(text[..i].chars().next_back());
                let ends_inside = word(needle.chars().next_back())
                    && word(text[i + needle.len()..].chars().next());
                !starts_inside && !ends_inside
            })
            .nth(nth)
            .expect("needle");
        plan(loaded, file, at, new)
    }

    /// The text of each file after the plan.
    fn apply(loaded: &Loaded, plan: &Plan, new: &str) -> Vec<(String, String)> {
        loaded
            .sources
            .files()
            .iter()
            .map(|f| {
                let mut text = f.text.clone();
                let mut spans: Vec<&Span> = plan.spans.iter().filter(|s| s.file == f.id).collect();
                spans.sort_by_key(|s| std::cmp::Reverse(s.start));
                for s in spans {
                    text.replace_range(s.range(), new);
                }
                (f.path.clone(), text)
            })
            .collect()
    }

    #[test]
    fn names_are_checked() {
        assert_eq!(check_name("ok_2"), Ok(()));
        assert_eq!(check_name("_"), Ok(()));
        assert_eq!(check_name("Party"), Ok(()));
        for bad in ["", "2x", "café", "a-b", "a b", "a@b", " a"] {
            assert_eq!(
                check_name(bad),
                Err(Refusal::NotIdentifier(bad.to_owned())),
                "{bad}"
            );
        }
        for k in crate::syntax::KEYWORDS {
            assert_eq!(check_name(k), Err(Refusal::Keyword((*k).to_owned())));
        }
    }

    #[test]
    fn every_kind_of_use_is_rewritten() {
        let text = "party p \"P\"\nparty q\ntopic x\nparty p as of 2025-01-02 {\n  l1: requires x@p when x\n  duty p: x\n}\nscenario s { x@p }\nexpect feasible s for p, q\nexpect consistent p\nexpect impossible x@p and not x\n";
        let loaded = load(&[("a.stance", text)], &["a.stance"]);
        let p = plan_at(&loaded, "a.stance", "p", 0, "pp").expect("party");
        assert_eq!(p.kind, SymbolKind::Party);
        let files = apply(&loaded, &p, "pp");
        assert_eq!(
            files[0].1,
            text.replace("party p ", "party pp ")
                .replace("@p", "@pp")
                .replace("duty p:", "duty pp:")
                .replace("for p,", "for pp,")
                .replace("consistent p\n", "consistent pp\n")
        );
        let t = plan_at(&loaded, "a.stance", "x", 1, "y").expect("topic");
        assert_eq!(t.kind, SymbolKind::Topic);
        let files = apply(&loaded, &t, "y");
        assert_eq!(
            files[0].1,
            text.replace("topic x", "topic y")
                .replace("x@", "y@")
                .replace("when x", "when y")
                .replace(": x", ": y")
                .replace("not x", "not y")
        );
        let s = plan_at(&loaded, "a.stance", "s {", 0, "s2").expect("scenario");
        assert_eq!(s.kind, SymbolKind::Scenario);
        assert_eq!(s.spans.len(), 2);
        let l = plan_at(&loaded, "a.stance", "l1", 0, "z9").expect("label");
        assert_eq!((l.kind, l.spans.len()), (SymbolKind::Label, 1));
    }

    #[test]
    fn a_shared_file_carries_the_rename_to_every_includer() {
        let files = [
            ("common.stance", "party p\ntopic x\n"),
            (
                "a.stance",
                "include \"common.stance\"\nparty p { requires x }\n",
            ),
            (
                "b.stance",
                "include \"common.stance\"\nparty p { rejects x }\n",
            ),
            ("c.stance", "party p { requires x }\n"),
        ];
        let loaded = load(&files, &["a.stance", "b.stance", "c.stance"]);
        let plan = plan_at(&loaded, "a.stance", "p", 0, "r").expect("plan");
        let after = apply(&loaded, &plan, "r");
        let text = |p: &str| &after.iter().find(|(f, _)| f == p).expect(p).1;
        assert_eq!(text("common.stance"), "party r\ntopic x\n");
        assert!(text("b.stance").contains("party r {"));
        // c is a model of its own: its `p` is another party.
        assert_eq!(text("c.stance"), "party p { requires x }\n");
    }

    #[test]
    fn clashes_are_refused_only_in_reached_models() {
        let files = [
            (
                "a.stance",
                "party p\nparty q\ntopic x\ntopic y\nparty p { l1: requires x }\nparty q { l2: rejects y }\n",
            ),
            ("other.stance", "party r\n"),
        ];
        let loaded = load(&files, &["a.stance", "other.stance"]);
        let clash = plan_at(&loaded, "a.stance", "p", 0, "q");
        assert!(
            matches!(&clash, Err(Refusal::Clash { kind: SymbolKind::Party, name, at })
                if name == "q" && at == &("a.stance".to_owned(), 2)),
            "{clash:?}"
        );
        assert!(matches!(
            plan_at(&loaded, "a.stance", "x", 0, "y"),
            Err(Refusal::Clash { .. })
        ));
        assert!(matches!(
            plan_at(&loaded, "a.stance", "l1", 0, "l2"),
            Err(Refusal::Clash { .. })
        ));
        // another model's party, another kind's name: no clash
        assert!(plan_at(&loaded, "a.stance", "p", 0, "r").is_ok());
        assert!(plan_at(&loaded, "a.stance", "x", 0, "q").is_ok());
        assert!(plan_at(&loaded, "a.stance", "l1", 0, "x").is_ok());
        // a name used but never declared still clashes
        let loaded = load(
            &[("u.stance", "party p { requires x or y }\n")],
            &["u.stance"],
        );
        assert!(matches!(
            plan_at(&loaded, "u.stance", "x", 0, "y"),
            Err(Refusal::Clash { .. })
        ));
    }

    #[test]
    fn no_name_and_syntax_errors_are_refused() {
        let loaded = load(
            &[("a.stance", "party p  # a comment\ntopic x \"label\"\n")],
            &["a.stance"],
        );
        for (needle, nth) in [("party", 0), ("comment", 0), ("label", 0), (" #", 0)] {
            let r = plan_at(&loaded, "a.stance", needle, nth, "z");
            assert_eq!(r, Err(Refusal::NoName), "{needle}");
        }
        let loaded = load(
            &[
                ("a.stance", "include \"b.stance\"\nparty p\n"),
                ("b.stance", "party p {\n  requires requires\n}\n"),
            ],
            &["a.stance"],
        );
        let r = plan_at(&loaded, "a.stance", "p", 0, "z");
        assert!(
            matches!(&r, Err(Refusal::SyntaxErrors { at }) if at.0 == "b.stance"),
            "{r:?}"
        );
    }

    #[test]
    fn renaming_to_the_same_name_changes_nothing() {
        let loaded = load(
            &[("a.stance", "party p\nparty p { requires x@p }\n")],
            &["a.stance"],
        );
        let plan = plan_at(&loaded, "a.stance", "p", 0, "p").expect("plan");
        assert!(plan.spans.is_empty());
    }
}
