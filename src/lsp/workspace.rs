//! The open documents, the file system the loader reads through (open
//! buffers first, then the disk, confined to the root as `stance check`
//! is), and the analysis of every model that holds an open document.

use crate::check::CheckOptions;
use crate::check::cache::CheckCache;
use crate::disk::DiskFs;
use crate::load::{FileSystem, FsError, Loaded, Loader, Unit};
use crate::pipeline::{self, Report};
use crate::source::FileId;
use lsp_types::Url;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// An open document: its text as the editor has it, and its version.
#[derive(Clone, Debug)]
pub struct Document {
    /// The version the client gave with its last change.
    pub version: i32,
    /// The full text (full-text sync).
    pub text: String,
}

/// A [`FileSystem`] that reads the editor's buffers first and the disk
/// under the root otherwise. Confinement is the disk's: a path that exists
/// on disk is answered by [`DiskFs::canonical`] (symbolic links resolved,
/// refused outside the root); a buffer with no file behind it (a new,
/// unsaved file) is found by its root-relative path.
pub struct OverlayFs<'a> {
    /// The disk under the root.
    pub disk: DiskFs,
    /// Root-relative path → text of the open buffers under this root.
    pub buffers: BTreeMap<String, &'a str>,
}

impl FileSystem for OverlayFs<'_> {
    fn canonical(&self, path: &str) -> Result<String, FsError> {
        match self.disk.canonical(path) {
            Err(FsError::NotFound) if self.buffers.contains_key(path) => Ok(path.to_owned()),
            other => other,
        }
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, FsError> {
        match self.buffers.get(path) {
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => self.disk.read(path),
        }
    }
}

impl OverlayFs<'_> {
    /// The files under this root that may be roots of a model holding an
    /// open buffer: every open buffer and, when the root is the workspace
    /// folder, every rule file in it.
    pub(super) fn candidates(&self, workspace: Option<&Path>) -> BTreeSet<String> {
        let mut candidates: BTreeSet<String> = self.buffers.keys().cloned().collect();
        if Some(self.disk.root.as_path()) == workspace {
            candidates.extend(rule_files(&self.disk));
        }
        candidates
    }

    /// Loads each of `roots` as a root, with its includes.
    pub(super) fn load<'r>(&self, roots: impl IntoIterator<Item = &'r String>) -> Loaded {
        let mut loader = Loader::new(self);
        for r in roots {
            let _ = loader.add_root(r);
        }
        loader.finish()
    }
}

/// The URI of each file of `loaded`, read from the disk under `root`.
pub(super) fn disk_uris(loaded: &Loaded, root: &Path) -> Vec<Option<Url>> {
    loaded
        .sources
        .files()
        .iter()
        .map(|f| Url::from_file_path(root.join(&f.path)).ok())
        .collect()
}

/// The check of the models that hold some open documents under one root.
pub struct Analysis {
    /// The files read (sources and syntax trees) and the checked units.
    pub loaded: Loaded,
    /// The diagnostics of `pipeline::run`, as `stance check` gives them.
    pub report: Report,
    /// The URI of each file of `loaded`, by `FileId`.
    pub uris: Vec<Option<Url>>,
}

impl Analysis {
    /// The file with this URI, if this analysis read it.
    pub fn file(&self, uri: &Url) -> Option<FileId> {
        self.uris
            .iter()
            .position(|u| u.as_ref() == Some(uri))
            .map(|i| FileId(u32::try_from(i).unwrap_or(u32::MAX)))
    }

    /// The checked units that load `file`.
    pub fn units_of(&self, file: FileId) -> Vec<&Unit> {
        pipeline::checked_units(&self.loaded)
            .into_iter()
            .filter(|u| u.files.contains(&file))
            .collect()
    }

    /// The text of a file.
    pub fn text(&self, file: FileId) -> &str {
        self.loaded
            .sources
            .get(file)
            .map_or("", |f| f.text.as_str())
    }
}

/// At most this many rule files of the workspace folder are read to find
/// the files that include an open document.
pub const MAX_WORKSPACE_FILES: usize = 2000;

/// Where an open document lives: under a root, by a root-relative path,
/// or nowhere on disk (`untitled:` and other schemes).
pub(super) enum Place {
    Disk { root: PathBuf, rel: String },
    Virtual,
}

pub(super) fn place(uri: &Url, workspace: Option<&Path>) -> Place {
    let Ok(path) = uri.to_file_path() else {
        return Place::Virtual;
    };
    // The real path when the file exists; else its real directory and name.
    let real = std::fs::canonicalize(&path).ok().or_else(|| {
        let dir = std::fs::canonicalize(path.parent()?).ok()?;
        Some(dir.join(path.file_name()?))
    });
    let Some(real) = real else {
        return Place::Virtual;
    };
    let root = match workspace {
        Some(w) if real.starts_with(w) => w.to_path_buf(),
        _ => match real.parent() {
            Some(p) => p.to_path_buf(),
            None => return Place::Virtual,
        },
    };
    let disk = DiskFs { root: root.clone() };
    match disk.relative(&real) {
        Some(rel) if !rel.is_empty() => Place::Disk { root, rel },
        _ => Place::Virtual,
    }
}

/// `*.stance` files below `dir` (root-relative), sorted, skipping hidden
/// directories and `target/`, without following symbolic links to
/// directories; at most [`MAX_WORKSPACE_FILES`].
fn rule_files(disk: &DiskFs) -> Vec<String> {
    let mut stack = vec![disk.root.clone()];
    let mut found = Vec::new();
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            let name = entry.file_name().to_string_lossy().into_owned();
            if ft.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "stance")
                && let Some(rel) = disk.relative(&path)
            {
                found.push(rel);
            }
            if found.len() >= MAX_WORKSPACE_FILES {
                found.sort();
                return found;
            }
        }
    }
    found.sort();
    found
}

/// Checks every model that holds an open document: per root, the open
/// documents and the workspace's rule files are loaded to find the checked
/// units (roots no other file includes) that hold an open document; those
/// roots are then loaded and checked by `pipeline::run`, as
/// `stance check ROOT…` would.
///
/// `caches` holds one [`CheckCache`] per analysis (a root directory, or
/// the URI of a document not on disk), kept between calls: a model checked
/// again after an edit re-solves only the components the edit touched.
/// The caches of analyses that no longer exist are dropped.
pub fn analyse(
    documents: &BTreeMap<Url, Document>,
    workspace: Option<&Path>,
    options: &CheckOptions,
    caches: &mut BTreeMap<String, CheckCache>,
) -> Vec<Analysis> {
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut by_root: BTreeMap<PathBuf, BTreeMap<String, &str>> = BTreeMap::new();
    let mut virtual_docs = Vec::new();
    for (uri, doc) in documents {
        match place(uri, workspace) {
            Place::Disk { root, rel } => {
                by_root
                    .entry(root)
                    .or_default()
                    .insert(rel, doc.text.as_str());
            }
            Place::Virtual => virtual_docs.push((uri, doc)),
        }
    }
    let mut out = Vec::new();
    for (root, buffers) in by_root {
        let fs = OverlayFs {
            disk: DiskFs { root: root.clone() },
            buffers,
        };
        let candidates = fs.candidates(workspace);
        // Which roots hold an open document?
        let found = fs.load(&candidates);
        let open: BTreeSet<FileId> = fs
            .buffers
            .keys()
            .filter_map(|p| found.sources.find(p))
            .collect();
        let roots: BTreeSet<String> = pipeline::checked_units(&found)
            .into_iter()
            .filter(|u| u.files.iter().any(|f| open.contains(f)))
            .filter_map(|u| found.sources.get(u.root).map(|f| f.path.clone()))
            .collect();
        // When every candidate is a root to check (one open file and no
        // other rule file, say), the second load would add the same roots
        // in the same order: the first load is that load.
        let loaded = if roots == candidates {
            found
        } else {
            drop(found);
            fs.load(&roots)
        };
        let name = format!("root:{}", root.display());
        let report =
            pipeline::run_cached(&loaded, options, caches.entry(name.clone()).or_default());
        used.insert(name);
        let uris = disk_uris(&loaded, &root);
        out.push(Analysis {
            loaded,
            report,
            uris,
        });
    }
    for (uri, doc) in virtual_docs {
        let (loaded, uris, _) = load_virtual(uri, &doc.text, workspace);
        let name = format!("uri:{uri}");
        let report =
            pipeline::run_cached(&loaded, options, caches.entry(name.clone()).or_default());
        used.insert(name);
        out.push(Analysis {
            loaded,
            report,
            uris,
        });
    }
    caches.retain(|name, _| used.contains(name));
    out
}

/// Loads an editor buffer that is not a file on disk (an `untitled:` URI)
/// as the root of its own model, its includes read from the workspace
/// folder (or the current directory): the loaded files, the URI of each
/// (the buffer's own URI for it), and the buffer's file id.
pub(super) fn load_virtual(
    uri: &Url,
    text: &str,
    workspace: Option<&Path>,
) -> (Loaded, Vec<Option<Url>>, FileId) {
    let root = workspace
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("/"));
    let fs = DiskFs { root: root.clone() };
    let mut loader = Loader::new(&fs);
    let id = loader.add_text(uri.as_str(), text.as_bytes());
    let loaded = loader.finish();
    let uris = loaded
        .sources
        .files()
        .iter()
        .map(|f| {
            if f.id == id {
                Some(uri.clone())
            } else {
                Url::from_file_path(root.join(&f.path)).ok()
            }
        })
        .collect();
    (loaded, uris, id)
}
